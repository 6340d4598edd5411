// Requests: filing (with an idempotency key), starting the process instance
// crash-safely, reading status and timeline, and what a citizen may do to an
// open or closed request (resubmit, cancel, rate).
//
// Starting an instance: the request row is committed first with
// process_instance_key null, which makes the table its own start outbox. Then
// `start()` takes a short lease on the row (so the submit path and the
// sweeper of any API process never start it at the same time), creates the
// instance and records its key. A crash before the instance is created leaves
// the row unstarted and the sweeper starts it. The remaining window: the
// engine creates the instance but the process dies (or the database write
// fails) before the key is recorded; once the lease lapses the sweeper starts
// a second instance. Zeebe 8 offers no business-key uniqueness to close it;
// every instance carries `requestId`, so a duplicate is recognisable (its key
// differs from the recorded one) and workers can cancel it.
import { randomInt } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import fp from 'fastify-plugin';
import type { FastifyBaseLogger, FastifyRequest } from 'fastify';
import { claimsOf } from './auth.ts';
import type { Knex } from 'knex';
import type { ZBClient } from 'zeebe-node';
import type { Channel } from '../../../processes/catalogue/index.ts';
import { parseMobile, parseNationalCode, parsePostalCode } from '../../../platform/identity.ts';
import type { CatalogueService } from './catalogue.ts';
import { ApiProblem, fieldErrors } from './problems.ts';

export interface RequestRow {
  id: string;
  tracking_code: string;
  service_id: string;
  district_id: number;
  channel: Channel;
  status: string;
  citizen_id: string;
  filed_by_staff_id: string | null;
  form: Record<string, unknown>;
  idempotency_key: string | null;
  process_instance_key: string | null;
  outcome: string | null;
  created_at: Date;
  updated_at: Date;
  closed_at: Date | null;
  start_leased_until: Date | null;
}

export interface CitizenIdentity { id: string; nationalCode: string; mobile: string; name: string | null }

export interface Submission {
  citizen: CitizenIdentity;
  serviceId: string;
  districtId: number;
  channel: Channel;
  form: Record<string, unknown>;
  idempotencyKey?: string;
  filedByStaffId?: string;
}

declare module 'fastify' {
  interface FastifyInstance {
    requests: RequestService;
    /**
     * The request a caller may see: a citizen their own; staff their
     * district's (city-wide staff and 137 agents any). Anything else is a
     * 404, so tracking codes cannot be probed. With 'owner', only the citizen
     * it belongs to may act (staff get 403).
     */
    requestFor(request: FastifyRequest, trackingCode: string, who?: 'viewer' | 'owner'): Promise<RequestRow>;
  }
}

/** How long one process holds the right to start a request's instance. */
const START_LEASE_SECONDS = 30;
/** The sweeper leaves fresh requests to the submit path that is starting them. */
const SWEEP_GRACE_SECONDS = 10;

const channelFa: Record<Channel, string> = { portal: 'درگاه اینترنتی', 'call-centre': 'سامانه ۱۳۷', 'in-person': 'مراجعه حضوری' };

/** 10 digits, first not 0, easy to read out over the phone to 137. */
const newTrackingCode = () => String(randomInt(1_000_000_000, 10_000_000_000));

/** Identity fields of a start form in their stored form (09…, 10-digit codes), as the process should see them. */
function canonicalForm(form: Record<string, unknown>): Record<string, unknown> {
  const parsers: Partial<Record<string, (value: string) => string | null>> = { nationalCode: parseNationalCode, mobile: parseMobile, postalCode: parsePostalCode };
  return Object.fromEntries(Object.entries(form).map(([key, value]) => {
    const parse = parsers[key];
    return [key, parse && typeof value === 'string' ? parse(value) ?? value : value];
  }));
}

// jsonb keeps its own key order, so compare structurally.
const sameJson = (a: unknown, b: unknown) => isDeepStrictEqual(a, b);

