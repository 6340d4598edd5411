// Figures for managers and analysts (domain/figures.ts computes them, the same
// code a simulation's report uses): volumes, outcomes, requests with no office
// visit, time to close, SLA met and missed, payments, satisfaction, and per
// role the queues, waits and utilisation over the period.
import type { FastifyInstance } from 'fastify';
import { computeFigures, FiguresSchema } from '../../../../domain/figures.ts';
import { claimsOf, type StaffClaims } from '../../../plugins/app/auth.ts';
import { problems } from '../../../schemas/problem.ts';
import { typed } from '../../../schemas/type-provider.ts';

const Query = {
  type: 'object',
  additionalProperties: false,
  properties: {
    from: { type: 'string', format: 'date', description: 'first day counted (UTC)' },
    to: { type: 'string', format: 'date', description: 'last day counted (UTC)' },
    district: { type: 'integer', minimum: 1, maximum: 99, description: 'city-wide staff may pick a district; others always see their own' },
  },
} as const;

export default async function figureRoutes(fastify: FastifyInstance) {
  const app = typed(fastify);
  app.get('/', {
    config: { normalise: ['query'] },
    onRequest: app.allow('manager', 'analyst', 'admin'),
    schema: {
      tags: ['figures'], summary: 'Request figures for managers and analysts', security: [{ bearer: [] }],
      querystring: Query, response: { 200: FiguresSchema, ...problems(401, 403) },
    },
  }, async (request) => {
    const staff = claimsOf(request) as StaffClaims;
    const district = staff.districtId ?? request.query.district;
    return computeFigures(app.db, { ...request.query, ...(district === undefined ? {} : { district }) });
  });
}
