// GET requests (with the specification's filters), GET requests/{id} and
// GET tokens/{token}: anyone may follow requests, by tracking code or in
// lists of at most 90 days and 1000 requests, never seeing who filed them.
// A list covers the jurisdiction's districts; service_request_id overrides
// every other filter, as the specification says, and ids are city-wide.
import type { FastifyInstance } from 'fastify';
import { DateTime } from 'luxon';
import { clock } from '../../../platform/clock.ts';
import { IRAN_TIME_ZONE } from '../../../platform/persian.ts';
import { answer, formatParam } from './format.ts';
import { Errors, GeoReportError } from './georeport.ts';
import { type PublishedRow, publishedRows, requestViews, type ViewContext } from './request-view.ts';
import { ordered, Requests, Tokens } from './schemas.ts';
import { typed } from '../../schemas/type-provider.ts';

const day = 86_400_000;
/** The specification's default and ceiling: 90 days or the first 1000 requests, whichever is smaller. */
const maxSpanDays = 90;
const maxRequests = 1000;

const jurisdictionId = { type: 'string', maxLength: 100, description: 'A configured jurisdiction or a district number; the first configured one when absent' } as const;
const trackingCode = '[0-9]{6,20}';

interface ListQuery { jurisdiction_id?: string; service_request_id?: string; service_code?: string; start_date?: string; end_date?: string; status?: string }

const ListQuery = {
  type: 'object',
  properties: {
    jurisdiction_id: jurisdictionId,
    service_request_id: { type: 'string', maxLength: 2100, pattern: `^\\s*${trackingCode}\\s*(,\\s*${trackingCode}\\s*){0,99}$`, description: 'Up to 100 tracking codes, comma-separated; overrides every other filter' },
    service_code: { type: 'string', maxLength: 1000, pattern: '^[a-z0-9-]+(,[a-z0-9-]+)*$', description: 'A service_code, or several comma-separated' },
    start_date: { type: 'string', maxLength: 40, description: 'Earliest filing time (ISO 8601 with a zone, or a date in Tehran); at most 90 days before end_date' },
    end_date: { type: 'string', maxLength: 40, description: 'Latest filing time; now when absent (or start_date + 90 days)' },
    status: { type: 'string', pattern: '^(open|closed)(,(open|closed))?$', description: 'open, closed, or both comma-separated' },
  },
} as const;

/** An ISO 8601 time with its zone, or a bare date read as midnight in Tehran. */
function parseDate(value: string | undefined, name: string): Date | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const text = value.trim();
  const zoned = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/i.test(text);
  const parsed = zoned ? DateTime.fromISO(text, { setZone: true }) : /^\d{4}-\d{2}-\d{2}$/.test(text) ? DateTime.fromISO(text, { zone: IRAN_TIME_ZONE }) : undefined;
  if (!parsed?.isValid) {
    throw new GeoReportError(400, `${name}: must be an ISO 8601 date-time with its zone, such as 2026-12-01T08:00:00+03:30 — تاریخ باید به قالب ISO 8601 با منطقه زمانی باشد.`);
  }
  return parsed.toJSDate();
}