export function createRequestService(deps: { db: Knex; zeebe: ZBClient; catalogue: CatalogueService; log: FastifyBaseLogger }) {
  const { db, zeebe, catalogue, log } = deps;

  /** Fails with field errors under /body/form when the form does not satisfy the service's start form. */
  function checkForm(serviceId: string, form: Record<string, unknown>): Record<string, unknown> {
    const { validate } = catalogue.get(serviceId);
    if (!validate(form)) {
      throw new ApiProblem(400, 'invalid-input', 'Some fields of the form are not valid.', 'برخی از موردهای فرم درست پر نشده‌اند.',
        fieldErrors(validate.errors as never, '/body/form'));
    }
    return canonicalForm(form);
  }

  async function variablesOf(row: RequestRow) {
    const citizen = await db('citizens').where({ id: row.citizen_id }).first();
    return {
      requestId: row.id,
      trackingCode: row.tracking_code,
      serviceId: row.service_id,
      districtId: row.district_id,
      channel: row.channel,
      citizen: { nationalCode: citizen.national_code, mobile: citizen.mobile, name: citizen.name ?? null },
      form: row.form,
    };
  }

  const service = {
    checkForm,

    /**
     * Records the request (and the citizen's name) in one transaction.
     * A repeated idempotency key returns the first request; the same key
     * with a different request is refused.
     */
    async submit(submission: Submission): Promise<{ request: RequestRow; replayed: boolean }> {
      const { citizen, serviceId, districtId, channel, idempotencyKey } = submission;
      const form = checkForm(serviceId, submission.form);
      for (let attempt = 0; ; attempt++) {
        try {
          return await db.transaction(async (trx) => {
            const [inserted] = await trx<RequestRow>('requests')
              .insert({
                tracking_code: newTrackingCode(),
                service_id: serviceId,
                district_id: districtId,
                channel,
                citizen_id: citizen.id,
                filed_by_staff_id: submission.filedByStaffId ?? null,
                form: JSON.stringify(form) as never,
                idempotency_key: idempotencyKey ?? null,
              })
              .onConflict(trx.raw('(citizen_id, idempotency_key)'))
              .ignore()
              .returning('*');
            if (!inserted) {
              const existing = await trx<RequestRow>('requests').where({ citizen_id: citizen.id, idempotency_key: idempotencyKey! }).first();
              if (!existing || existing.service_id !== serviceId || existing.district_id !== districtId || !sameJson(existing.form, form)) {
                throw new ApiProblem(422, 'idempotency-key-reused', 'This Idempotency-Key was used for a different request.',
                  'این شناسه تکرار پیش‌تر برای درخواست دیگری به کار رفته است.');
              }
              return { request: existing, replayed: true };
            }
            await trx('request_events').insert({
              request_id: inserted.id,
              kind: 'submitted',
              dedupe_key: 'api:submitted',
              data: { channel, channelFa: channelFa[channel] },
            });
            const name = typeof form.citizenName === 'string' ? form.citizenName : null;
            if (name) await trx('citizens').where({ id: citizen.id }).whereNull('name').update({ name });
            return { request: inserted, replayed: false };
          });
        } catch (error) {
          // Two random tracking codes met: try another.
          if ((error as { constraint?: string }).constraint === 'requests_tracking_code_unique' && attempt < 3) continue;
          throw error;
        }
      }
    },

    /**
     * Starts the request's process instance unless it is started, closed, or
     * another process holds the lease. Returns the instance key, or null
     * when this call did not start it.
     */
    async start(requestId: string): Promise<string | null> {
      const [leased] = await db<RequestRow>('requests')
        .where({ id: requestId })
        .whereNull('process_instance_key')
        .whereNull('closed_at')
        .andWhere((q) => q.whereNull('start_leased_until').orWhere('start_leased_until', '<', db.fn.now()))
        .update({ start_leased_until: db.raw(`now() + interval '${START_LEASE_SECONDS} seconds'`) })
        .returning('*');
      if (!leased) return null;
      try {
        const instance = await zeebe.createProcessInstance({ bpmnProcessId: leased.service_id, variables: (await variablesOf(leased)) as never });
        const key = String(instance.processInstanceKey);
        await db('requests').where({ id: requestId }).update({ process_instance_key: key, start_leased_until: null, updated_at: db.fn.now() });
        return key;
      } catch (error) {
        log.warn({ err: error, requestId, serviceId: leased.service_id }, 'could not start the process instance; the sweeper retries');
        // The engine refused (not deployed, unreachable): free the lease for the next sweep.
        await db('requests').where({ id: requestId }).update({ start_leased_until: null }).catch(() => undefined);
        return null;
      }
    },

    /** Starts requests left unstarted (a crash, an engine outage). Returns how many it started. */
    async sweep(options: { graceSeconds?: number; limit?: number } = {}): Promise<number> {
      const grace = options.graceSeconds ?? SWEEP_GRACE_SECONDS;
      const ids = await db('requests')
        .whereNull('process_instance_key')
        .whereNull('closed_at')
        .andWhere('created_at', '<=', db.raw(`now() - interval '${grace} seconds'`))
        .andWhere((q) => q.whereNull('start_leased_until').orWhere('start_leased_until', '<', db.fn.now()))
        .orderBy('created_at')
        .limit(options.limit ?? 100)
        .pluck('id');
      let started = 0;
      for (const id of ids) if (await service.start(id)) started++;
      return started;
    },

    async byTrackingCode(trackingCode: string): Promise<RequestRow | undefined> {
      return db<RequestRow>('requests').where({ tracking_code: trackingCode }).first();
    },

    async timeline(requestId: string) {
      return db('request_events').where({ request_id: requestId }).orderBy('id').select('kind', 'element_id', 'data', 'at');
    },

    /** Sends corrected data to the process waiting for it (message request-resubmitted, by requestId). */
    async resubmit(row: RequestRow, submitted: Record<string, unknown>): Promise<void> {
      const form = checkForm(row.service_id, submitted);
      const count = await db.transaction(async (trx) => {
        await trx('requests').where({ id: row.id }).update({ form: JSON.stringify(form), updated_at: trx.fn.now() });
        const [{ n }] = await trx('request_events').where({ request_id: row.id, kind: 'resubmitted' }).count<{ n: string }[]>('* as n');
        const next = Number(n) + 1;
        await trx('request_events').insert({ request_id: row.id, kind: 'resubmitted', dedupe_key: `api:resubmitted:${next}`, data: {} });
        return next;
      });
      await zeebe.publishMessage({
        name: 'request-resubmitted', correlationKey: row.id, messageId: `request-resubmitted:${row.id}:${count}`,
        // Buffered briefly: a correction sent as the process reaches its wait still arrives.
        timeToLive: 600_000, variables: { form },
      });
    },

    /**
     * Withdraws a request. Unstarted, it closes at once (and is never
     * started); started, the process hears request-cancelled and winds up.
     */
    async cancel(row: RequestRow): Promise<'closed' | 'requested'> {
      const closedNow = await db('requests')
        .where({ id: row.id })
        .whereNull('process_instance_key')
        .whereNull('closed_at')
        .andWhere((q) => q.whereNull('start_leased_until').orWhere('start_leased_until', '<', db.fn.now()))
        .update({ status: 'closed', outcome: 'cancelled', closed_at: db.fn.now(), updated_at: db.fn.now() });
      await db('request_events').insert({ request_id: row.id, kind: 'cancel-requested', dedupe_key: 'api:cancel-requested', data: {} })
        .onConflict(['request_id', 'dedupe_key']).ignore();
      if (closedNow) return 'closed';
      await zeebe.publishMessage({
        name: 'request-cancelled', correlationKey: row.id, messageId: `request-cancelled:${row.id}`, timeToLive: 600_000, variables: {},
      });
      return 'requested';
    },

    async rate(row: RequestRow, score: number, comment: string | undefined): Promise<void> {
      if (!row.closed_at) {
        throw new ApiProblem(409, 'not-closed', 'A request is rated once it is closed.', 'پس از بسته شدن درخواست می‌توانید به آن امتیاز دهید.');
      }
      const [inserted] = await db('ratings').insert({ request_id: row.id, score, comment: comment ?? null }).onConflict('request_id').ignore().returning('request_id');
      if (!inserted) throw new ApiProblem(409, 'already-rated', 'This request is already rated.', 'به این درخواست پیش‌تر امتیاز داده‌اید.');
    },
  };
  return service;
}

export type RequestService = ReturnType<typeof createRequestService>;

const notFound = () => new ApiProblem(404, 'unknown-request', 'There is no such request.', 'درخواستی با این کد رهگیری پیدا نشد.');

export default fp(async (app) => {
  const requests = createRequestService({ db: app.db, zeebe: app.zeebe, catalogue: app.catalogue, log: app.log });
  app.decorate('requests', requests);
  app.decorate('requestFor', async (request: FastifyRequest, trackingCode: string, who: 'viewer' | 'owner' = 'viewer') => {
    const claims = claimsOf(request);
    const row = await requests.byTrackingCode(trackingCode);
    if (!row) throw notFound();
    if (claims.kind === 'citizen') {
      if (row.citizen_id !== claims.sub) throw notFound();
      return row;
    }
    const sees = claims.districtId === null || claims.districtId === row.district_id || claims.role === 'agent-137';
    if (!sees) throw notFound();
    if (who === 'owner') {
      throw new ApiProblem(403, 'citizen-only', 'Only the citizen the request belongs to may do this.', 'این کار را فقط خود شهروند می‌تواند انجام دهد.');
    }
    return row;
  });
}, { name: 'requests', dependencies: ['context', 'auth', 'catalogue', 'problems'] });
