// Starting a request's process instance, crash-safely. The request row is
// committed first with process_instance_key null, which makes the table its
// own start outbox, and the citizen has the answer then. The API's start
// queue calls `startRequest()` at once; it takes a short lease on the row (so
// the queue and the sweeper of any API process never start it at the same
// time), creates the instance and records its key. A crash before the
// instance is created leaves the row unstarted and `startUnstarted()` (every
// API process sweeps) starts it.
//
// One instance per request: Zeebe has no unique business key, so a crash
// after the engine created an instance but before its key was recorded lets
// the sweeper create a second one. The first key recorded wins, whoever
// records it: `startRequest()` records its key only where none is, and so
// does the instance's own first job (every service diagram begins with
// `request.status`, bookkeeping.ts). An instance that finds another key
// recorded cancels itself before any effect: `startRequest()` cancels the
// instance it created, the worker cancels the instance its job belongs to.
import type { Knex } from 'knex';
import type { ZBClient } from 'zeebe-node';
import { clockNow } from '../../platform/clock.ts';
import type { Logger } from '../../platform/logger.ts';
import { numbered, prepared } from '../../platform/prepared-statements.ts';
import type { RequestRow } from './rows.ts';

export interface StartDeps { db: Knex; zeebe: Pick<ZBClient, 'createProcessInstance' | 'cancelProcessInstance'>; log: Pick<Logger, 'warn' | 'error'> }

/** How long one process holds the right to start a request's instance. */
const START_LEASE_SECONDS = 30;
/** The sweeper leaves fresh requests to the submit path that is starting them. */
const SWEEP_GRACE_SECONDS = 10;

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

/**
 * Records `key` as the request's instance unless one is recorded already.
 * Returns the key that stands: `key`, or the one recorded before it.
 */
async function recordInstance(db: Knex, requestId: string, key: string): Promise<string | null> {
  const recorded = await db('requests').where({ id: requestId }).whereNull('process_instance_key')
    .update({ process_instance_key: key, start_leased_until: null, updated_at: clockNow(db) }).returning('process_instance_key');
  if (recorded.length > 0) return key;
  const row = await db('requests').where({ id: requestId }).first('process_instance_key');
  return row?.process_instance_key ?? null;
}

/**
 * Starts the request's process instance unless it is started, closed, or
 * another process holds the lease. Returns the instance key, or null
 * when this call did not start it (and then it leaves no instance behind).
 */
export async function startRequest(deps: StartDeps, requestId: string): Promise<string | null> {
  const { db, zeebe, log } = deps;
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
  const standing = await recordInstance(db, requestId, key);
  if (standing === key) return key;
  log.warn({ requestId, instance: key, recorded: standing }, 'another instance of this request was recorded first; cancelling this one');
  await zeebe.cancelProcessInstance(key).catch((error: unknown) => {
    log.error({ err: error, requestId, instance: key }, 'could not cancel a second instance; its first job cancels it');
  });
  return null;
}

/** Starts requests left unstarted (a crash, an engine outage). Returns how many it started. */
export async function startUnstarted(deps: StartDeps, options: { graceSeconds?: number; limit?: number } = {}): Promise<number> {
  const { db } = deps;
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
  for (const id of ids) if (await startRequest(deps, id)) started++;
  return started;
}
