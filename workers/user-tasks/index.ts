// Takes `io.camunda.zeebe:userTask` jobs and leaves them open (forwarded): a
// person completes them later through the API. A job is taken for a few
// minutes only; once its row is in the task list, UpdateJobTimeout keeps it
// for a month. So a workers process that dies between taking a job and
// writing its row hides the task for minutes, not a month: the job comes
// again and another process lists it. Beside the worker runs the sweep that
// closes tasks their process has ended.
import { createTaskDefinitionResolver } from '../../domain/user-tasks/definitions.ts';
import { backfillLegacyTasks } from '../../domain/user-tasks/legacy.ts';
import { createTaskStore } from '../../domain/user-tasks/store.ts';
import { startStaleTaskSweep, sweepDefaults, type SweepOptions } from '../../domain/user-tasks/sweep.ts';
import { userTaskJobType } from '../../processes/catalogue/contract.ts';
import { isNotFound, updateJobTimeout } from '../../platform/zeebe.ts';
import type { WorkerDependencies } from '../index.ts';
import { familyOf, retryBackOff } from '../job.ts';
import { startJobWorker } from '../job-worker.ts';
import { jobEnded } from '../metrics.ts';

/** How long a taken job may wait for its row: what a crash at that moment costs at most (USER_TASK_LEASE_SECONDS sets it; this is for callers without configuration). */
export const userTaskLeaseMs = 2 * 60 * 1000;
/**
 * How long the engine leaves a listed task with us: a month. Should nobody
 * complete it by then, the job comes again, finds its row and is kept again.
 */
export const userTaskJobTimeout = 30 * 24 * 60 * 60 * 1000;

export interface UserTaskWorkerOptions {
  /** The lease of a taken job until its row is written (tests shorten it). */
  leaseMs?: number;
  /** How often the stale-task sweep runs. */
  sweepIntervalMs?: number;
  sweep?: SweepOptions;
}

export function userTaskWorkers({ zeebe, db, logger }: WorkerDependencies, options: UserTaskWorkerOptions = {}) {
  /** The row is committed: the job stays with us until a person completes the task. */
  const keepListedTask = async (jobKey: string, log: typeof logger) => {
    try {
      await updateJobTimeout(zeebe, jobKey, userTaskJobTimeout);
    } catch (error) {
      // The task stays listed either way; the job comes again after its lease, finds its row, and is kept then.
      if (isNotFound(error)) log.info('the engine ended the task\'s job meanwhile; the sweep closes its row');
      else log.warn({ err: error }, 'could not extend the task\'s job; it is kept when it comes again');
    }
  };
  const tasks = createTaskStore({ db, logger, definitions: createTaskDefinitionResolver({ db }) });
  const worker = startJobWorker(zeebe, logger, {
    taskType: userTaskJobType,
    timeout: options.leaseMs ?? userTaskLeaseMs,
    maxJobsToActivate: 32,
    taskHandler: async (job) => {
      const log = logger.child({ jobType: userTaskJobType, jobKey: job.key, processInstanceKey: job.processInstanceKey, trackingCode: (job.variables as Record<string, unknown>).trackingCode });
      try {
        await tasks.store({
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
        await keepListedTask(job.key, log);
        log.info('user task open');
        jobEnded(userTaskJobType, 'listed');
        return job.forward();
      } catch (error) {
        log.error({ err: error }, 'could not store user task; will retry');
        jobEnded(userTaskJobType, 'failed');
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
