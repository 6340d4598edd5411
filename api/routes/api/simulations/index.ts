// Reports of simulated months (npm run simulate, simulation/report.ts): the
// list, and one report whole — its figures are the figures page's, computed
// by the same code on the simulated district. Managers see their district's.
import type { FastifyInstance } from 'fastify';
import { claimsOf, type StaffClaims } from '../../../plugins/app/auth.ts';
import { ApiProblem } from '../../../plugins/app/problems.ts';
import { problems } from '../../../schemas/problem.ts';
import { typed } from '../../../schemas/type-provider.ts';

const Summary = {
  type: 'object',
  required: ['id', 'districtId', 'days', 'simulatedFrom', 'simulatedTo', 'requests', 'createdAt'],
  properties: {
    id: { type: 'string' }, districtId: { type: 'integer' }, days: { type: 'integer' },
    simulatedFrom: { type: 'string', format: 'date-time' }, simulatedTo: { type: 'string', format: 'date-time' },
    requests: { type: 'integer' }, createdAt: { type: 'string', format: 'date-time' },
  },
} as const;

const Params = { type: 'object', required: ['id'], properties: { id: { type: 'string', format: 'uuid' } } } as const;

const columns = ['id', 'district_id as districtId', 'days', 'simulated_from as simulatedFrom', 'simulated_to as simulatedTo', 'requests', 'created_at as createdAt'];

export default async function simulationRoutes(fastify: FastifyInstance) {
  const app = typed(fastify);
  const readers = app.allow('manager', 'analyst', 'admin');
  /** A district manager reads their district's reports; city-wide staff any. */
  const scoped = (staff: StaffClaims) => {
    const query = app.db('simulation_reports');
    if (staff.districtId !== null) query.where({ district_id: staff.districtId });
    return query;
  };

  app.get('/', {
    onRequest: readers,
    schema: {
      tags: ['simulations'], summary: 'Reports of simulated months, newest first', security: [{ bearer: [] }],
      response: { 200: { type: 'array', items: Summary }, ...problems(401, 403) },
    },
  }, async (request) => scoped(claimsOf(request) as StaffClaims).orderBy('created_at', 'desc').limit(50).select(columns));

  app.get('/:id', {
    onRequest: readers,
    schema: {
      tags: ['simulations'], summary: 'One simulated month: figures, the check against the run, staff, load-test numbers, the capacity plan',
      security: [{ bearer: [] }], params: Params,
      response: {
        200: { type: 'object', required: [...Summary.required, 'report'], properties: { ...Summary.properties, report: { type: 'object', additionalProperties: true } } },
        ...problems(401, 403, 404),
      },
    },
  }, async (request) => {
    const row = await scoped(claimsOf(request) as StaffClaims).where({ id: request.params.id }).first([...columns, 'report']);
    if (!row) throw new ApiProblem(404, 'unknown-simulation', 'There is no such simulation report.', 'گزارش شبیه‌سازی با این شناسه پیدا نشد.');
    return row;
  });
}
