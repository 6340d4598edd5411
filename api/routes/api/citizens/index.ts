// The 137 channel's look-up: an agent on the phone finds a citizen by national
// code or mobile, and their requests. Clerks and managers find who a citizen
// is too (a district counter serves walk-ins from anywhere, and files for
// them), but see only their own district's requests.
import type { FastifyInstance } from 'fastify';
import { citizenByNationalCode, citizensWithMobile, type CitizenRow } from '../../../../domain/requests/citizens.ts';
import { requestsVisibleTo } from '../../../../domain/requests/visibility.ts';
import { parseMobile, parseNationalCode } from '../../../../platform/identity.ts';
import { claimsOf, type StaffClaims } from '../../../plugins/app/auth.ts';
import { ApiProblem } from '../../../plugins/app/problems.ts';
import { RequestSummary, requestSummary } from '../../../schemas/requests.ts';
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

const citizenOf = (row: CitizenRow) => ({ nationalCode: row.national_code, mobile: row.mobile, name: row.name });

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
  }, async (request) => (await citizensWithMobile(app.db, parseMobile(request.query.mobile)!)).map(citizenOf));

  app.get('/:nationalCode/requests', {
    config: { normalise: ['params'] },
    onRequest: app.allow('agent-137', 'clerk', 'manager'),
    schema: {
      tags: ['137'], summary: 'A citizen and their requests, by national code (137 agents; clerks and managers for their district)',
      security: [{ bearer: [] }], params: Params, response: { 200: CitizenRequests, ...problems(401, 403, 404) },
    },
  }, async (request) => {
    const citizen = await citizenByNationalCode(app.db, parseNationalCode(request.params.nationalCode)!);
    if (!citizen) throw new ApiProblem(404, 'unknown-citizen', 'No citizen with this national code has filed anything.', 'شهروندی با این کد ملی درخواستی ثبت نکرده است.');
    // Agents see every district's, clerks and managers their own district's (domain/requests/visibility.ts).
    const requests = await requestsVisibleTo(app.db, claimsOf(request) as StaffClaims, { citizenId: citizen.id, limit: 200 });
    return { citizen: citizenOf(citizen), requests: requests.map(requestSummary) };
  });
}
