// The schemas of the analysts' routes under /api/processes (diagrams, their
// versions, the deploy review, deployment, migrating running requests, and
// user-task forms): each route's contract and, through typed(app), its types.
import { Problem } from './problem.ts';

/** A process's or a form's id: its file name, a slug. */
const Slug = { type: 'string', pattern: '^[a-z0-9][a-z0-9-]*$', maxLength: 100 } as const;
export const ProcessId = Slug;
export const Params = { type: 'object', required: ['id'], properties: { id: ProcessId } } as const;
/** A saved version's number: PostgreSQL's integer, so 1e30 is refused here rather than by the database. */
export const VersionNumber = { type: 'integer', minimum: 1, maximum: 2_147_483_647 } as const;

export const LintIssue = {
  type: 'object',
  required: ['rule', 'elementId', 'message', 'category'],
  properties: {
    rule: { type: 'string' },
    elementId: { type: 'string' },
    message: { type: 'string' },
    category: { type: 'string', enum: ['error', 'warn', 'info', 'rule-error'] },
  },
} as const;

export const VersionSummary = {
  type: 'object',
  required: ['version', 'author', 'savedAt'],
  properties: {
    version: { type: 'integer' },
    name: { type: ['string', 'null'] },
    author: { type: 'string' },
    comment: { type: ['string', 'null'] },
    savedAt: { type: 'string', format: 'date-time' },
    deployedAt: { type: ['string', 'null'], format: 'date-time' },
    deployedBy: { type: ['string', 'null'] },
    deployComment: { type: ['string', 'null'] },
    processDefinitionKey: { type: ['string', 'null'] },
    engineVersion: { type: ['integer', 'null'] },
  },
} as const;

export const Diagram = {
  type: 'object',
  required: ['id', 'xml', 'source'],
  properties: {
    id: { type: 'string' },
    xml: { type: 'string' },
    /** Where the XML came from: a saved version, or the diagram file in processes/. */
    source: { type: 'string', enum: ['saved', 'repository'] },
    version: { ...VersionSummary, type: ['object', 'null'] },
  },
} as const;

/** 422 from deploy: a problem document whose `lint` member lists the findings that block it. */
export const LintRefusal = {
  type: 'object',
  required: ['type', 'title', 'status', 'detail', 'detailFa', 'lint'],
  properties: { ...Problem.properties, lint: { type: 'array', items: LintIssue } },
} as const;

export const Review = {
  type: 'object',
  required: ['version', 'against', 'changes', 'forms'],
  properties: {
    version: { type: 'integer' },
    /** The version running now: the last deployed from the modeler, else the repository's file (deployed at start), else none. */
    against: {
      type: 'object',
      required: ['source'],
      properties: {
        source: { type: 'string', enum: ['modeler', 'repository', 'none'] },
        version: { type: ['integer', 'null'] },
        engineVersion: { type: ['integer', 'null'] },
        deployedAt: { type: ['string', 'null'], format: 'date-time' },
        deployedBy: { type: ['string', 'null'] },
      },
    },
    changes: {
      type: 'array',
      items: {
        type: 'object',
        required: ['kind', 'elementId', 'fa'],
        properties: {
          kind: { type: 'string' }, elementId: { type: 'string' }, name: { type: ['string', 'null'] },
          before: { type: ['string', 'null'] }, after: { type: ['string', 'null'] }, fa: { type: 'string' },
        },
      },
    },
    /** Saved forms the diagram links that are not deployed yet: they go with it. */
    forms: { type: 'array', items: { type: 'object', required: ['formId', 'version'], properties: { formId: { type: 'string' }, version: { type: 'integer' } } } },
  },
} as const;

export const WaitState = {
  type: 'object',
  required: ['id', 'type', 'kind'],
  properties: {
    id: { type: 'string' }, name: { type: ['string', 'null'] }, type: { type: 'string' },
    // A place a request waits at, or a catch event it listens to meanwhile (with its message or timer).
    kind: { type: 'string', enum: ['wait', 'event'] }, trigger: { type: ['string', 'null'] },
  },
} as const;
export const MappingBody = {
  type: 'array',
  maxItems: 500,
  items: {
    type: 'object',
    required: ['sourceElementId', 'targetElementId'],
    additionalProperties: false,
    properties: { sourceElementId: { type: 'string', maxLength: 200 }, targetElementId: { type: 'string', maxLength: 200 } },
  },
} as const;
export const PlannedRequest = {
  type: 'object',
  required: ['requestId', 'trackingCode', 'processInstanceKey'],
  properties: {
    requestId: { type: 'string' }, trackingCode: { type: 'string' }, processInstanceKey: { type: 'string' },
    elementId: { type: ['string', 'null'] }, targetElementId: { type: ['string', 'null'] }, reasonFa: { type: ['string', 'null'] },
    moved: { type: 'boolean' },
  },
} as const;
/** Running requests of the version before a deployed one, where they wait, and where the proposal sends them. */
export const MigrationView = {
  type: 'object',
  required: ['target', 'source', 'rows', 'targets', 'requests'],
  properties: {
    target: { type: 'object', properties: { version: { type: 'integer' }, engineVersion: { type: ['integer', 'null'] }, processDefinitionKey: { type: 'string' } } },
    source: { type: 'object', properties: { source: { type: 'string', enum: ['modeler', 'repository'] }, version: { type: ['integer', 'null'] }, engineVersion: { type: ['integer', 'null'] } } },
    rows: { type: 'array', items: { ...WaitState, properties: { ...WaitState.properties, count: { type: 'integer' }, proposed: { type: ['string', 'null'] } } } },
    targets: { type: 'array', items: WaitState },
    requests: { type: 'array', items: PlannedRequest },
  },
} as const;
export const MigrationResults = {
  type: 'object',
  required: ['results'],
  properties: {
    results: {
      type: 'array',
      items: {
        type: 'object',
        required: ['requestId', 'trackingCode', 'migrated'],
        properties: {
          requestId: { type: 'string' }, trackingCode: { type: 'string' }, migrated: { type: 'boolean' },
          reasonFa: { type: ['string', 'null'] }, detail: { type: ['string', 'null'] },
        },
      },
    },
  },
} as const;

export const FormId = Slug;
export const Form = {
  type: 'object',
  required: ['id', 'schema', 'source'],
  properties: {
    id: { type: 'string' },
    /** The form-js schema as JSON text. */
    schema: { type: 'string' },
    source: { type: 'string', enum: ['saved', 'repository'] },
    version: { type: ['integer', 'null'] },
  },
} as const;
export const FormDeployed = {
  type: 'object',
  required: ['formId', 'version', 'engineVersion'],
  properties: { formId: { type: 'string' }, version: { type: 'integer' }, engineVersion: { type: 'integer' } },
} as const;
