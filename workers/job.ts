// What every family shares: the engine-free shape of a job that handlers take,
// the outcomes they return, and the one binding that turns a handler into a
// zeebe-node worker (complete / BPMN error / fail with back-off).
import type { ZBClient } from 'zeebe-node';
import { clock } from '../platform/clock.ts';
import type { Logger } from '../platform/logger.ts';
import { startJobWorker, type JobWorker } from './job-worker.ts';
import { jobEnded } from './metrics.ts';

/** The parts of a Zeebe job a handler needs; tests build these by hand. */
export interface JobInput<V = Record<string, unknown>> {
  jobKey: string;
  processInstanceKey: string;
  elementInstanceKey: string;
  elementId: string;
  bpmnProcessId: string;
  retries: number;
  headers: Record<string, string>;
  variables: V;
}

/** A handler either completes with variables or raises a BPMN error the diagram catches. */
export type JobOutcome =
  | { complete: Record<string, unknown> }
  | { bpmnError: { code: string; message: string; variables?: Record<string, unknown> } };

export type JobHandler = (job: JobInput) => Promise<JobOutcome>;

export const complete = (variables: Record<string, unknown> = {}): JobOutcome => ({ complete: variables });
export const bpmnError = (code: string, message: string, variables?: Record<string, unknown>): JobOutcome => ({
  bpmnError: variables ? { code, message, variables } : { code, message },
});

/**
 * A technical fault no retry can mend (a variable the diagram never maps, a
 * service the catalogue does not know): the job fails with zero retries and an
 * incident shows it to an operator.
 */
export class PermanentFault extends Error {
  override name = 'PermanentFault';
}

/** Idempotency key of one job's effect: the same element instance always yields the same key. */
export function businessKey(job: Pick<JobInput, 'processInstanceKey' | 'elementInstanceKey'>, suffix?: string): string {
  return [job.processInstanceKey, job.elementInstanceKey, suffix].filter(Boolean).join(':');
}

/** Reads a required variable, or fails permanently naming it. */
export function required<T>(job: JobInput, name: string): T {
  const value = (job.variables as Record<string, unknown>)[name];
  if (value === undefined || value === null || value === '') {
    throw new PermanentFault(`variable "${name}" is missing; map it in the diagram's input mappings`);
  }
  return value as T;
}

/** Exponential back-off for transient faults: 1 s, 2 s, 4 s ... capped at a minute. */
export function retryBackOff(retriesLeft: number, maxRetries = 3): number {
  const attempt = Math.max(0, maxRetries - retriesLeft);
  return Math.min(60_000, 1_000 * 2 ** attempt);
}

export interface BindOptions {
  /** Job timeout; user tasks wait for people and use days. */
  timeout?: number;
  maxJobsToActivate?: number;
}

/** Registers `handler` for `taskType` and returns the worker so the family can close it. */
export function bindJob(zeebe: ZBClient, logger: Logger, taskType: string, handler: JobHandler, options: BindOptions = {}): JobWorker {
  return startJobWorker(zeebe, logger, {
    taskType,
    timeout: clock.jobTimeout(options.timeout ?? 30_000),
    maxJobsToActivate: options.maxJobsToActivate ?? 16,
    taskHandler: async (job) => {
      const started = performance.now();
      const seconds = () => (performance.now() - started) / 1000;
      const variables = job.variables as Record<string, unknown>;
      const log = logger.child({
        jobType: taskType,
        jobKey: job.key,
        processInstanceKey: job.processInstanceKey,
        trackingCode: variables.trackingCode,
        elementId: job.elementId,
      });
      const input: JobInput = {
        jobKey: job.key,
        processInstanceKey: job.processInstanceKey,
        elementInstanceKey: job.elementInstanceKey,
        elementId: job.elementId,
        bpmnProcessId: job.bpmnProcessId,
        retries: job.retries,
        headers: job.customHeaders as Record<string, string>,
        variables,
      };
      try {
        const outcome = await handler(input);
        if ('bpmnError' in outcome) {
          log.info({ errorCode: outcome.bpmnError.code }, outcome.bpmnError.message);
          jobEnded(taskType, 'bpmn-error', seconds());
          return await acknowledged(log, () => job.error({
            errorCode: outcome.bpmnError.code,
            errorMessage: outcome.bpmnError.message,
            variables: (outcome.bpmnError.variables ?? {}) as Record<string, never>,
          }));
        }
        log.info({ outputs: Object.keys(outcome.complete) }, 'job completed');
        jobEnded(taskType, 'completed', seconds());
        return await acknowledged(log, () => job.complete(outcome.complete));
      } catch (error) {
        const permanent = error instanceof PermanentFault;
        const retries = permanent ? 0 : Math.max(0, job.retries - 1);
        log.error({ err: error, retries }, permanent ? 'job failed permanently' : 'job failed; will retry');
        jobEnded(taskType, permanent ? 'failed-permanently' : 'failed', seconds());
        return acknowledged(log, () => job.fail({
          errorMessage: (error as Error).message,
          retries,
          retryBackOff: permanent ? 0 : retryBackOff(retries),
        }));
      }
    },
  });
}

