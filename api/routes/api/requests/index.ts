// Citizens' requests: file one, follow it, correct it, withdraw it, rate it.
// Citizens file through the portal; 137 agents by phone and clerks at the
// counter file on a citizen's behalf, and the channel says which.
import type { FastifyInstance } from 'fastify';
import type { FromSchema } from 'json-schema-to-ts';
import type { Channel } from '../../../../processes/catalogue/index.ts';
import { parseMobile, parseNationalCode } from '../../../../platform/identity.ts';
import { claimsOf, type Claims } from '../../../plugins/app/auth.ts';
import { ApiProblem } from '../../../plugins/app/problems.ts';
import { recordCitizen } from '../../../../domain/requests/citizens.ts';
import type { CitizenIdentity } from '../../../../domain/requests/filing.ts';
import { assertVisible, requestsVisibleTo, unknownRequest } from '../../../../domain/requests/visibility.ts';
import {
  Accepted, Done, IdempotencyHeaders, Rating, RequestListQuery, RequestSummary, requestSummary, RequestView, Resubmission, Submission, TrackingParams,
} from '../../../schemas/requests.ts';
import { problems } from '../../../schemas/problem.ts';
import { typed } from '../../../schemas/type-provider.ts';

const channelOf = (claims: Claims): Channel => claims.kind === 'citizen' ? 'portal' : claims.role === 'agent-137' ? 'call-centre' : 'in-person';

/** A filing as the API takes it: the Submission schema, read as a type. */
type Filing = FromSchema<typeof Submission>;

