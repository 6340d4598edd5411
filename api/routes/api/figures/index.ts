// Figures for managers and analysts: volumes by service, district and
// channel; how many needed no office visit; time to close (median, 90th
// percentile); SLA breaches; satisfaction. All from PostgreSQL in one pass each.
import type { FastifyInstance } from 'fastify';
import { claimsOf, type StaffClaims } from '../../../plugins/app/auth.ts';
import { problems } from '../../../schemas/problem.ts';

const Query = {
  type: 'object',
  additionalProperties: false,
  properties: {
    from: { type: 'string', format: 'date', description: 'first day counted (UTC)' },
    to: { type: 'string', format: 'date', description: 'last day counted (UTC)' },
    district: { type: 'integer', minimum: 1, maximum: 99, description: 'city-wide staff may pick a district; others always see their own' },
  },
} as const;

const Count = { type: 'object', required: ['key', 'count'], properties: { key: { type: 'string' }, count: { type: 'integer' } } } as const;

const Figures = {
  type: 'object',
  required: ['total', 'byService', 'byDistrict', 'byChannel', 'withoutOfficeVisit', 'timeToClose', 'slaBreaches', 'satisfaction'],
  properties: {
    total: { type: 'integer' },
    byService: { type: 'array', items: Count },
    byDistrict: { type: 'array', items: Count },
    byChannel: { type: 'array', items: Count },
    withoutOfficeVisit: {
      type: 'object', required: ['count', 'share'],
      description: 'Requests neither filed in person nor with an appointment',
      properties: { count: { type: 'integer' }, share: { type: ['number', 'null'] } },
    },
    timeToClose: {
      type: 'array',
      items: {
        type: 'object', required: ['serviceId', 'closed', 'medianHours', 'p90Hours'],
        properties: { serviceId: { type: 'string' }, closed: { type: 'integer' }, medianHours: { type: 'number' }, p90Hours: { type: 'number' } },
      },
    },
    slaBreaches: {
      type: 'object', required: ['tasksOverdue', 'tasksCompletedLate'],
      properties: { tasksOverdue: { type: 'integer' }, tasksCompletedLate: { type: 'integer' } },
    },
    satisfaction: {
      type: 'object', required: ['ratings', 'average'],
      properties: { ratings: { type: 'integer' }, average: { type: ['number', 'null'] } },
    },
  },
} as const;

export default async function figureRoutes(app: FastifyInstance) {
  app.get<{ Querystring: { from?: string; to?: string; district?: number } }>('/', {
    preHandler: app.allow('manager', 'analyst', 'admin'),
    schema: {
      tags: ['figures'], summary: 'Request figures for managers and analysts', security: [{ bearer: [] }],
      querystring: Query, response: { 200: Figures, ...problems(401, 403) },
    },
  }, async (request) => {
    const staff = claimsOf(request) as StaffClaims;
    const district = staff.districtId ?? request.query.district;
    const { db } = app;
    const scoped = () => {
      const query = db('requests as r');
      if (district !== undefined) query.where('r.district_id', district);
      if (request.query.from) query.where('r.created_at', '>=', request.query.from);
      if (request.query.to) query.where('r.created_at', '<', db.raw("?::date + interval '1 day'", [request.query.to]));
      return query;
    };
    const counts = async (column: string) => (await scoped().select(db.raw(`${column}::text as key`)).count('* as count').groupBy(column).orderBy('count', 'desc'))
      .map((row) => ({ key: String(row.key), count: Number(row.count) }));
    const [byService, byDistrict, byChannel] = await Promise.all([counts('r.service_id'), counts('r.district_id'), counts('r.channel')]);
    const total = byChannel.reduce((sum, row) => sum + row.count, 0);
    const [{ count: remote }] = await scoped()
      .whereNot('r.channel', 'in-person')
      .whereNotExists(db('appointments as a').whereRaw('a.request_id = r.id'))
      .count('* as count');
    const closing = await scoped().whereNotNull('r.closed_at').groupBy('r.service_id').select(
      'r.service_id as serviceId',
      db.raw('count(*)::int as closed'),
      db.raw('percentile_cont(0.5) within group (order by extract(epoch from r.closed_at - r.created_at)) / 3600 as "medianHours"'),
      db.raw('percentile_cont(0.9) within group (order by extract(epoch from r.closed_at - r.created_at)) / 3600 as "p90Hours"'),
    );
    const tasks = db('user_tasks as t').join('requests as r', 'r.id', 't.request_id').whereNotNull('t.due_at');
    if (district !== undefined) tasks.where('r.district_id', district);
    const [sla] = await tasks.select(
      db.raw("count(*) filter (where t.status = 'open' and t.due_at < clock_now())::int as overdue"),
      db.raw("count(*) filter (where t.status = 'completed' and t.completed_at > t.due_at)::int as late"),
    );
    const [satisfaction] = await scoped().join('ratings as g', 'g.request_id', 'r.id').select(db.raw('count(*)::int as ratings'), db.raw('avg(g.score)::float as average'));
    return {
      total, byService, byDistrict, byChannel,
      withoutOfficeVisit: { count: Number(remote), share: total ? Number(remote) / total : null },
      timeToClose: closing.map((row) => ({ ...row, medianHours: Number(row.medianHours), p90Hours: Number(row.p90Hours) })),
      slaBreaches: { tasksOverdue: sla.overdue, tasksCompletedLate: sla.late },
      satisfaction: { ratings: satisfaction.ratings, average: satisfaction.average },
    };
  });
}
