// The 137 channel's look-up: an agent on the phone finds a citizen by national
// code or mobile, and their requests. Clerks and managers find who a citizen
// is too (a district counter serves walk-ins from anywhere, and files for
// them), but see only their own district's requests.
import type { FastifyInstance } from 'fastify';
import { parseMobile, parseNationalCode } from '../../../../platform/identity.ts';
import { claimsOf, type StaffClaims } from '../../../plugins/app/auth.ts';
import { ApiProblem } from '../../../plugins/app/problems.ts';
import { RequestSummary } from '../../../schemas/requests.ts';
import { problems } from '../../../schemas/problem.ts';
import { typed } from '../../../schemas/type-provider.ts';

const Params = { type: 'object', required: ['nationalCode'], properties: { nationalCode: { type: 'string', format: 'national-code' } } } as const;
const CitizenRequests = {
  type: 'object',
  required: ['citizen', 'requests'],
  properties: {
    citizen: {
      type: 'object', required: ['nationalCode', 'mobile'],
      properties: { nationalCode: { type: 'string' }, mobile: { type: 'string' }, name: { type: ['string', 'null'] } },
    },
    requests: { type: 'array', items: RequestSummary },
  },
} as const;

const Citizen = CitizenRequests.properties.citizen;

export default async function citizenRoutes(fastify: FastifyInstance) {
  const app = typed(fastify);
  // A caller gives their number before their national code; 137 agents find them by it.
  app.get('/', {
    config: { normalise: ['query'] },
    onRequest: app.allow('agent-137', 'clerk', 'manager'),
    schema: {
      tags: ['137'], summary: 'Citizens registered with a mobile number', security: [{ bearer: [] }],
      querystring: { type: 'object', required: ['mobile'], additionalProperties: false, properties: { mobile: { type: 'string', format: 'mobile' } } },
      response: { 200: { type: 'array', items: Citizen }, ...problems(401, 403) },
    },
  }, async (request) => (await app.db('citizens').where({ mobile: parseMobile(request.query.mobile) }).orderBy('created_at'))
    .map((row) => ({ nationalCode: row.national_code, mobile: row.mobile, name: row.name })));

  app.get('/:nationalCode/requests', {
    config: { normalise: ['params'] },
    onRequest: app.allow('agent-137', 'clerk', 'manager'),
    schema: {
      tags: ['137'], summary: 'A citizen and their requests, by national code (137 agents; clerks and managers for their district)',
      security: [{ bearer: [] }], params: Params, response: { 200: CitizenRequests, ...problems(401, 403, 404) },
    },
  }, async (request) => {
    const staff = claimsOf(request) as StaffClaims;
    const citizen = await app.db('citizens').where({ national_code: parseNationalCode(request.params.nationalCode) }).first();
    if (!citizen) throw new ApiProblem(404, 'unknown-citizen', 'No citizen with this national code has filed anything.', 'شهروندی با این کد ملی درخواستی ثبت نکرده است.');
    const query = app.db('requests').where({ citizen_id: citizen.id }).orderBy('created_at', 'desc').limit(200);
    if (staff.role !== 'agent-137' && staff.districtId !== null) query.where({ district_id: staff.districtId });
    const rows = await query;
    return {
      citizen: { nationalCode: citizen.national_code, mobile: citizen.mobile, name: citizen.name },
      requests: rows.map((row) => ({
        id: row.id, trackingCode: row.tracking_code, serviceId: row.service_id, districtId: row.district_id, channel: row.channel,
        status: row.status, outcome: row.outcome, createdAt: row.created_at, closedAt: row.closed_at,
      })),
    };
  });
}
