// What a request's process tells about it: status milestones on the
// timeline and in `requests.status`, and the closing outcome. A milestone is
// recorded once per element instance (its dedupe key), so a re-delivered job
// changes nothing.
//
// One instance per request: every service diagram begins with a
// `request.status` task, so that is where an instance learns whether it is
// the request's instance. The first key recorded wins (here or in the API's
// start, start.ts); a second instance, which a crash between creating an
// instance and recording its key can leave, cancels itself before its first
// effect.
import type { Knex } from 'knex';
import { clockNow } from '../../platform/clock.ts';
import type { RequestOutcome, RequestStatus } from '../../processes/catalogue/contract.ts';
import type { RequestRow } from './rows.ts';

/**
 * Appends a timeline event unless this element instance already recorded one;
 * returns whether it was new. The unique (request_id, dedupe_key) protects it.
 */
export async function recordEvent(
  db: Knex,
  event: { requestId: string; kind: string; elementId: string; dedupeKey: string; data?: Record<string, unknown> },
): Promise<boolean> {
  const inserted = await db('request_events')
    .insert({ request_id: event.requestId, kind: event.kind, element_id: event.elementId, dedupe_key: event.dedupeKey, data: event.data ?? {} })
    .onConflict(['request_id', 'dedupe_key'])
    .ignore()
    .returning('id');
  return inserted.length > 0;
}

/**
 * Whether the instance is the request's instance, recording it as such when
 * none is recorded yet. A closed request takes no instance: one that arrives
 * after the citizen withdrew the unstarted request is not its own.
 */
export async function isTheInstance(db: Knex, request: Pick<RequestRow, 'id' | 'process_instance_key'>, instanceKey: string): Promise<boolean> {
  if (request.process_instance_key === instanceKey) return true;
  if (request.process_instance_key !== null) return false;
  const claimed = await db('requests').where({ id: request.id }).whereNull('process_instance_key').whereNull('closed_at')
    .update({ process_instance_key: instanceKey, start_leased_until: null }).returning('id');
  if (claimed.length > 0) return true;
  // Someone recorded a key between our read and our write (the API's start may record this very key).
  const now = await db('requests').where({ id: request.id }).first('process_instance_key');
  return now?.process_instance_key === instanceKey;
}

/** A status milestone, once per `dedupeKey`; a closed request keeps its final status even if a late milestone arrives. */
export async function recordStatus(db: Knex, milestone: { requestId: string; status: RequestStatus; elementId: string; dedupeKey: string; reason?: string }): Promise<void> {
  await db.transaction(async (trx) => {
    const recorded = await recordEvent(trx, {
      requestId: milestone.requestId, kind: milestone.status, elementId: milestone.elementId, dedupeKey: milestone.dedupeKey,
      data: milestone.reason ? { reason: milestone.reason } : {},
    });
    if (recorded) await trx('requests').where({ id: milestone.requestId }).whereNull('closed_at').update({ status: milestone.status, updated_at: clockNow(trx) });
  });
}

/** Closes the request with its outcome; only the first close counts, so closing twice never moves closed_at. */
export async function closeRequest(db: Knex, closing: { requestId: string; outcome: RequestOutcome; elementId: string; dedupeKey: string }): Promise<void> {
  await db.transaction(async (trx) => {
    await recordEvent(trx, { requestId: closing.requestId, kind: 'closed', elementId: closing.elementId, dedupeKey: closing.dedupeKey, data: { outcome: closing.outcome } });
    await trx('requests').where({ id: closing.requestId }).whereNull('closed_at')
      .update({ status: 'closed', outcome: closing.outcome, closed_at: clockNow(trx), updated_at: clockNow(trx) });
  });
}