export default async function requestRoutes(fastify: FastifyInstance) {
  const app = typed(fastify);
  const context: ViewContext = {
    db: app.db,
    service: (id) => app.catalogue.find(id)?.service,
    districtName: (id) => app.open311Jurisdictions.districtName(id),
  };

  app.get('/requests.:format', {
    schema: {
      tags: ['open311'],
      summary: 'GeoReport v2 requests: the jurisdiction\'s, newest first (90 days and 1000 requests at most; no personal data)',
      params: { type: 'object', required: ['format'], properties: { format: formatParam } },
      querystring: ListQuery,
      response: { 200: Requests, 400: Errors, 404: Errors },
    },
  }, async (request, reply) => {
    const q = request.query;
    const jurisdiction = app.open311Jurisdictions.resolve(q.jurisdiction_id);
    const query = publishedRows(app.db).orderBy('r.created_at', 'desc').limit(maxRequests);
    if (q.service_request_id) {
      query.whereIn('r.tracking_code', q.service_request_id.split(',').map((id) => id.trim()));
    } else {
      const start = parseDate(q.start_date, 'start_date');
      const end = parseDate(q.end_date, 'end_date') ?? (start ? new Date(start.getTime() + maxSpanDays * day) : clock.now());
      const from = start ?? new Date(end.getTime() - maxSpanDays * day);
      if (from > end) throw new GeoReportError(400, 'start_date: must not be after end_date — تاریخ شروع پس از تاریخ پایان است.');
      if (end.getTime() - from.getTime() > maxSpanDays * day) {
        throw new GeoReportError(400, `start_date, end_date: at most ${maxSpanDays} days apart — فاصله تاریخ شروع و پایان حداکثر ۹۰ روز است.`);
      }
      query.whereBetween('r.created_at', [from, end]).whereIn('r.district_id', jurisdiction.districts);
      if (q.service_code) query.whereIn('r.service_id', q.service_code.split(','));
      const statuses = new Set(q.status?.split(','));
      if (statuses.size === 1 && statuses.has('open')) query.whereNull('r.closed_at');
      if (statuses.size === 1 && statuses.has('closed')) query.whereNotNull('r.closed_at');
    }
    return answer(request, reply, 'service_requests', await requestViews(context, await query as PublishedRow[]));
  });

  app.get('/requests/:id.:format', {
    schema: {
      tags: ['open311'],
      summary: 'GeoReport v2 one request by its service_request_id (the tracking code)',
      params: { type: 'object', required: ['id', 'format'], properties: { id: { type: 'string', pattern: `^${trackingCode}$` }, format: formatParam } },
      querystring: { type: 'object', properties: { jurisdiction_id: jurisdictionId } },
      response: { 200: Requests, 400: Errors, 404: Errors },
    },
  }, async (request, reply) => {
    const query = publishedRows(app.db).where('r.tracking_code', request.params.id);
    // Without a jurisdiction_id the id is looked up city-wide; with one, only in its districts.
    if (request.query.jurisdiction_id !== undefined) query.whereIn('r.district_id', app.open311Jurisdictions.resolve(request.query.jurisdiction_id).districts);
    const row = await query.first() as PublishedRow | undefined;
    if (!row) throw new GeoReportError(404, `service_request_id: no request ${request.params.id} — درخواستی با این کد رهگیری پیدا نشد.`);
    return answer(request, reply, 'service_requests', await requestViews(context, [row]));
  });

  app.get('/tokens/:token.:format', {
    schema: {
      tags: ['open311'],
      summary: 'GeoReport v2 token lookup: the service_request_id of the request filed with this token',
      description: 'Our requests are realtime (POST answers the service_request_id at once), so a token always resolves; it is given beside the id for clients that keep tokens.',
      params: { type: 'object', required: ['token', 'format'], properties: { token: { type: 'string', format: 'uuid' }, format: formatParam } },
      querystring: { type: 'object', properties: { jurisdiction_id: jurisdictionId } },
      response: { 200: Tokens, 400: Errors, 404: Errors },
    },
  }, async (request, reply) => {
    if (request.query.jurisdiction_id !== undefined) app.open311Jurisdictions.resolve(request.query.jurisdiction_id);
    const row = await app.db('open311_requests as o').join('requests as r', 'r.id', 'o.request_id')
      .where('o.request_id', request.params.token.toLowerCase()).first('r.tracking_code');
    if (!row) throw new GeoReportError(404, `token: no request was filed with token ${request.params.token} — درخواستی با این شناسه پیدا نشد.`);
    return answer(request, reply, 'service_requests', [ordered(Tokens.items, { service_request_id: row.tracking_code, token: request.params.token })]);
  });
}
