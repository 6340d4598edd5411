// The web modeler's HTTP side: the built front end at /modeler and the
// process routes under /api/processes. Registered from api/app.ts; reads the
// database and the Zeebe client the context plugin decorates the app with.
import fs from 'node:fs';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fastifyStatic from '@fastify/static';
import { BpmnModdle } from 'bpmn-moddle';
import { createRequire } from 'node:module';
import { editorOf, editorsOnly, signedInEditor } from './access.ts';
import { bundleDirectory, ensureBundle } from './build.ts';
import { findDiagramFile, listProcesses } from './catalogue.ts';
import { elementTemplates, type JobContract } from './element-templates.ts';
import { formFile, latestFormVersion, linkedFormIds, recordFormDeployment, saveFormVersion } from './forms.ts';
import { blockingIssues, lintDiagram, type LintIssue as Finding } from './lint.ts';
import { processesDirectory } from '../platform/deployment.ts';
import { ApiProblem } from '../platform/problem.ts';
import { Problem, problemRef } from '../api/schemas/problem.ts';
import { sendProblem } from '../api/plugins/app/problems.ts';
import { migrateRequests, planMigration, type Mapping } from './migration.ts';
import { reviewChanges } from './review.ts';
import { findVersion, listVersions, recordDeployment, runningVersion, saveVersion, savedProcesses, type ProcessVersion } from './versions.ts';

const require = createRequire(import.meta.url);
const zeebeSchema = require('zeebe-bpmn-moddle/resources/zeebe.json') as Record<string, unknown>;
const moddle = new BpmnModdle({ zeebe: zeebeSchema });

const ProcessId = { type: 'string', pattern: '^[a-z0-9][a-z0-9-]*$', maxLength: 100 } as const;
const Params = { type: 'object', required: ['id'], properties: { id: ProcessId } } as const;
/** A saved version's number: PostgreSQL's integer, so 1e30 is refused here rather than by the database. */
const VersionNumber = { type: 'integer', minimum: 1, maximum: 2_147_483_647 } as const;

const LintIssue = {
  type: 'object',
  required: ['rule', 'elementId', 'message', 'category'],
  properties: {
    rule: { type: 'string' },
    elementId: { type: 'string' },
    message: { type: 'string' },
    category: { type: 'string', enum: ['error', 'warn', 'info', 'rule-error'] },
  },
} as const;

