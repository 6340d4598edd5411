// request.status and request.close: the process's milestones and its closing
// outcome (domain/requests/bookkeeping.ts). Only the service's own diagram
// (process id = service id) is the request's instance; called processes run
// under it, and a second instance of the same request cancels itself here
// before its first effect.
import type { Knex } from 'knex';
import type { ZBClient } from 'zeebe-node';
import { closeRequest, isTheInstance, recordStatus } from '../../domain/requests/bookkeeping.ts';
import type { Logger } from '../../platform/logger.ts';
import { requestOutcomes, requestStatuses, type RequestOutcome, type RequestStatus } from '../../processes/catalogue/contract.ts';
import { businessKey, complete, PermanentFault, required, type JobInput, type JobOutcome } from '../job.ts';
import { findRequestOrFail } from './queries.ts';

export interface RequestHandlerDeps {
  db: Knex;
  logger: Logger;
  zeebe: Pick<ZBClient, 'cancelProcessInstance'>;
}

export function createRequestHandlers({ db, logger, zeebe }: RequestHandlerDeps) {
  return {
    /** `request.status`: header `status` is the milestone. */
    async status(job: JobInput): Promise<JobOutcome> {
      const status = job.headers.status as RequestStatus | undefined;
      if (!status || !requestStatuses.includes(status)) {
        throw new PermanentFault(`header "status" must be one of ${requestStatuses.join(', ')}; got ${JSON.stringify(status)}`);
      }
      const request = await findRequestOrFail(db, required(job, 'requestId'), ['service_id', 'process_instance_key']);
      if (job.bpmnProcessId === request.service_id && !(await isTheInstance(db, request, job.processInstanceKey))) {
        logger.warn({ requestId: request.id, instance: job.processInstanceKey }, 'a second instance of this request: cancelling it before it does anything');
        await zeebe.cancelProcessInstance(job.processInstanceKey);
        // Completing a job of a cancelled instance is refused by the engine; the binding only logs that.
        return complete();
      }
      const reason = job.variables.reason;
      await recordStatus(db, {
        requestId: request.id, status, elementId: job.elementId, dedupeKey: businessKey(job),
        ...(typeof reason === 'string' && reason ? { reason } : {}),
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
      const request = await findRequestOrFail(db, required(job, 'requestId'), []);
      await closeRequest(db, { requestId: request.id, outcome, elementId: job.elementId, dedupeKey: businessKey(job) });
      return complete();
    },
  };
}
