// Requests: filing (with an idempotency key), starting the process instance
// crash-safely, reading status and timeline, and what a citizen may do to an
// open or closed request (resubmit a correction, cancel, rate).
//
// Starting an instance: the request row is committed first with
// process_instance_key null, which makes the table its own start outbox, and
// the citizen has the answer then. The API's start queue calls `start()` at
// once; it takes a short lease on the row (so the queue and the sweeper of
// any API process never start it at the same time), creates the instance and
// records its key. A crash before the instance is created leaves the row
// unstarted and a sweeper starts it.
//
// One instance per request: Zeebe has no unique business key, so a crash
// after the engine created an instance but before its key was recorded lets
// the sweeper create a second one. The first key recorded wins, whoever
// records it: `start()` records its key only where none is, and so does the
// instance's own first job (every service diagram begins with
// `request.status`, see workers/request/handlers.ts). An instance that finds
// another key recorded cancels itself before any effect: `start()` cancels
// the instance it created, the worker cancels the instance its job belongs to.
import { randomInt } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import fp from 'fastify-plugin';
import type { FastifyBaseLogger, FastifyRequest } from 'fastify';
import { claimsOf, type Claims } from './auth.ts';
import type { Knex } from 'knex';
import type { ZBClient } from 'zeebe-node';
import type { Channel } from '../../../processes/catalogue/index.ts';
import { clockNow } from '../../../platform/clock.ts';
import { parseMobile, parseNationalCode, parsePostalCode } from '../../../platform/identity.ts';
import type { CatalogueService } from './catalogue.ts';
import { ApiProblem, fieldErrors } from './problems.ts';
import type { RequestRow } from '../../../domain/requests/rows.ts';

export type { RequestRow };

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
     * The request a caller may see (`assertVisible`); anything else is a
     * 404. With 'owner', only the citizen it belongs to may act (staff who
     * see it get 403).
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

/** `?` placeholders as PostgreSQL numbers them. */
const numbered = (sql: string) => {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
};

interface PgConnection { query(config: { name: string; text: string; values: unknown[] }): Promise<{ rows: unknown[] }> }

/**
 * Runs one of the hot statements as a named prepared statement on a pooled
 * connection, so PostgreSQL plans it once per connection instead of on every
 * call: for the status query planning cost three times what running it did.
 * knex has no prepared statements; this borrows a connection from its pool.
 * (Behind PgBouncer in transaction mode this needs PgBouncer 1.21 or later.)
 */
async function prepared<T>(db: Knex, name: string, text: string, values: unknown[]): Promise<T[]> {
  const pool = db.client as { acquireConnection(): Promise<PgConnection>; releaseConnection(connection: PgConnection): Promise<void> };
  const connection = await pool.acquireConnection();
  try {
    return (await connection.query({ name, text, values })).rows as T[];
  } finally {
    await pool.releaseConnection(connection);
  }
}

