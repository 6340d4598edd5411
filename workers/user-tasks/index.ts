// Takes `io.camunda.zeebe:userTask` jobs with a long timeout and leaves them
// open (forwarded): a person completes them later through the API. Beside the
// worker runs the sweep that closes tasks their process has ended.
import { userTaskJobType } from '../../processes/catalogue/contract.ts';
import type { WorkerDependencies } from '../index.ts';
import { familyOf, retryBackOff } from '../job.ts';
import { createTaskDefinitionResolver } from './definitions.ts';
import { createUserTaskHandlers } from './handlers.ts';
import { backfillLegacyTasks } from './legacy.ts';
import { startStaleTaskSweep, sweepDefaults, type SweepOptions } from './sweep.ts';

/** How long the engine leaves a task with us before handing it out again: a month. */
export const userTaskJobTimeout = 30 * 24 * 60 * 60 * 1000;

export interface UserTaskWorkerOptions {
  /** How often the stale-task sweep runs. */
  sweepIntervalMs?: number;
  sweep?: SweepOptions;
}

export function userTaskWorkers({ zeebe, db, logger }: WorkerDependencies, options: UserTaskWorkerOptions = {}) {
  const handlers = createUserTaskHandlers({ db, logger, definitions: createTaskDefinitionResolver({ db }) });
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
          // zeebe-node 8.3 types the field as processKey but passes the gateway's processDefinitionKey through.
          processDefinitionKey: String((job as unknown as { processDefinitionKey?: string }).processDefinitionKey ?? job.processKey),
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
  const backfill = backfillLegacyTasks({ db, logger }).catch((error: unknown) => logger.error({ err: error }, 'could not back-fill older user tasks'));
  const sweep = startStaleTaskSweep({ zeebe, db, logger }, options.sweepIntervalMs ?? sweepDefaults.intervalMs, options.sweep);
  return familyOf([userTaskJobType], [worker], async () => {
    await sweep.stop();
    await backfill;
  });
}
