// Request bookkeeping: status milestones into the timeline and the closing
// outcome. A milestone is recorded once per element instance, so a
// re-delivered job changes nothing.
//
// One instance per request: every service diagram begins with a
// `request.status` task, so its handler is where an instance learns whether
// it is the request's instance. The first key recorded wins (here or in the
// API's start, api/plugins/app/requests.ts); a second instance, which a crash
// between creating an instance and recording its key can leave, cancels
// itself before its first effect.
import type { Knex } from 'knex';
import type { ZBClient } from 'zeebe-node';
import { clockNow } from '../../platform/clock.ts';
import type { Logger } from '../../platform/logger.ts';
import { requestOutcomes, requestStatuses, type RequestOutcome, type RequestStatus } from '../../processes/catalogue/contract.ts';
import { businessKey, complete, PermanentFault, required, type JobInput, type JobOutcome } from '../job.ts';
import { findRequestOrFail, type RequestRow } from './queries.ts';

export interface RequestHandlerDeps {
  db: Knex;
  logger: Logger;
  zeebe: Pick<ZBClient, 'cancelProcessInstance'>;
}

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
 * Whether the job's instance is the request's instance, recording it as such
 * when none is recorded yet. A closed request takes no instance: one that
 * arrives after the citizen withdrew the unstarted request is not its own.
 */
async function isTheInstance(db: Knex, request: RequestRow, instanceKey: string): Promise<boolean> {
  if (request.process_instance_key === instanceKey) return true;
  if (request.process_instance_key !== null) return false;
  const claimed = await db('requests').where({ id: request.id }).whereNull('process_instance_key').whereNull('closed_at')
    .update({ process_instance_key: instanceKey, start_leased_until: null }).returning('id');
  if (claimed.length > 0) return true;
  // Someone recorded a key between our read and our write (the API's start may record this very key).
  const now = await db('requests').where({ id: request.id }).first('process_instance_key');
  return now?.process_instance_key === instanceKey;
}

export function createRequestHandlers({ db, logger, zeebe }: RequestHandlerDeps) {
  return {
    /** `request.status`: header `status` is the milestone. */
    async status(job: JobInput): Promise<JobOutcome> {
      const status = job.headers.status as RequestStatus | undefined;
      if (!status || !requestStatuses.includes(status)) {
        throw new PermanentFault(`header "status" must be one of ${requestStatuses.join(', ')}; got ${JSON.stringify(status)}`);
      }
      const request = await findRequestOrFail(db, required(job, 'requestId'));
      // Only the service's own diagram (process id = service id) is the request's instance; called processes run under it.
      if (job.bpmnProcessId === request.service_id && !(await isTheInstance(db, request, job.processInstanceKey))) {
        logger.warn({ requestId: request.id, instance: job.processInstanceKey }, 'a second instance of this request: cancelling it before it does anything');
        await zeebe.cancelProcessInstance(job.processInstanceKey);
        // Completing a job of a cancelled instance is refused by the engine; the binding only logs that.
        return complete();
      }
      const reason = job.variables.reason;
      await db.transaction(async (trx) => {
        const recorded = await recordEvent(trx, {
          requestId: request.id,
          kind: status,
          elementId: job.elementId,
          dedupeKey: businessKey(job),
          data: typeof reason === 'string' && reason ? { reason } : {},
        });
        // A closed request keeps its final status even if a late milestone arrives.
        if (recorded) await trx('requests').where({ id: request.id }).whereNull('closed_at').update({ status, updated_at: clockNow(trx) });
      });
      logger.debug({ requestId: request.id, status }, 'status recorded');
      return complete();
    },

    /** `request.close`: variable (or header) `outcome`. */
    async close(job: JobInput): Promise<JobOutcome> {
      const outcome = (job.variables.outcome ?? job.headers.outcome) as RequestOutcome | undefined;
      if (!outcome || !requestOutcomes.includes(outcome)) {
        throw new PermanentFault(`"outcome" must be one of ${requestOutcomes.join(', ')}; got ${JSON.stringify(outcome)}`);
      }
      const request = await findRequestOrFail(db, required(job, 'requestId'));
      await db.transaction(async (trx) => {
        await recordEvent(trx, { requestId: request.id, kind: 'closed', elementId: job.elementId, dedupeKey: businessKey(job), data: { outcome } });
        // Only the first close counts: closing twice never moves closed_at.
        await trx('requests').where({ id: request.id }).whereNull('closed_at')
          .update({ status: 'closed', outcome, closed_at: clockNow(trx), updated_at: clockNow(trx) });
      });
      return complete();
    },
  };
}
