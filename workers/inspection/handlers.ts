// inspection.assign: a field inspector of the request's district, chosen
// fairly — fewest open visits first, then whoever was assigned least
// recently (round-robin among equals). Assignments in one district are
// serialised with an advisory lock so two jobs never both pick the same
// "least busy" inspector on stale counts.
import type { Knex } from 'knex';
import { clockNow } from '../../platform/clock.ts';
import type { Logger } from '../../platform/logger.ts';
import { businessKey, complete, required, type JobInput, type JobOutcome } from '../job.ts';
import { findRequestOrFail } from '../request/queries.ts';

export interface InspectionDeps {
  db: Knex;
  logger: Logger;
}

/** Lock namespace for inspection assignment (first argument of pg_advisory_xact_lock). */
const assignmentLock = 5_001;

export function createInspectionHandlers({ db, logger }: InspectionDeps) {
  return {
    async assign(job: JobInput): Promise<JobOutcome> {
      const request = await findRequestOrFail(db, required(job, 'requestId'));
      const districtId = Number(job.variables.districtId ?? request.district_id);
      const key = businessKey(job);
      const visit = await db.transaction(async (trx) => {
        const existing = await trx('inspection_visits').where({ business_key: key }).first();
        if (existing) return existing;
        await trx.raw('select pg_advisory_xact_lock(?, ?)', [assignmentLock, districtId]);
        const inspector = await trx('staff as s')
          .where({ 's.role_id': 'inspector', 's.district_id': districtId, 's.active': true })
          .select('s.id', 's.username')
          .select(trx.raw(`(select count(*) from inspection_visits v where v.inspector_id = s.id and v.status = 'open') as open_visits`))
          .select(trx.raw(`(select max(v.assigned_at) from inspection_visits v where v.inspector_id = s.id) as last_assigned`))
          .orderBy([{ column: 'open_visits', order: 'asc' }, { column: 'last_assigned', order: 'asc', nulls: 'first' }, { column: 's.username', order: 'asc' }])
          .first();
        // Nobody to send is a staffing gap an operator must fix: retry with back-off, then an incident.
        if (!inspector) throw new Error(`district ${districtId} has no active inspector`);
        const [row] = await trx('inspection_visits')
          // The moment of assignment, not the transaction's start (it may have waited for the lock), on the business clock.
          .insert({ request_id: request.id, district_id: districtId, inspector_id: inspector.id, business_key: key, assigned_at: trx.raw('clock_timestamp() + (clock_now() - now())') })
          .returning('*');
        return row;
      });
      const inspector = await db('staff').where({ id: visit.inspector_id }).first();
      logger.info({ visitId: visit.id, inspector: inspector.username }, 'inspector assigned');
      return complete({ inspectorId: inspector.username, inspectionVisitId: visit.id });
    },
  };
}

/** Called when the inspector's findings task is completed: the visit no longer counts as open. */
export async function finishInspectionVisit(db: Knex, visitId: string, findings: { result: 'pass' | 'fail'; notes?: string }): Promise<boolean> {
  return (await db('inspection_visits').where({ id: visitId, status: 'open' })
    .update({ status: 'done', result: findings.result, notes: findings.notes ?? null, done_at: clockNow(db) })) > 0;
}