/** A timestamp as JSON would have it (Date#toISOString: UTC, milliseconds), formatted by PostgreSQL so no Date is built per row. */
const iso = (column: string) => `to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/**
 * A request with everything its status page shows, in one round trip: the
 * timeline in order, the rating, and the open correction (only while the
 * request waits for one: the latest awaiting-correction milestone's reason).
 */
const requestViewSql = `
select r.id, r.tracking_code, r.service_id, r.district_id, r.channel, r.status, r.outcome, r.form, r.citizen_id,
       r.process_instance_key is not null as started,
       ${iso('r.created_at')} as created_at, ${iso('r.updated_at')} as updated_at, ${iso('r.closed_at')} as closed_at,
       (select json_build_object('score', g.score, 'comment', g.comment) from ratings g where g.request_id = r.id) as rating,
       case when r.status = 'awaiting-correction' then coalesce(
         (select json_build_object('note', e.data->>'reason', 'requestedAt', ${iso('e.at')})
            from request_events e where e.request_id = r.id and e.kind = 'awaiting-correction' order by e.id desc limit 1),
         json_build_object('note', null, 'requestedAt', ${iso('r.updated_at')})) end as correction,
       (select json_build_object('number', c.number, 'issuedAt', ${iso('c.issued_at')}, 'verificationCode', c.verification_code)
          from certificates c where c.request_id = r.id and c.revoked_at is null order by c.issued_at desc limit 1) as certificate,
       coalesce((select json_agg(json_build_object('kind', e.kind, 'elementId', e.element_id, 'data', e.data, 'at', ${iso('e.at')}) order by e.id)
                   from request_events e where e.request_id = r.id), '[]'::json) as timeline
  from requests r
 where r.tracking_code = ?`;
const requestViewStatement = numbered(requestViewSql);

export interface RequestView {
  id: string; tracking_code: string; service_id: string; district_id: number; channel: Channel; status: string; outcome: string | null;
  form: Record<string, unknown>; citizen_id: string; started: boolean; created_at: string; updated_at: string; closed_at: string | null;
  rating: { score: number; comment: string | null } | null;
  correction: { note: string | null; requestedAt: string } | null;
  certificate: { number: string; issuedAt: string; verificationCode: string } | null;
  timeline: Array<{ kind: string; elementId: string | null; data: Record<string, unknown>; at: string }>;
}

/**
 * Files a request in one statement (so one transaction): the row, its
 * `submitted` milestone and the citizen's name if none was known, only if the
 * district offers the service. No row back means the idempotency key was
 * used already or the service is not offered; the caller finds out which.
 */
const fileRequestSql = `
with inserted as (
  insert into requests (tracking_code, service_id, district_id, channel, citizen_id, filed_by_staff_id, form, idempotency_key)
  select ?::text, ?::text, ?::int, ?::text, ?::uuid, ?::uuid, ?::jsonb, ?::text
   where exists (select 1 from district_services o where o.district_id = ? and o.service_id = ? and o.enabled)
  on conflict (citizen_id, idempotency_key) do nothing
  returning *
), milestone as (
  insert into request_events (request_id, kind, dedupe_key, data)
  select id, 'submitted', 'api:submitted', ?::jsonb from inserted
), named as (
  update citizens set name = ?::text where id = ?::uuid and name is null and ?::text is not null and exists (select 1 from inserted)
)
select * from inserted`;
const fileRequestStatement = numbered(fileRequestSql);

/**
 * The lease and the start variables in one statement: a row comes back only
 * to the one caller that may start it now. A lease is about the process
 * holding it, so it runs on the machine's clock (wall clock), not the business one.
 */
const leaseSql = `
update requests r set start_leased_until = now() + make_interval(secs => ?) -- wall clock
  from citizens c
 where r.id = ? and c.id = r.citizen_id and r.process_instance_key is null and r.closed_at is null
   and (r.start_leased_until is null or r.start_leased_until < now()) -- wall clock