export default async function requestRoutes(fastify: FastifyInstance) {
  const app = typed(fastify);
  /** The citizen a request is for: the signed-in citizen, or the one staff name (found or recorded). */
  async function citizenFor(claims: Claims, given: Filing['citizen']): Promise<CitizenIdentity> {
    // A citizen's token names them; the start reads their stored identity again.
    if (claims.kind === 'citizen') return { id: claims.sub, nationalCode: claims.nationalCode, mobile: claims.mobile, name: null };
    if (!given) {
      throw new ApiProblem(400, 'invalid-input', 'Staff filing a request name the citizen.', 'مشخصات شهروند را وارد کنید.',
        [{ path: '/body/citizen', message: 'must have the citizen when staff file', messageFa: 'مشخصات شهروند لازم است.' }]);
    }
    const nationalCode = parseNationalCode(given.nationalCode)!;
    const row = await recordCitizen(app.db, { nationalCode, mobile: parseMobile(given.mobile)!, name: given.name ?? null });
    return { id: row.id, nationalCode, mobile: row.mobile, name: row.name ?? given.name ?? null };
  }

  app.post('/', {
    config: { normalise: ['body'] },
    onRequest: app.allow('citizen', 'agent-137', 'clerk'),
    schema: {
      tags: ['requests'], summary: 'File a request; returns its tracking code', security: [{ bearer: [] }],
      headers: IdempotencyHeaders, body: Submission,
      response: { 201: Accepted, ...problems(401, 403, 404, 422) },
    },
  }, async (request, reply) => {
    const claims = claimsOf(request);
    const { serviceId, districtId, form } = request.body;
    const channel = channelOf(claims);
    const { service } = app.catalogue.get(serviceId);
    if (!service.channels.includes(channel)) {
      throw new ApiProblem(422, 'channel-not-offered', `Service ${serviceId} is not offered through ${channel}.`,
        `خدمت «${service.name.fa}» از این راه ارائه نمی‌شود.`);
    }
    if (claims.kind === 'staff' && claims.role === 'clerk' && claims.districtId !== null && claims.districtId !== districtId) {
      throw new ApiProblem(403, 'other-district', 'Clerks file requests for their own district.', 'فقط برای منطقه خودتان می‌توانید درخواست ثبت کنید.');
    }
    const citizen = await citizenFor(claims, request.body.citizen);
    const { request: row, replayed } = await app.requests.submit({
      citizen, serviceId, districtId, channel, form,
      idempotencyKey: request.headers['idempotency-key'],
      filedByStaffId: claims.kind === 'staff' ? claims.sub : undefined,
    });
    // Committed is accepted: the instance starts right after the answer (or, after a crash, by the sweeper).
    if (!row.process_instance_key) app.startQueue.enqueue(row.id);
    return reply.code(201).send({ id: row.id, trackingCode: row.tracking_code, status: row.status, started: row.process_instance_key !== null, replayed });
  });

  app.get('/', {
    config: { normalise: ['query'] },
    onRequest: app.allow('citizen', 'staff'),
    schema: {
      tags: ['requests'], summary: 'My requests (citizens) or my district\'s (staff), newest first', security: [{ bearer: [] }],
      querystring: RequestListQuery, response: { 200: { type: 'array', items: RequestSummary }, ...problems(401) },
    },
  }, async (request) => {
    return (await requestsVisibleTo(app.db, claimsOf(request), request.query)).map(requestSummary);
  });

  app.get('/:trackingCode', {
    config: { normalise: ['params'] },
    onRequest: app.allow('citizen', 'staff'),
    schema: {
      tags: ['requests'], summary: 'Status and timeline of a request', security: [{ bearer: [] }],
      params: TrackingParams, response: { 200: RequestView, ...problems(401, 404) },
    },
  }, async (request) => {
    const view = await app.requests.view(request.params.trackingCode);
    if (!view) throw unknownRequest();
    assertVisible(claimsOf(request), view);
    return {
      id: view.id, trackingCode: view.tracking_code,
      service: { id: view.service_id, name: app.catalogue.find(view.service_id)?.service.name },
      districtId: view.district_id, channel: view.channel, status: view.status, outcome: view.outcome, form: view.form,
      started: view.started, createdAt: view.created_at, updatedAt: view.updated_at, closedAt: view.closed_at,
      rating: view.rating, correction: view.correction, certificate: view.certificate, timeline: view.timeline,
    };
  });

  app.post('/:trackingCode/resubmit', {
    config: { normalise: ['params', 'body.form'] },
    onRequest: app.allow('citizen', 'staff'),
    schema: {
      tags: ['requests'], summary: 'Send corrected data while the request waits for a correction (status awaiting-correction)', security: [{ bearer: [] }],
      params: TrackingParams, body: Resubmission, response: { 202: Done, ...problems(401, 403, 404, 409) },
    },
  }, async (request, reply) => {
    const row = await app.requestFor(request, request.params.trackingCode, 'owner');
    if (row.closed_at) throw closed();
    await app.requests.resubmit(row, request.body.form);
    return reply.code(202).send({ status: 'resubmitted' });
  });

  app.post('/:trackingCode/cancel', {
    config: { normalise: ['params'] },
    onRequest: app.allow('citizen', 'staff'),
    schema: {
      tags: ['requests'], summary: 'Withdraw an open request', security: [{ bearer: [] }],
      params: TrackingParams, response: { 202: Done, ...problems(401, 403, 404, 409) },
    },
  }, async (request, reply) => {
    const row = await app.requestFor(request, request.params.trackingCode, 'owner');
    if (row.closed_at) throw closed();
    const outcome = await app.requests.cancel(row);
    return reply.code(202).send({ status: outcome === 'closed' ? 'cancelled' : 'cancel-requested' });
  });

  app.post('/:trackingCode/rating', {
    config: { normalise: ['params', 'body'] },
    onRequest: app.allow('citizen', 'staff'),
    schema: {
      tags: ['requests'], summary: 'Rate a closed request from 1 to 5, once', security: [{ bearer: [] }],
      params: TrackingParams, body: Rating, response: { 201: Done, ...problems(401, 403, 404, 409) },
    },
  }, async (request, reply) => {
    const row = await app.requestFor(request, request.params.trackingCode, 'owner');
    await app.requests.rate(row, request.body.score, request.body.comment);
    return reply.code(201).send({ status: 'rated' });
  });
}

const closed = () => new ApiProblem(409, 'closed', 'The request is closed.', 'این درخواست بسته شده است.');
