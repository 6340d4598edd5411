// Takes `io.camunda.zeebe:userTask` jobs with a long timeout and leaves them
// open (forwarded): a person completes them later through the API.
import { userTaskJobType } from '../../processes/catalogue/contract.ts';
import type { WorkerDependencies } from '../index.ts';
import { familyOf, retryBackOff } from '../job.ts';
import { createUserTaskHandlers } from './handlers.ts';

/** How long the engine leaves a task with us before handing it out again: a month. */
export const userTaskJobTimeout = 30 * 24 * 60 * 60 * 1000;

export function userTaskWorkers({ zeebe, db, logger }: WorkerDependencies) {
  const handlers = createUserTaskHandlers({ db, logger });
  const worker = zeebe.createWorker({
    taskType: userTaskJobType,
    timeout: userTaskJobTimeout,
    maxJobsToActivate: 32,
    taskHandler: async (job) => {
      const log = logger.child({ jobType: userTaskJobType, jobKey: job.key, processInstanceKey: job.processInstanceKey, trackingCode: (job.variables as Record<string, unknown>).trackingCode });
      try {
        await handlers.store({
          jobKey: job.key,
          processInstanceKey: job.processInstanceKey,
          elementInstanceKey: job.elementInstanceKey,
          elementId: job.elementId,
          bpmnProcessId: job.bpmnProcessId,
          retries: job.retries,
          headers: job.customHeaders as Record<string, string>,
          variables: job.variables as Record<string, unknown>,
        });
        log.info('user task open');
        return job.forward();
      } catch (error) {
        log.error({ err: error }, 'could not store user task; will retry');
        const retries = Math.max(0, job.retries - 1);
        return job.fail({ errorMessage: (error as Error).message, retries, retryBackOff: retryBackOff(retries) });
      }
    },
  });
  return familyOf([userTaskJobType], [worker]);
}
