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
import type { RequestOutcome, RequestStatus } from '../../processes/catalogue/contract.ts';
import type { RequestRow } from './rows.ts';

/**
 * The timeline event of an element instance as the first part of a statement
 * (`recorded` holds its id when it is new): the unique (request_id,
 * dedupe_key) keeps a re-delivered job from adding it twice, and the request
 * row it changes is updated in the same statement, so a milestone is one round
 * trip and one commit.
 */
function withEvent(db: Knex, event: { requestId: string; kind: string; elementId: string; dedupeKey: string; data: Record<string, unknown> }, then: string, bindings: unknown[]) {
  return db.raw(`
    with recorded as (
      insert into request_events (request_id, kind, element_id, dedupe_key, data) values (?, ?, ?, ?, ?::jsonb)
      on conflict (request_id, dedupe_key) do nothing
      returning id)
    ${then}`, [event.requestId, event.kind, event.elementId, event.dedupeKey, JSON.stringify(event.data), ...bindings] as Knex.RawBinding[]);
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
  await withEvent(db, {
    requestId: milestone.requestId, kind: milestone.status, elementId: milestone.elementId, dedupeKey: milestone.dedupeKey,
    data: milestone.reason ? { reason: milestone.reason } : {},
  }, `update requests set status = ?, updated_at = clock_now()
       where id = ? and closed_at is null and exists (select 1 from recorded)`, [milestone.status, milestone.requestId]);
}

/** Closes the request with its outcome; only the first close counts, so closing twice never moves closed_at. */
export async function closeRequest(db: Knex, closing: { requestId: string; outcome: RequestOutcome; elementId: string; dedupeKey: string }): Promise<void> {
  // The event's insert runs whether or not the update reads it (PostgreSQL runs every data-modifying WITH once).
  await withEvent(db, { requestId: closing.requestId, kind: 'closed', elementId: closing.elementId, dedupeKey: closing.dedupeKey, data: { outcome: closing.outcome } },
    `update requests set status = 'closed', outcome = ?, closed_at = clock_now(), updated_at = clock_now()
       where id = ? and closed_at is null`, [closing.outcome, closing.requestId]);
}