returning r.*, c.national_code as citizen_national_code, c.mobile as citizen_mobile, c.name as citizen_name`;
const leaseStatement = numbered(leaseSql);

export function createRequestService(deps: {
  db: Knex; zeebe: ZBClient; catalogue: CatalogueService; log: FastifyBaseLogger;
  /** Told of every request filed (not of a replayed Idempotency-Key): the metrics count them. */
  onFiled?: (request: RequestRow) => void;
}) {
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

  /**
   * Records `key` as the request's instance unless one is recorded already.
   * Returns the key that stands: `key`, or the one recorded before it.
   */
  async function recordInstance(requestId: string, key: string): Promise<string | null> {
    const recorded = await db('requests').where({ id: requestId }).whereNull('process_instance_key')
      .update({ process_instance_key: key, start_leased_until: null, updated_at: clockNow(db) }).returning('process_instance_key');
    if (recorded.length > 0) return key;
    const row = await db('requests').where({ id: requestId }).first('process_instance_key');
    return row?.process_instance_key ?? null;
  }

  const service = {
    checkForm,

    /**
     * Records the request (and the citizen's name) in one statement. A
     * repeated idempotency key returns the first request; the same key with
     * a different request is refused; a service the district does not offer
     * is refused with the district's words.
     */
    async submit(submission: Submission): Promise<{ request: RequestRow; replayed: boolean }> {
      const { citizen, serviceId, districtId, channel, idempotencyKey } = submission;
      const form = checkForm(serviceId, submission.form);
      const name = typeof form.citizenName === 'string' ? form.citizenName : null;
      for (let attempt = 0; ; attempt++) {
        let inserted: RequestRow | undefined;
        try {
          [inserted] = await prepared<RequestRow>(db, 'file-request', fileRequestStatement, [
            newTrackingCode(), serviceId, districtId, channel, citizen.id, submission.filedByStaffId ?? null, JSON.stringify(form), idempotencyKey ?? null,
            districtId, serviceId,
            JSON.stringify({ channel, channelFa: channelFa[channel] }),
            name, citizen.id, name,
          ]);
        } catch (error) {
          // Two random tracking codes met: try another.
          if ((error as { constraint?: string }).constraint === 'requests_tracking_code_unique' && attempt < 3) continue;
          throw error;
        }
        if (inserted) {
          deps.onFiled?.(inserted);
          return { request: inserted, replayed: false };
        }
        await catalogue.assertOffered(serviceId, districtId);
        if (!idempotencyKey) {
          // Offered after all: an admin switched it on in between. File again.
          if (attempt < 3) continue;
          throw new Error(`request for ${serviceId} in district ${districtId} was not recorded`);
        }
        const existing = await db<RequestRow>('requests').where({ citizen_id: citizen.id, idempotency_key: idempotencyKey }).first();
        if (!existing || existing.service_id !== serviceId || existing.district_id !== districtId || !sameJson(existing.form, form)) {
          throw new ApiProblem(422, 'idempotency-key-reused', 'This Idempotency-Key was used for a different request.',
            'این شناسه تکرار پیش‌تر برای درخواست دیگری به کار رفته است.');
        }
        return { request: existing, replayed: true };
      }
    },

    /**
     * Starts the request's process instance unless it is started, closed, or
     * another process holds the lease. Returns the instance key, or null
     * when this call did not start it (and then it leaves no instance behind).
     */
    async start(requestId: string): Promise<string | null> {
      const [leased] = await prepared<RequestRow & { citizen_national_code: string; citizen_mobile: string; citizen_name: string | null }>(
        db, 'lease-request-start', leaseStatement, [START_LEASE_SECONDS, requestId]);
      if (!leased) return null;
      let key: string;
      try {
        const instance = await zeebe.createProcessInstance({
          bpmnProcessId: leased.service_id,
          variables: {
            requestId: leased.id,
            trackingCode: leased.tracking_code,
            serviceId: leased.service_id,
            districtId: leased.district_id,
            channel: leased.channel,
            citizen: { nationalCode: leased.citizen_national_code, mobile: leased.citizen_mobile, name: leased.citizen_name ?? null },
            form: leased.form,
          } as never,
        });
        key = String(instance.processInstanceKey);
      } catch (error) {
        log.warn({ err: error, requestId, serviceId: leased.service_id }, 'could not start the process instance; the sweeper retries');
        // The engine refused (not deployed, unreachable): free the lease for the next sweep.
        await db('requests').where({ id: requestId }).update({ start_leased_until: null }).catch(() => undefined);
        return null;
      }
      // Past this point an instance exists. If its key cannot be recorded the
      // lease is left to lapse: the instance's first job records it meanwhile.
      const standing = await recordInstance(requestId, key);
      if (standing === key) return key;
      log.warn({ requestId, instance: key, recorded: standing }, 'another instance of this request was recorded first; cancelling this one');
      await zeebe.cancelProcessInstance(key).catch((error: unknown) => {
        log.error({ err: error, requestId, instance: key }, 'could not cancel a second instance; its first job cancels it');
      });
      return null;
    },

    /** Starts requests left unstarted (a crash, an engine outage). Returns how many it started. */
    async sweep(options: { graceSeconds?: number; limit?: number } = {}): Promise<number> {
      const grace = options.graceSeconds ?? SWEEP_GRACE_SECONDS;
      const ids = await db('requests')
        .whereNull('process_instance_key')
        .whereNull('closed_at')
        .andWhere('created_at', '<=', db.raw(`clock_now() - interval '${grace} seconds'`))
        // wall clock: leases
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

    /** The request as its status page shows it, or undefined; the caller checks who may see it. */
    async view(trackingCode: string): Promise<RequestView | undefined> {
      return (await prepared<RequestView>(db, 'request-view', requestViewStatement, [trackingCode]))[0];
    },

    async timeline(requestId: string) {
      return db('request_events').where({ request_id: requestId }).orderBy('id').select('kind', 'element_id', 'data', 'at');
    },

    /**
     * Sends corrected data to the process waiting for it (message
     * request-resubmitted, by requestId), only while the request waits for a
     * correction. The status moves on in the same transaction, so a second
     * resubmit finds nothing to correct; the message is published before the
     * commit, so an engine that cannot take it leaves the request waiting for
     * the citizen to try again.
     */
    async resubmit(row: RequestRow, submitted: Record<string, unknown>): Promise<void> {
      const form = checkForm(row.service_id, submitted);
      await db.transaction(async (trx) => {
        const moved = await trx('requests').where({ id: row.id, status: 'awaiting-correction' }).whereNull('closed_at')
          .update({ status: 'under-review', form: JSON.stringify(form), updated_at: clockNow(trx) });
        if (moved === 0) {
          throw new ApiProblem(409, 'not-awaiting-correction', 'The request is not waiting for a correction.',
            'این درخواست منتظر اصلاح نیست؛ اکنون نمی‌توانید اصلاحیه بفرستید.');
        }
        const [{ n }] = await trx('request_events').where({ request_id: row.id, kind: 'resubmitted' }).count<{ n: string }[]>('* as n');
        const count = Number(n) + 1;
        await trx('request_events').insert({ request_id: row.id, kind: 'resubmitted', dedupe_key: `api:resubmitted:${count}`, data: {} });
        await zeebe.publishMessage({
          name: 'request-resubmitted', correlationKey: row.id, messageId: `request-resubmitted:${row.id}:${count}`,
          // Buffered briefly: a correction sent as the process reaches its wait still arrives.
          timeToLive: 600_000, variables: { form },
        });
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
        // wall clock: leases
        .andWhere((q) => q.whereNull('start_leased_until').orWhere('start_leased_until', '<', db.fn.now()))
        .update({ status: 'closed', outcome: 'cancelled', closed_at: clockNow(db), updated_at: clockNow(db) });
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

export const unknownRequest = () => new ApiProblem(404, 'unknown-request', 'There is no such request.', 'درخواستی با این کد رهگیری پیدا نشد.');

/**
 * Who sees a request: a citizen their own; staff their district's
 * (city-wide staff and 137 agents any). Everyone else gets the same 404 as
 * for a code that does not exist, so tracking codes cannot be probed.
 */
export function assertVisible(claims: Claims, row: { citizen_id: string; district_id: number }): void {
  if (claims.kind === 'citizen') {
    if (row.citizen_id !== claims.sub) throw unknownRequest();
    return;
  }
  if (claims.districtId !== null && claims.districtId !== row.district_id && claims.role !== 'agent-137') throw unknownRequest();
}

export default fp(async (app) => {
  const requests = createRequestService({ db: app.db, zeebe: app.zeebe, catalogue: app.catalogue, log: app.log, onFiled: app.metrics.requestFiled });
  app.decorate('requests', requests);
  app.decorate('requestFor', async (request: FastifyRequest, trackingCode: string, who: 'viewer' | 'owner' = 'viewer') => {
    const claims = claimsOf(request);
    const row = await requests.byTrackingCode(trackingCode);
    if (!row) throw unknownRequest();
    assertVisible(claims, row);
    if (who === 'owner' && claims.kind !== 'citizen') {
      throw new ApiProblem(403, 'citizen-only', 'Only the citizen the request belongs to may do this.', 'این کار را فقط خود شهروند می‌تواند انجام دهد.');
    }
    return row;
  });
}, { name: 'requests', dependencies: ['context', 'auth', 'catalogue', 'problems', 'metrics'] });