const VersionSummary = {
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

const Diagram = {
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

const notFound = (detail: string, detailFa: string) => new ApiProblem(404, 'not-found', detail, detailFa);
const noSavedVersion = (id: string, requested?: number) => (requested
  ? notFound(`There is no version ${requested} of ${id}.`, 'چنین نسخه‌ای پیدا نشد.')
  : notFound(`${id} has no saved version: save it first.`, 'این فرایند نسخه ذخیره‌شده‌ای ندارد؛ ابتدا ذخیره کنید.'));
const notADiagram = (detail: string) => new ApiProblem(400, 'not-a-diagram', detail, 'این پرونده نمودار BPMN درستی نیست.');
const notAForm = (detail: string) => new ApiProblem(400, 'not-a-form', detail, 'این پرونده فرم درستی نیست.');

/** The processes a document defines, or the parse error. */
async function definedProcesses(xml: string): Promise<Array<{ id: string; name?: string }> | Error> {
  try {
    const { rootElement } = await moddle.fromXML(xml, 'bpmn:Definitions');
    const roots = (rootElement.rootElements ?? []) as Array<{ $type: string; id: string; name?: string }>;
    return roots.filter((root) => root.$type === 'bpmn:Process');
  } catch (error) {
    return error as Error;
  }
}

/** 422 from deploy: a problem document whose `lint` member lists the findings that block it. */
const LintRefusal = {
  type: 'object',
  required: ['type', 'title', 'status', 'detail', 'detailFa', 'lint'],
  properties: { ...Problem.properties, lint: { type: 'array', items: LintIssue } },
} as const;

function lintRefusal(reply: FastifyReply, detail: string, detailFa: string, lint: Finding[]) {
  return sendProblem(reply, 422, { type: 'urn:shahrdari:problem:lint-errors', detail, detailFa, lint });
}

const Review = {
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

const WaitState = { type: 'object', required: ['id', 'type'], properties: { id: { type: 'string' }, name: { type: ['string', 'null'] }, type: { type: 'string' } } } as const;
const MappingBody = {
  type: 'array',
  maxItems: 500,
  items: {
    type: 'object',
    required: ['sourceElementId', 'targetElementId'],
    additionalProperties: false,
    properties: { sourceElementId: { type: 'string', maxLength: 200 }, targetElementId: { type: 'string', maxLength: 200 } },
  },
} as const;
const PlannedRequest = {
  type: 'object',
  required: ['requestId', 'trackingCode', 'processInstanceKey'],
  properties: {
    requestId: { type: 'string' }, trackingCode: { type: 'string' }, processInstanceKey: { type: 'string' },
    elementId: { type: ['string', 'null'] }, targetElementId: { type: ['string', 'null'] }, reasonFa: { type: ['string', 'null'] },
  },
} as const;
/** Running requests of the version before a deployed one, where they wait, and where the proposal sends them. */
const MigrationView = {
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
const MigrationResults = {
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

const FormId = { type: 'string', pattern: '^[a-z0-9][a-z0-9-]*$', maxLength: 100 } as const;
const Form = {
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
const FormDeployed = {
  type: 'object',
  required: ['formId', 'version', 'engineVersion'],
  properties: { formId: { type: 'string' }, version: { type: 'integer' }, engineVersion: { type: 'integer' } },
} as const;

export interface ModelerOptions {
  /** Skip building the front end (the routes alone), e.g. in API tests. */
  skipBundle?: boolean;
  /**
   * The job types the running workers declare (e.g. from startWorkers()).
   * Without them the templates come from the declarations in the code.
   */
  jobContracts?: JobContract[];
  /** Where the diagrams, the catalogue and .bpmnlintrc live; processes/ by default. */
  processesDirectory?: string;
}

export default async function modeler(app: FastifyInstance, options: ModelerOptions) {
  const directory = options.processesDirectory ?? processesDirectory;
  if (!options.skipBundle) {
    // The build (a second or two, more on a busy machine) runs beside the
    // start-up instead of inside it, where it could outlast Fastify's plugin
    // timeout; requests for the page wait for it.
    const built = ensureBundle(app.log);
    built.catch((error: unknown) => app.log.error({ err: error }, 'building the modeler front end failed'));
    await app.register(async (page) => {
      page.addHook('onRequest', async () => { await built; });
      await page.register(fastifyStatic, {
        // Known before the build: the folder is named after the build's inputs.
        root: bundleDirectory(),
        // It appears when the build finishes.
        suppressWarning: true,
        prefix: '/modeler/',
        // The API may register @fastify/static too; this instance keeps its reply decorators to itself.
        decorateReply: false,
        index: ['index.html'],
      });
      page.get('/modeler', { schema: { hide: true } }, (_request, reply) => reply.redirect('/modeler/'));
    });
  }

  app.get('/api/processes', {
    schema: {
      tags: ['modeler'],
      summary: 'Processes an analyst can open, with Persian names, and whether the caller may edit',
      response: {
        200: {
          type: 'object',
          required: ['canEdit', 'processes'],
          properties: {
            canEdit: { type: 'boolean' },
            user: { type: ['string', 'null'] },
            processes: {
              type: 'array',
              items: {
                type: 'object',
                required: ['id', 'name', 'shared', 'inRepository'],
                properties: {
                  id: { type: 'string' },
                  name: { type: 'string' },
                  shared: { type: 'boolean' },
                  inRepository: { type: 'boolean' },
                  latestVersion: { type: ['integer', 'null'] },
                  deployedVersion: { type: ['integer', 'null'] },
                },
              },
            },
          },
        },
      },
    },
  }, async (request) => {
    const [editor, saved] = await Promise.all([editorOf(request), savedProcesses(app.db)]);
    const processes = (await listProcesses(saved, directory)).map((entry) => ({
      ...entry,
      latestVersion: saved.get(entry.id)?.version ?? null,
      deployedVersion: saved.get(entry.id)?.deployedVersion ?? null,
    }));
    return { canEdit: editor !== null, user: editor?.username ?? null, processes };
  });

  app.get('/api/processes/element-templates', {
    schema: {
      tags: ['modeler'],
      summary: 'Zeebe element templates for the job types the workers declare',
      response: { 200: { type: 'array', items: { type: 'object', additionalProperties: true } } },
    },
  }, async () => elementTemplates(options.jobContracts));

  app.get('/api/processes/:id', {
    schema: {
      tags: ['modeler'],
      summary: 'The latest saved version of a diagram, else the diagram file in processes/',
      params: Params,
      response: { 200: Diagram, 404: problemRef },
    },
  }, async (request, reply) => {
    const { id } = request.params as { id: string };
    const latest = await findVersion(app.db, id);
    if (latest) {
      const { xml, ...version } = latest;
      return { id, xml, source: 'saved', version };
    }
    const file = findDiagramFile(id, directory);
    if (!file) throw notFound(`There is no process ${id}.`, 'چنین فرایندی پیدا نشد.');
    return { id, xml: fs.readFileSync(file.file, 'utf8'), source: 'repository', version: null };
  });

  app.get('/api/processes/:id/versions', {
    schema: {
      tags: ['modeler'],
      summary: 'Saved versions of a diagram, newest first',
      params: Params,
      response: { 200: { type: 'array', items: VersionSummary } },
    },
  }, async (request) => {
    const { id } = request.params as { id: string };
    return listVersions(app.db, id);
  });

  app.get('/api/processes/:id/versions/:version', {
    schema: {
      tags: ['modeler'],
      summary: 'One saved version of a diagram',
      params: { type: 'object', required: ['id', 'version'], properties: { id: ProcessId, version: VersionNumber } },
      response: { 200: Diagram, 404: problemRef },
    },
  }, async (request, reply) => {
    const { id, version: number } = request.params as { id: string; version: number };
    const found = await findVersion(app.db, id, number);
    if (!found) throw notFound(`There is no version ${number} of ${id}.`, 'چنین نسخه‌ای پیدا نشد.');
    const { xml, ...version } = found;
    return { id, xml, source: 'saved', version };
  });

  app.put('/api/processes/:id', {
    onRequest: editorsOnly(app),
    bodyLimit: 5 * 1024 * 1024,
    schema: {
      tags: ['modeler'],
      security: [{ bearer: [] }],
      summary: 'Save a new version of a diagram (analysts only); lint findings are returned, not enforced',
      params: Params,
      body: {
        type: 'object',
        required: ['xml'],
        additionalProperties: false,
        properties: { xml: { type: 'string', minLength: 1 }, comment: { type: 'string', maxLength: 1000 } },
      },
      response: {
        201: { type: 'object', required: ['version', 'lint'], properties: { version: VersionSummary, lint: { type: 'array', items: LintIssue } } },
        400: problemRef,
        401: problemRef,
        403: problemRef,
      },
    },
  }, async (request, reply) => {
    const editor = signedInEditor(request);
    const { id } = request.params as { id: string };
    const { xml, comment } = request.body as { xml: string; comment?: string };
    const processes = await definedProcesses(xml);
    if (processes instanceof Error) throw notADiagram(`Not a BPMN diagram: ${processes.message}`);
    // One name per thing: the diagram saved as <id> defines process <id>.
    const process = processes.find((candidate) => candidate.id === id);
    if (!process) {
      throw notADiagram(`The diagram defines ${processes.map((candidate) => candidate.id).join(', ') || 'no process'}, not process ${id}.`);
    }
    const version = await saveVersion(app.db, { processId: id, name: process.name ?? null, xml, author: editor.username, comment });
    return reply.code(201).send({ version, lint: await lintDiagram(xml, directory) });
  });

  app.get('/api/processes/:id/review', {
    schema: {
      tags: ['modeler'],
      summary: 'What deploying a saved version (the latest unless given) changes against the version running now, in Persian',
      params: Params,
      querystring: { type: 'object', additionalProperties: false, properties: { version: VersionNumber } },
      response: { 200: Review, 404: problemRef },
    },
  }, async (request) => {
    const { id } = request.params as { id: string };
    const { version: requested } = request.query as { version?: number };
    const saved = await findVersion(app.db, id, requested);
    if (!saved) throw noSavedVersion(id, requested);
    const running = await runningVersion(app.db, id);
    const file = running ? undefined : findDiagramFile(id, directory);
    const { rootElement } = await moddle.fromXML(saved.xml, 'bpmn:Definitions');
    const forms = [];
    for (const formId of linkedFormIds(rootElement)) {
      const form = await latestFormVersion(app.db, formId);
      if (form && !form.deployedAt) forms.push({ formId, version: form.version });
    }
    return {
      version: saved.version,
      against: running
        ? { source: 'modeler', version: running.version, engineVersion: running.engineVersion, deployedAt: running.deployedAt, deployedBy: running.deployedBy }
        : { source: file ? 'repository' : 'none', version: null, engineVersion: null, deployedAt: null, deployedBy: null },
      changes: await reviewChanges(running?.xml ?? (file ? fs.readFileSync(file.file, 'utf8') : null), saved.xml),
      forms,
    };
  });

  /** The deployed version `requested` (default: the one running) and the version that ran before it. */
  async function migrationEnds(id: string, requested?: number) {
    const target = requested ? await findVersion(app.db, id, requested) : await runningVersion(app.db, id);
    if (!target?.deployedAt || !target.processDefinitionKey) {
      throw new ApiProblem(409, 'not-deployed', `${requested ? `Version ${requested}` : 'No version'} of ${id} is deployed from the modeler.`,
        'این نسخه هنوز مستقر نشده است؛ درخواست‌ها فقط به نسخهٔ مستقرشده منتقل می‌شوند.');
    }
    const previous = await runningVersion(app.db, id, target.deployedAt);
    const file = previous ? undefined : findDiagramFile(id, directory);
    if (!previous && !file) throw new ApiProblem(409, 'no-previous-version', `Nothing of ${id} ran before version ${target.version}.`, 'پیش از این نسخه، نسخهٔ دیگری اجرا نمی‌شد.');
    return {
      target,
      source: previous
        ? { source: 'modeler' as const, version: previous.version, engineVersion: previous.engineVersion, xml: previous.xml }
        : { source: 'repository' as const, version: null, engineVersion: null, xml: fs.readFileSync(file!.file, 'utf8') },
    };
  }

  async function migrationPlan(id: string, requested?: number, mapping?: Mapping[]) {
    const { target, source } = await migrationEnds(id, requested);
    const plan = await planMigration(app.db, { processId: id, sourceXml: source.xml, targetXml: target.xml, deployedAt: target.deployedAt!, mapping });
    return { target, source, plan };
  }

  app.get('/api/processes/:id/migration', {
    schema: {
      tags: ['modeler'],
      summary: 'Running requests of the version before a deployed one: where they wait, the proposed mapping (same id to itself) and which cannot move',
      params: Params,
      querystring: { type: 'object', additionalProperties: false, properties: { version: VersionNumber } },
      response: { 200: MigrationView, 404: problemRef, 409: problemRef },
    },
  }, async (request) => {
    const { id } = request.params as { id: string };
    const { target, source, plan } = await migrationPlan(id, (request.query as { version?: number }).version);
    const { xml: _xml, ...sourceSummary } = source;
    return {
      target: { version: target.version, engineVersion: target.engineVersion, processDefinitionKey: target.processDefinitionKey },
      source: sourceSummary,
      rows: plan.rows,
      targets: plan.targets,
      requests: plan.requests,
    };
  });

  app.post('/api/processes/:id/migration', {
    onRequest: editorsOnly(app),
    schema: {
      tags: ['modeler'],
      security: [{ bearer: [] }],
      summary: 'Move running requests (all that can move, or the ones named) to a deployed version with the analyst\'s mapping; each moves whole or stays',
      params: Params,
      body: {
        type: 'object',
        required: ['mapping'],
        additionalProperties: false,
        properties: {
          version: VersionNumber,
          mapping: MappingBody,
          requests: { type: 'array', maxItems: 10_000, items: { type: 'string', format: 'uuid' } },
        },
      },
      response: { 200: MigrationResults, 401: problemRef, 403: problemRef, 404: problemRef, 409: problemRef },
    },
  }, async (request) => {
    const editor = signedInEditor(request);
    const { id } = request.params as { id: string };
    const body = request.body as { version?: number; mapping: Mapping[]; requests?: string[] };
    const { target, plan } = await migrationPlan(id, body.version, body.mapping);
    const chosen = body.requests ? new Set(body.requests) : undefined;
    const planned = plan.requests.filter((candidate) => !chosen || chosen.has(candidate.requestId));
    const results = await migrateRequests(app.db, app.zeebe, {
      planned,
      mapping: body.mapping,
      target: { processDefinitionKey: target.processDefinitionKey!, version: target.version, engineVersion: target.engineVersion },
      by: editor!.username,
    });
    request.log.info({ processId: id, version: target.version, migrated: results.filter((result) => result.migrated).length, by: editor!.username }, 'running requests migrated');
    return { results };
  });

  app.post('/api/processes/:id/deploy', {
    onRequest: editorsOnly(app),
    schema: {
      tags: ['modeler'],
      security: [{ bearer: [] }],
      summary: 'Deploy a saved version (the latest unless given) to the engine; refused while lint errors remain',
      params: Params,
      body: {
        type: ['object', 'null'],
        additionalProperties: false,
        // The comment is what the analyst says when confirming the review (GET .../review).
        properties: { version: VersionNumber, comment: { type: 'string', maxLength: 1000 } },
      },
      response: {
        200: {
          type: 'object',
          required: ['version', 'lint', 'forms'],
          properties: { version: VersionSummary, lint: { type: 'array', items: LintIssue }, forms: { type: 'array', items: FormDeployed } },
        },
        401: problemRef,
        403: problemRef,
        404: problemRef,
        422: LintRefusal,
      },
    },
  }, async (request, reply) => {
    const editor = signedInEditor(request);
    const { id } = request.params as { id: string };
    const { version: requested, comment } = (request.body as { version?: number; comment?: string } | null) ?? {};
    const saved = await findVersion(app.db, id, requested);
    if (!saved) throw noSavedVersion(id, requested);
    const lint = await lintDiagram(saved.xml, directory);
    const errors = blockingIssues(lint);
    if (errors.length > 0) {
      return lintRefusal(reply, `Version ${saved.version} of ${id} has ${errors.length} lint error(s).`, 'خطاهای اعتبارسنجی نمودار باید پیش از استقرار رفع شوند.', errors);
    }
    try {
      return await deployVersion(request, editor.username, id, saved, lint, comment?.trim() || null);
    } catch (error) {
      // The engine's own validation (gRPC INVALID_ARGUMENT) is the analyst's to fix, like a lint error.
      if ((error as { code?: unknown }).code === 3) {
        return lintRefusal(reply, `The engine refused version ${saved.version} of ${id}: ${(error as Error).message}`, 'موتور فرایند این نسخه را نپذیرفت.', []);
      }
      throw error;
    }
  });

  async function deployVersion(request: FastifyRequest, username: string, id: string, saved: ProcessVersion, lint: Finding[], comment: string | null) {
    // Forms saved in the modeler go first: the engine checks a linked form exists.
    const { rootElement } = await moddle.fromXML(saved.xml, 'bpmn:Definitions');
    const forms = [];
    for (const formId of linkedFormIds(rootElement)) {
      const form = await latestFormVersion(app.db, formId);
      if (!form) continue; // a form from processes/forms/, deployed with the repository's resources
      const result = await app.zeebe.deployResource({ name: `${formId}.form`, form: Buffer.from(form.schema) });
      const deployed = result.deployments.map((entry) => (entry as { form?: { formId: string; version: number; formKey: number | string } }).form)
        .find((candidate) => candidate?.formId === formId);
      if (!deployed) throw new Error(`the engine deployed ${formId}.form without a form ${formId}`);
      await recordFormDeployment(app.db, { formId, version: form.version, formKey: String(deployed.formKey), engineVersion: deployed.version });
      forms.push({ formId, version: form.version, engineVersion: deployed.version });
    }
    const deployment = await app.zeebe.deployResource({ name: `${id}.bpmn`, process: Buffer.from(saved.xml) });
    const definition = deployment.deployments.map((entry) => (entry as { process?: { bpmnProcessId: string; version: number; processDefinitionKey: string } }).process)
      .find((process) => process?.bpmnProcessId === id);
    if (!definition) throw new Error(`the engine deployed ${id}.bpmn without a process ${id}`);
    request.log.info({ processId: id, version: saved.version, engineVersion: definition.version, by: username }, 'diagram deployed from the modeler');
    const version = await recordDeployment(app.db, {
      processId: id,
      version: saved.version,
      deployedBy: username,
      comment,
      processDefinitionKey: String(definition.processDefinitionKey),
      engineVersion: definition.version,
    });
    return { version, lint, forms };
  }

  app.get('/api/processes/forms/:formId', {
    schema: {
      tags: ['modeler'],
      summary: 'The latest saved version of a user-task form, else its file in processes/forms/',
      params: { type: 'object', required: ['formId'], properties: { formId: FormId } },
      response: { 200: Form, 404: problemRef },
    },
  }, async (request, reply) => {
    const { formId } = request.params as { formId: string };
    const saved = await latestFormVersion(app.db, formId);
    if (saved) return { id: formId, schema: saved.schema, source: 'saved', version: saved.version };
    const file = formFile(directory, formId);
    if (!fs.existsSync(file)) throw notFound(`There is no form ${formId}.`, 'چنین فرمی پیدا نشد.');
    return { id: formId, schema: fs.readFileSync(file, 'utf8'), source: 'repository', version: null };
  });

  app.put('/api/processes/forms/:formId', {
    onRequest: editorsOnly(app),
    bodyLimit: 2 * 1024 * 1024,
    schema: {
      tags: ['modeler'],
      security: [{ bearer: [] }],
      summary: 'Save a new version of a user-task form (analysts only); deployed with the next diagram that links it',
      params: { type: 'object', required: ['formId'], properties: { formId: FormId } },
      body: { type: 'object', required: ['schema'], additionalProperties: false, properties: { schema: { type: 'string', minLength: 2 } } },
      response: {
        201: { type: 'object', required: ['id', 'version', 'author'], properties: { id: { type: 'string' }, version: { type: 'integer' }, author: { type: 'string' } } },
        400: problemRef,
        401: problemRef,
        403: problemRef,
      },
    },
  }, async (request, reply) => {
    const editor = signedInEditor(request);
    const { formId } = request.params as { formId: string };
    const { schema } = request.body as { schema: string };
    let parsed: { id?: unknown; components?: unknown };
    try {
      parsed = JSON.parse(schema) as typeof parsed;
    } catch (error) {
      throw notAForm(`Not JSON: ${(error as Error).message}`);
    }
    if (!parsed || !Array.isArray(parsed.components)) throw notAForm('Not a form-js schema: it has no components.');
    // One name per thing: the form saved as <formId> has the id <formId>, which user tasks link.
    if (parsed.id !== formId) throw notAForm(`The form's id is ${JSON.stringify(parsed.id)}, not ${formId}.`);
    const saved = await saveFormVersion(app.db, { formId, schema, author: editor.username });
    return reply.code(201).send({ id: formId, version: saved.version, author: saved.author });
  });
}
