// Open311 GeoReport v2, mapped onto the catalogue and requests so civic-tech
// clients can list services, file requests (POST requests.json, with an
// api_key) and follow them. Errors use GeoReport's own shape (a list of
// {code, description}). Only non-personal fields of requests are published:
// no names, national codes or addresses.
import type { FastifyInstance } from 'fastify';
import { clock } from '../../../platform/clock.ts';
import open311Clients from '../../plugins/app/open311-clients.ts';
import { attributesOf } from './attributes.ts';
import { Errors, fail, geoReportErrorHandler } from './georeport.ts';
import postRequestRoute from './post-request.ts';
import { parseForm } from './form-body.ts';

const ServiceFile = { type: 'object', required: ['file'], properties: { file: { type: 'string', pattern: '^[a-z0-9-]+\\.json$' } } } as const;
const RequestFile = { type: 'object', required: ['file'], properties: { file: { type: 'string', pattern: '^[0-9]{6,20}\\.json$' } } } as const;

const ServiceItem = {
  type: 'object',
  properties: {
    service_code: { type: 'string' }, service_name: { type: 'string' }, description: { type: 'string' }, metadata: { type: 'boolean' },
    type: { type: 'string' }, keywords: { type: 'string' }, group: { type: 'string' },
  },
} as const;

const RequestItem = {
  type: 'object',
  properties: {
    service_request_id: { type: 'string' }, status: { type: 'string', enum: ['open', 'closed'] }, status_notes: { type: ['string', 'null'] },
    service_name: { type: 'string' }, service_code: { type: 'string' }, agency_responsible: { type: 'string' },
    requested_datetime: { type: 'string' }, updated_datetime: { type: 'string' }, expected_datetime: { type: ['string', 'null'] },
  },
} as const;

const RequestsQuery = {
  type: 'object',
  properties: {
    service_request_id: { type: 'string', pattern: '^[0-9]{6,20}(,[0-9]{6,20})*$' },
    service_code: { type: 'string', maxLength: 100 },
    start_date: { type: 'string', format: 'date-time' },
    end_date: { type: 'string', format: 'date-time' },
    status: { type: 'string', enum: ['open', 'closed'] },
    jurisdiction_id: { type: 'integer', minimum: 1, maximum: 99, description: 'A district number: its requests only' },
  },
} as const;

export default async function open311Routes(app: FastifyInstance) {
  app.setErrorHandler(geoReportErrorHandler);
  // GeoReport clients POST form-encoded bodies; only this part of the API takes them.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => done(null, parseForm(body as string)));
  // The api_keys are this module's alone, so its plugin lives in this scope.
  await app.register(open311Clients);
  await app.register(postRequestRoute);

  const service = (id: string) => app.catalogue.find(id);
  const requestView = (row: Record<string, any>) => ({
    service_request_id: row.tracking_code,
    status: row.closed_at ? 'closed' : 'open',
    status_notes: row.outcome ?? null,
    service_name: service(row.service_id)?.service.name.fa ?? row.service_id,
    service_code: row.service_id,
    agency_responsible: `District ${row.district_id}`,
    requested_datetime: new Date(row.created_at).toISOString(),
    updated_datetime: new Date(row.updated_at).toISOString(),
    expected_datetime: null,
  });

  app.get('/discovery.json', {
    schema: { tags: ['open311'], summary: 'GeoReport v2 discovery', response: { 200: { type: 'object', additionalProperties: true } } },
  }, async (request) => ({
    changeset: '2026-11-29T00:00:00Z',
    contact: 'شهرداری مشهد، سامانه ۱۳۷',
    key_service: 'POST requests.json needs an api_key: the municipality issues one per client application (operators run `tsx bin/open311-client.ts issue <name>`).',
    endpoints: [{ specification: 'http://wiki.open311.org/GeoReport_v2', url: `${request.protocol}://${request.host}/open311/v2`, changeset: '2026-11-29T00:00:00Z', type: 'production', formats: ['application/json'] }],
  }));

  app.get<{ Querystring: { jurisdiction_id?: number } }>('/services.json', {
    schema: {
      tags: ['open311'], summary: 'GeoReport v2 service list; with jurisdiction_id (a district number), the services that district offers',
      querystring: { type: 'object', properties: { jurisdiction_id: { type: 'integer', minimum: 1, maximum: 99 } } },
      response: { 200: { type: 'array', items: ServiceItem }, 400: Errors },
    },
  }, async (request) => {
    const district = request.query.jurisdiction_id;
    const offered = district === undefined ? undefined : await app.catalogue.offeredIn(district);
    return app.catalogue.list({ offered }).map((s) => ({
      service_code: s.id, service_name: s.name.fa, description: s.description.fa, metadata: true, type: 'batched',
      keywords: [s.name.en, ...s.channels].join(','), group: app.catalogue.headings.find((h) => h.id === s.heading)?.name.fa ?? s.heading,
    }));
  });

  app.get<{ Params: { file: string } }>('/services/:file', {
    schema: {
      tags: ['open311'], summary: 'GeoReport v2 service definition: the start form\'s fields as attributes',
      params: ServiceFile, response: { 200: { type: 'object', additionalProperties: true }, 400: Errors, 404: Errors },
    },
  }, async (request, reply) => {
    const code = request.params.file.slice(0, -'.json'.length);
    const entry = service(code);
    if (!entry) return fail(reply, 404, `no service ${code}`);
    return { service_code: code, attributes: attributesOf(entry.form.components) };
  });

  app.get<{ Querystring: { service_request_id?: string; service_code?: string; start_date?: string; end_date?: string; status?: 'open' | 'closed'; jurisdiction_id?: number } }>('/requests.json', {
    schema: {
      tags: ['open311'], summary: 'GeoReport v2 requests (90 days at most; no personal data)',
      querystring: RequestsQuery, response: { 200: { type: 'array', items: RequestItem }, 400: Errors },
    },
  }, async (request, reply) => {
    const q = request.query;
    const end = q.end_date ? new Date(q.end_date) : clock.now();
    const start = q.start_date ? new Date(q.start_date) : new Date(end.getTime() - 90 * 86_400_000);
    if (end.getTime() - start.getTime() > 90 * 86_400_000) return fail(reply, 400, 'start_date and end_date may be at most 90 days apart');
    const query = app.db('requests').orderBy('created_at', 'desc').limit(1000);
    if (q.service_request_id) query.whereIn('tracking_code', q.service_request_id.split(','));
    else query.whereBetween('created_at', [start, end]);
    if (q.service_code) query.where({ service_id: q.service_code });
    if (q.status === 'open') query.whereNull('closed_at');
    if (q.status === 'closed') query.whereNotNull('closed_at');
    if (q.jurisdiction_id !== undefined) query.where({ district_id: q.jurisdiction_id });
    return (await query).map(requestView);
  });

  app.get<{ Params: { file: string } }>('/requests/:file', {
    schema: {
      tags: ['open311'], summary: 'GeoReport v2 one request by its id (the tracking code)',
      params: RequestFile, response: { 200: { type: 'array', items: RequestItem }, 400: Errors, 404: Errors },
    },
  }, async (request, reply) => {
    const row = await app.db('requests').where({ tracking_code: request.params.file.slice(0, -'.json'.length) }).first();
    return row ? [requestView(row)] : fail(reply, 404, 'no such request');
  });
}
