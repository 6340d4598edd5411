// Field inspections: a visit by an inspector of the request's district,
// assigned fairly — fewest open visits first, then whoever was assigned least
// recently (round-robin among equals) — closed with the findings when the
// inspector completes their task, cancelled when the request closes first.
// Assignments in one district are serialised with an advisory lock so two
// jobs never both pick the same "least busy" inspector on stale counts.
import type { Knex } from 'knex';
import { clockNow } from '../../platform/clock.ts';

/** Lock namespace for inspection assignment (first argument of pg_advisory_xact_lock). */
const assignmentLock = 5_001;

export interface VisitRow { id: string; request_id: string; district_id: number; inspector_id: string; business_key: string; status: string }

/**
 * Assigns an inspector of the district to the request under `businessKey`
 * (the step's idempotency key); the same key again answers the same visit.
 * A district without an active inspector is a staffing gap an operator must
 * fix: it throws, and the job retries.
 */
export async function assignInspector(db: Knex, visit: { requestId: string; districtId: number; businessKey: string }): Promise<{ visitId: string; inspectorUsername: string }> {
  const { requestId, districtId, businessKey } = visit;
  return db.transaction(async (trx) => {
    const existing = await trx('inspection_visits as v').join('staff as s', 's.id', 'v.inspector_id')
      .where({ 'v.business_key': businessKey }).first('v.id', 's.username');
    if (existing) return { visitId: existing.id as string, inspectorUsername: existing.username as string };
    await trx.raw('select pg_advisory_xact_lock(?, ?)', [assignmentLock, districtId]);
    const inspector = await trx('staff as s')
      .where({ 's.role_id': 'inspector', 's.district_id': districtId, 's.active': true })
      .select('s.id', 's.username')
      .select(trx.raw(`(select count(*) from inspection_visits v where v.inspector_id = s.id and v.status = 'open') as open_visits`))
      .select(trx.raw(`(select max(v.assigned_at) from inspection_visits v where v.inspector_id = s.id) as last_assigned`))
      .orderBy([{ column: 'open_visits', order: 'asc' }, { column: 'last_assigned', order: 'asc', nulls: 'first' }, { column: 's.username', order: 'asc' }])
      .first();
    if (!inspector) throw new Error(`district ${districtId} has no active inspector`);
    const [inserted] = await trx('inspection_visits')
      // The moment of assignment, not the transaction's start (it may have waited for the lock), on the business clock.
      .insert({ request_id: requestId, district_id: districtId, inspector_id: inspector.id, business_key: businessKey, assigned_at: trx.raw('clock_timestamp() + (clock_now() - now())') })
      .returning('id');
    return { visitId: inserted.id as string, inspectorUsername: inspector.username as string };
  });
}

/** The visit no longer counts as open. */
export async function finishInspectionVisit(db: Knex, visitId: string, findings: { result: 'pass' | 'fail'; notes?: string }): Promise<boolean> {
  return (await db('inspection_visits').where({ id: visitId, status: 'open' })
    .update({ status: 'done', result: findings.result, notes: findings.notes ?? null, done_at: clockNow(db) })) > 0;
}

/**
 * Findings recorded (the task-inspection form's `inspectionResult`): the
 * assignee's open visit for the request is done, so it no longer counts
 * against them when inspectors are next assigned, and it keeps the result,
 * the day of the visit and the notes for the approver. The timeline says
 * the visit took place and how it came out (the notes stay with staff).
 */
export async function recordFindings(trx: Knex, task: { job_key: string; request_id: string | null; assignee: string | null }, variables: Record<string, unknown>) {
  const result = variables.inspectionResult;
  if (!task.request_id || !task.assignee || (result !== 'pass' && result !== 'fail')) return;
  const visitedOn = typeof variables.inspectionDate === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(variables.inspectionDate) ? variables.inspectionDate : null;
  await trx('inspection_visits')
    .where({ request_id: task.request_id, status: 'open' })
    .whereIn('inspector_id', trx('staff').select('id').where({ username: task.assignee }))
    .update({
      status: 'done', result, done_at: clockNow(trx), visited_on: visitedOn,
      notes: typeof variables.inspectionNotes === 'string' ? variables.inspectionNotes : null,
    });
  const titleFa = result === 'pass' ? 'بازدید کارشناس انجام شد: مطابق است' : 'بازدید کارشناس انجام شد: مغایرت دارد';
  await trx('request_events')
    .insert({ request_id: task.request_id, kind: 'inspection-done', dedupe_key: `task:${task.job_key}:inspection`, data: { result, visitedOn, titleFa } })
    .onConflict(['request_id', 'dedupe_key']).ignore();
}

/** An inspector's open visit for a request that has closed will never happen: it stops counting against them. */
export async function cancelVisitOfClosedRequest(trx: Knex, requestId: string, inspectorUsername: string): Promise<void> {
  await trx('inspection_visits')
    .where({ request_id: requestId, status: 'open' })
    .whereIn('request_id', trx('requests').select('id').whereNotNull('closed_at'))
    .whereIn('inspector_id', trx('staff').select('id').where({ username: inspectorUsername }))
    .update({ status: 'cancelled' });
}

/** What the field inspections of a request found, oldest first, for whoever decides next. */
export async function findingsOf(db: Knex, requestId: string) {
  const visits = await db('inspection_visits as v').leftJoin('staff as s', 's.id', 'v.inspector_id')
    .where({ 'v.request_id': requestId, 'v.status': 'done' }).orderBy('v.done_at')
    .select('v.result', db.raw(`to_char(v.visited_on, 'YYYY-MM-DD') as visited_on`), 'v.notes', 'v.done_at', 's.display_name as inspector_name');
  return visits.map((visit) => ({
    result: visit.result as 'pass' | 'fail', visitedOn: visit.visited_on as string | null,
    notes: visit.notes as string | null, recordedAt: visit.done_at as Date, inspectorName: visit.inspector_name as string | null,
  }));
}