/**
 * Tells the engine how the job ended. The engine may have ended the job
 * itself meanwhile (its instance was cancelled, a boundary event fired):
 * NOT_FOUND then means there is nothing left to do. Any other refusal is
 * logged; the job times out and comes again. Never a rejected promise, which
 * zeebe-node leaves unhandled and which would end the worker process.
 */
async function acknowledged<T>(log: Logger, tell: () => Promise<T>): Promise<T> {
  try {
    return await tell();
  } catch (error) {
    if ((error as { code?: number }).code === 5) log.info('the engine had already ended this job');
    else log.error({ err: error }, 'the engine did not take the job\'s outcome; the job will come again');
    // zeebe-node's acknowledgement token: the handler answered, whatever the engine made of it.
    return 'JOB_ACTION_ACKNOWLEDGEMENT' as T;
  }
}

/** What a family returns to the registry. */
export interface StartedFamily {
  jobTypes: string[];
  /** Stops its workers (see job-worker.ts: jobs are finished or handed back) and its sweeps. */
  close(hurry?: AbortSignal): Promise<void>;
}

/**
 * Closes the workers a family started, then what else it runs (`extra`:
 * sweeps, senders). Hurried, it stops waiting for a sweep still at work: what
 * a sweep has not committed is done again by the next one, here or in
 * another process, as after a crash.
 */
export function familyOf(jobTypes: string[], workers: JobWorker[], extra?: () => Promise<void>): StartedFamily {
  return {
    jobTypes,
    close: async (hurry) => {
      await Promise.all(workers.map((worker) => worker.close(hurry).catch(() => undefined)));
      if (extra) await untilAborted(extra().catch(() => undefined), hurry);
    },
  };
}

/** `work`, or less once `signal` aborts. */
function untilAborted(work: Promise<unknown>, signal?: AbortSignal): Promise<unknown> {
  if (!signal) return work;
  if (signal.aborted) return Promise.resolve();
  return Promise.race([work, new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }))]);
}

/**
 * How long stopping families let their handlers finish the jobs they hold
 * before handing them back: 8 of shutdown's 20 s grace (platform/runtime.ts),
 * so that the rest (handing back, at most 3 s; the engine's channels, 3 s;
 * the pool, 5 s) ends inside it even on a loaded machine and the process
 * exits 0. A handed-back job is taken again at once, elsewhere; its handler,
 * idempotent, may still finish here meanwhile.
 */
export const drainMs = 8_000;

/** Stops `families`: their handlers get `drain` ms (or until `hurry`), then what they still hold is handed back. */
export async function stopFamilies(families: StartedFamily[], hurry?: AbortSignal, drain = drainMs): Promise<void> {
  const handBack = AbortSignal.any([AbortSignal.timeout(drain), ...(hurry ? [hurry] : [])]);
  await Promise.all(families.map((family) => family.close(handBack)));
}
