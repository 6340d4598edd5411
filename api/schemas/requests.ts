import type { RequestRow } from '../../domain/requests/rows.ts';

const TrackingCode = { type: 'string', pattern: '^[0-9]{6,20}$', description: 'The code the citizen follows the request by' } as const;

export const TrackingParams = {
  type: 'object',
  required: ['trackingCode'],
  properties: { trackingCode: TrackingCode },
} as const;

export const DocumentParams = {
  type: 'object',
  required: ['trackingCode', 'documentId'],
  properties: { trackingCode: TrackingCode, documentId: { type: 'string', format: 'uuid' } },
} as const;

export const IdempotencyHeaders = {
  type: 'object',
  properties: {
    'idempotency-key': { type: 'string', minLength: 1, maxLength: 200, description: 'Repeat the same key to get the same request back instead of a second one' },
  },
} as const;

const Form = { type: 'object', additionalProperties: true, description: 'Data of the service\'s start form' } as const;

export const Submission = {
  type: 'object',
  required: ['serviceId', 'districtId', 'form'],
  additionalProperties: false,
  properties: {
    serviceId: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]*$', maxLength: 100 },
    districtId: { type: 'integer', minimum: 1, maximum: 99 },
    form: Form,
    citizen: {
      type: 'object',
      description: 'Who the request is for, when staff file it (137 agents, clerks at the counter)',
      required: ['nationalCode', 'mobile'],
      additionalProperties: false,
      properties: {
        nationalCode: { type: 'string', format: 'national-code' },
        mobile: { type: 'string', format: 'mobile' },
        name: { type: 'string', minLength: 1, maxLength: 100 },
      },
    },
  },
} as const;

export const Accepted = {
  type: 'object',
  required: ['id', 'trackingCode', 'status', 'started', 'replayed'],
  properties: {
    id: { type: 'string' },
    trackingCode: TrackingCode,
    status: { type: 'string' },
    started: { type: 'boolean', description: 'Whether the process instance is running yet; a new request answers false and starts moments later' },
    replayed: { type: 'boolean', description: 'True when an earlier submit with the same Idempotency-Key is returned' },
  },
} as const;

const Event = {
  type: 'object',
  required: ['kind', 'elementId', 'data', 'at'],
  properties: {
    kind: { type: 'string', description: 'The milestone (a status name such as awaiting-correction) or step' },
    elementId: { type: ['string', 'null'], description: 'The diagram element that recorded it; null for the API\'s own events' },
    data: { type: 'object', additionalProperties: true, description: 'Details, e.g. reason' },
    at: { type: 'string', format: 'date-time' },
  },
} as const;

export const RequestView = {
  type: 'object',
  required: ['id', 'trackingCode', 'service', 'districtId', 'channel', 'status', 'outcome', 'form', 'started', 'createdAt', 'updatedAt', 'closedAt', 'rating', 'correction', 'timeline'],
  properties: {
    id: { type: 'string', format: 'uuid' },
    trackingCode: TrackingCode,
    service: {
      type: 'object', required: ['id'],
      properties: { id: { type: 'string' }, name: { type: 'object', required: ['fa', 'en'], properties: { fa: { type: 'string' }, en: { type: 'string' } } } },
    },
    districtId: { type: 'integer' },
    channel: { type: 'string', enum: ['portal', 'call-centre', 'in-person'] },
    status: { type: 'string' },
    outcome: { type: ['string', 'null'] },
    form: Form,
    started: { type: 'boolean', description: 'Whether the process instance is running yet' },
    createdAt: { type: 'string', format: 'date-time' },
    updatedAt: { type: 'string', format: 'date-time' },
    closedAt: { type: ['string', 'null'], format: 'date-time' },
    rating: {
      type: ['object', 'null'], required: ['score', 'comment'],
      properties: { score: { type: 'integer' }, comment: { type: ['string', 'null'] } },
    },
    correction: {
      type: ['object', 'null'],
      description: 'What to correct, only while the request waits for the citizen (status awaiting-correction); then resubmit',
      required: ['note', 'requestedAt'],
      properties: {
        note: { type: ['string', 'null'], description: 'The clerk\'s note on what to correct' },
        requestedAt: { type: 'string', format: 'date-time' },
      },
    },
    certificate: {
      type: ['object', 'null'],
      description: 'The permit or certificate the request ended with (download at …/certificate; anyone checks it at /verify/<verificationCode>)',
      required: ['number', 'issuedAt', 'verificationCode'],
      properties: { number: { type: 'string' }, issuedAt: { type: 'string', format: 'date-time' }, verificationCode: { type: 'string' } },
    },
    timeline: { type: 'array', items: Event },
  },
} as const;

export const RequestSummary = {
  type: 'object',
  required: ['id', 'trackingCode', 'serviceId', 'districtId', 'status', 'createdAt'],
  properties: {
    id: { type: 'string' }, trackingCode: TrackingCode, serviceId: { type: 'string' }, districtId: { type: 'integer' },
    channel: { type: 'string' }, status: { type: 'string' }, outcome: { type: ['string', 'null'] },
    createdAt: { type: 'string', format: 'date-time' }, closedAt: { type: ['string', 'null'], format: 'date-time' },
  },
} as const;

/** A request row as RequestSummary answers it (a citizen's or a district's list, a 137 agent's look-up). */
export const requestSummary = (row: RequestRow) => ({
  id: row.id, trackingCode: row.tracking_code, serviceId: row.service_id, districtId: row.district_id, channel: row.channel,
  status: row.status, outcome: row.outcome, createdAt: row.created_at, closedAt: row.closed_at,
});

export const RequestListQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    status: { type: 'string', maxLength: 50 },
    serviceId: { type: 'string', maxLength: 100 },
    limit: { type: 'integer', minimum: 1, maximum: 200, default: 50 },
  },
} as const;

export const Resubmission = {
  type: 'object',
  required: ['form'],
  additionalProperties: false,
  properties: { form: Form },
} as const;

export const Rating = {
  type: 'object',
  required: ['score'],
  additionalProperties: false,
  properties: {
    score: { type: 'integer', minimum: 1, maximum: 5 },
    comment: { type: 'string', maxLength: 2000 },
  },
} as const;

export const Done = {
  type: 'object',
  required: ['status'],
  properties: { status: { type: 'string' } },
} as const;

export const DocumentView = {
  type: 'object',
  required: ['id', 'kind', 'filename', 'contentType', 'size', 'sha256', 'createdAt'],
  properties: {
    id: { type: 'string' }, kind: { type: 'string' }, filename: { type: 'string' }, contentType: { type: 'string' },
    size: { type: 'integer' }, sha256: { type: 'string' }, createdAt: { type: 'string', format: 'date-time' },
  },
} as const;
