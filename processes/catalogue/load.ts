// Validates the catalogue at load time: shape with a TypeBox schema (compiled
// by ajv), then the rules that tie fields together. A broken entry stops the
// start-up with an error naming the service and the field.
import { Type, type Static } from '@sinclair/typebox';
import { Ajv, type ErrorObject } from 'ajv';
import { headings as writtenHeadings, services as writtenServices } from './data.ts';
import { channels, headingIds, roles, stepKinds, type Heading, type Service } from './types.ts';

const kebab = '^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$';
const persian = '[\\u0600-\\u06FF]';
const rials = Type.Integer({ minimum: 1 });
const formField = Type.String({ pattern: '^[a-zA-Z][a-zA-Z0-9]*$' });
const union = <T extends readonly string[]>(values: T) => Type.Union(values.map((value) => Type.Literal(value)));

const FeeRule = Type.Union([
  Type.Object({ kind: Type.Literal('none') }, { additionalProperties: false }),
  Type.Object({ kind: Type.Literal('fixed'), amount: rials }, { additionalProperties: false }),
  Type.Object({ kind: Type.Literal('per-square-metre'), rate: rials, field: formField }, { additionalProperties: false }),
  Type.Object({ kind: Type.Literal('per-unit'), rate: rials, field: formField }, { additionalProperties: false }),
]);

const ServiceSchema = Type.Object({
  id: Type.String({ pattern: kebab, maxLength: 60 }),
  name: Type.Object({ fa: Type.String({ pattern: persian }), en: Type.String({ minLength: 2 }) }, { additionalProperties: false }),
  heading: union(headingIds),
  channels: Type.Array(union(channels), { minItems: 1, uniqueItems: true }),
  documents: Type.Array(
    Type.Object({ id: Type.String({ pattern: kebab }), fa: Type.String({ pattern: persian }) }, { additionalProperties: false }),
  ),
  fee: FeeRule,
  steps: Type.Array(union(stepKinds), { minItems: 1, uniqueItems: true }),
  slaWorkingDays: Type.Integer({ minimum: 1, maximum: 365 }),
  approver: Type.Optional(union(roles)),
  performer: Type.Optional(union(roles)),
  roles: Type.Array(union(roles), { minItems: 1, uniqueItems: true }),
  forms: Type.Object({
    start: Type.String({ pattern: kebab }),
    tasks: Type.Partial(Type.Record(union(stepKinds), Type.String({ pattern: kebab }))),
  }, { additionalProperties: false }),
  description: Type.Object({ fa: Type.String({ pattern: persian, minLength: 10 }) }, { additionalProperties: false }),
}, { additionalProperties: false });

// The schema and the hand-written interface must describe the same thing.
type SchemaService = Static<typeof ServiceSchema>;
const sameShape: (service: Service) => SchemaService = (service) => service;
void sameShape;

export class CatalogueError extends Error {
  constructor(readonly serviceId: string, readonly field: string, detail: string) {
    super(`catalogue: service "${serviceId}", field "${field}": ${detail}`);
    this.name = 'CatalogueError';
  }
}

const ajv = new Ajv({ allErrors: false, strict: false });
const checkShape = ajv.compile<SchemaService>(ServiceSchema);

function fieldOf(error: ErrorObject): string {
  const path = error.instancePath.slice(1).replace(/\//g, '.');
  const missing = error.keyword === 'required' ? (error.params as { missingProperty: string }).missingProperty : undefined;
  const extra = error.keyword === 'additionalProperties' ? (error.params as { additionalProperty: string }).additionalProperty : undefined;
  return [path, missing ?? extra].filter(Boolean).join('.') || '(entry)';
}

/** Throws CatalogueError for the first problem found in `entry`. */
export function validateService(entry: unknown): Service {
  const id = typeof (entry as { id?: unknown })?.id === 'string' ? (entry as { id: string }).id : '(no id)';
  if (!checkShape(entry)) {
    // A failing union reports every branch; the last error is the most specific for fee rules.
    const error = checkShape.errors![0]!;
    throw new CatalogueError(id, fieldOf(error), error.message ?? 'invalid');
  }
  const service = entry as Service;
  const has = (step: Service['steps'][number]) => service.steps.includes(step);
  if (has('approval') !== (service.approver !== undefined)) {
    throw new CatalogueError(id, 'approver', has('approval') ? 'an approval step needs an approver role' : 'an approver without an approval step');
  }
  const performs = has('field-work') || has('response');
  if (performs !== (service.performer !== undefined)) {
    throw new CatalogueError(id, 'performer', performs ? 'field work or a response needs a performer role' : 'a performer without field work or a response step');
  }
  if (has('payment') !== (service.fee.kind !== 'none')) {
    throw new CatalogueError(id, 'fee', has('payment') ? 'a payment step needs a fee rule other than none' : 'a fee without a payment step');
  }
  if (has('appointment') && !service.channels.includes('in-person')) {
    throw new CatalogueError(id, 'channels', 'an appointment step means the in-person channel is offered');
  }
  for (const role of [service.approver, service.performer]) {
    if (role && !service.roles.includes(role)) throw new CatalogueError(id, 'roles', `missing the role ${role}`);
  }
  if (!service.roles.includes('manager')) throw new CatalogueError(id, 'roles', 'the manager receives SLA escalations and must be listed');
  for (const step of Object.keys(service.forms.tasks)) {
    if (!has(step as Service['steps'][number])) throw new CatalogueError(id, `forms.tasks.${step}`, 'a task form for a step the service does not have');
  }
  const survey = service.steps.indexOf('survey');
  if (survey !== -1 && survey !== service.steps.length - 1) throw new CatalogueError(id, 'steps', 'the survey comes last, after the service is done');
  const documentIds = service.documents.map((document) => document.id);
  const repeated = documentIds.find((documentId, index) => documentIds.indexOf(documentId) !== index);
  if (repeated) throw new CatalogueError(id, 'documents', `document ${repeated} listed twice`);
  return service;
}

export interface Catalogue {
  headings: Heading[];
  services: Service[];
}

/** Validates every entry and the catalogue as a whole (unique ids, known headings). */
export function validateCatalogue(catalogue: { headings: unknown[]; services: unknown[] }): Catalogue {
  const services = catalogue.services.map(validateService);
  const seen = new Set<string>();
  for (const service of services) {
    if (seen.has(service.id)) throw new CatalogueError(service.id, 'id', 'used by two services');
    seen.add(service.id);
  }
  const headings = catalogue.headings as Heading[];
  for (const heading of headingIds) {
    if (!headings.some((candidate) => candidate.id === heading)) throw new CatalogueError('(catalogue)', 'headings', `heading ${heading} has no name`);
    if (!services.some((service) => service.heading === heading)) throw new CatalogueError('(catalogue)', 'headings', `heading ${heading} has no service`);
  }
  return { headings, services };
}

let loaded: Catalogue | undefined;

/** The validated catalogue; validated once per process. */
export function loadCatalogue(): Catalogue {
  loaded ??= validateCatalogue({ headings: writtenHeadings, services: writtenServices });
  return loaded;
}
