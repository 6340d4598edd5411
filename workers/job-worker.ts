// One zeebe-node worker for a job type that never hides a job when its
// process stops. zeebe-node's own close() stops polling and waits for the
// handlers, but it drops jobs that arrive on a long poll while it closes
// ("they will have to be timed out by the server": a month for a user task)
// and waits for a slow handler without end. A worker started here, when
// stopped, lets its handlers finish the jobs they hold and hands back every
// job that arrives meanwhile; told to hurry (shutdown's grace is over), it
// hands back the jobs still in its handlers too. Handing back is FailJob with
// the job's own retries and no back-off: the job is activatable again at once
// and no retry is spent. Handlers are idempotent, so a handed-back job whose
// handler still finishes later does no harm.
//
// zeebe-node asks for jobs on a fixed tick (pollInterval, 300 ms unless
// told): after a long poll that brought jobs, or while its handlers are
// busy, the next request waits for the tick. Each job of a request's process
// waited up to 300 ms for its worker to ask again, and a type with more than
// a batch waiting (request.status at the end of a busy day) was served one
// batch a tick. A worker started here asks every 50 ms: a job waits at most
// that long, and the jobs arriving meanwhile still come in one batch.
// Measured on three simulated days of district 12 (npm run simulate): the
// 300 ms tick took 76 s of wall time, 50 ms 57 s; 20 and 100 ms were no
// faster. Asking again at once after every answer, as Zeebe's Java worker
// does, mostly brought one job per request, and took 18% more CPU per filed
// request than the 50 ms tick for no gain in wall time (62 s).
import type { ZBClient, ZBWorkerTaskHandler } from 'zeebe-node';
import type { Logger } from '../platform/logger.ts';
import { jobEnded } from './metrics.ts';

/** How often a worker with room for more jobs asks for them when no long poll is open (see above). */
const pollIntervalMs = 50;

export interface JobWorkerOptions {
  taskType: string;
  /** How long the engine leaves a job with this worker before handing it out again. */
  timeout: number;
  maxJobsToActivate: number;
  taskHandler: ZBWorkerTaskHandler;
}

export interface JobWorker {
  /** Stops activating, waits for the handlers (until `hurry` aborts), hands back what is left. */
  close(hurry?: AbortSignal): Promise<void>;
}

/** What a stopping worker does with a job it will not work on. */
export async function handBack(zeebe: ZBClient, logger: Logger, job: { key: string; type: string; retries: number }, reason: string): Promise<void> {
  try {
    await zeebe.failJob({ jobKey: job.key, retries: job.retries, retryBackOff: 0, errorMessage: `handed back: ${reason}` });
    jobEnded(job.type, 'handed-back');
    logger.info({ jobKey: job.key, reason }, 'job handed back to the engine');
  } catch (error) {
    // Gone already (completed, cancelled) or the engine is away: then it times out and comes again.
    logger.warn({ err: error, jobKey: job.key }, 'could not hand a job back; it comes again after its timeout');
  }
}

/** zeebe-node 8.3.2's worker internals this module relies on (the version is pinned in package.json). */
interface WorkerInternals {
  closing: boolean;
  handleJobResponse: (response: { jobs: Array<{ key: string; type: string; retries: number }> }) => void;
  close(timeout?: number): Promise<unknown>;
}

export function startJobWorker(zeebe: ZBClient, logger: Logger, options: JobWorkerOptions): JobWorker {
  const held = new Set<{ key: string; type: string; retries: number }>();
  let allReturned: (() => void) | undefined;
  const worker = zeebe.createWorker({
    taskType: options.taskType,
    timeout: options.timeout,
    maxJobsToActivate: options.maxJobsToActivate,
    pollInterval: pollIntervalMs,
    taskHandler: async (job, zbWorker) => {
      const entry = { key: job.key, type: job.type, retries: job.retries };
      held.add(entry);
      try {
        return await options.taskHandler(job, zbWorker);
      } finally {
        held.delete(entry);
        if (held.size === 0) allReturned?.();
      }
    },
  }) as unknown as WorkerInternals;

  const receive = worker.handleJobResponse;
  worker.handleJobResponse = (response) => {
    if (!worker.closing) return receive(response);
    for (const job of response.jobs) void handBack(zeebe, logger, job, 'it arrived while its worker was stopping');
  };

  return {
    async close(hurry) {
      // Stops polling at once; resolves when zeebe-node has seen every handler answer.
      const stopped = worker.close(2_000);
      if (held.size > 0 && !hurry?.aborted) {
        await new Promise<void>((resolve) => {
          allReturned = resolve;
          hurry?.addEventListener('abort', () => resolve(), { once: true });
        });
      }
      if (held.size > 0) {
        // An engine that does not answer cannot take them back: they come again after their timeout.
        const handedBack = Promise.all([...held].map((job) => handBack(zeebe, logger, job, 'its worker had to stop before finishing it')));
        await Promise.race([handedBack, new Promise((resolve) => setTimeout(resolve, 3_000).unref())]);
        return;
      }
      await Promise.race([stopped, new Promise((resolve) => setTimeout(resolve, 2_000).unref())]);
    },
  };
}
