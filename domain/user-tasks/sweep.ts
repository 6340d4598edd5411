// Open task rows whose job the engine has already ended. Zeebe does not tell a
// worker when a job is cancelled (its instance was cancelled, a boundary timer
// or an interrupting event ended the task), so the row would stay on the
// clerks' list until someone tried to complete it. The sweep asks the engine
// about open tasks through the gateway API only, so it works on Zeebe and on
// our engine alike: UpdateJobRetries with the retries the job already has
// changes nothing on a live job and answers NOT_FOUND for a vanished one.
//
// Which rows it asks about, cheapest signal first:
// - tasks of a request that closed after the task was last checked: the
//   request's process wound up (cancelled, rejected, lapsed), so these are
//   almost surely gone; asked at the next sweep;
// - then every other open task, least recently checked first, once per
//   `recheckAfterMs`, a batch at a time, for what no request state reveals
//   (a boundary timer or message that ended one task while the case goes on).
// Rows are claimed by stamping `checked_at` with SKIP LOCKED, so several
// worker processes share the work instead of repeating it, and closing is an
// update of an open row, so a repeated or concurrent sweep changes nothing.
import type { Knex } from 'knex';
import type { ZBClient } from 'zeebe-node';
import { clockNow } from '../../platform/clock.ts';
import type { Logger } from '../../platform/logger.ts';
import { isNotFound } from '../../platform/zeebe.ts';
import { cancelVisitOfClosedRequest } from '../inspections/visits.ts';

export interface SweepOptions {
  /** Open tasks asked about per sweep at most (request-closed ones first). */
  batch?: number;
  /** A live task is asked about again after this long. */
  recheckAfterMs?: number;
}

export const sweepDefaults = { intervalMs: 60_000, batch: 100, recheckAfterMs: 10 * 60_000 } as const;

/** Zeebe's retries for a job that does not say; only rows stored before job_retries was recorded lack it. */
const assumedRetries = 3;
/** Questions in flight to the gateway at once. */
const parallel = 8;

export interface SweepDeps { db: Knex; zeebe: ZBClient; logger: Logger }
export interface SweepResult { asked: number; closed: string[]; unanswered: number }

interface Picked { job_key: string; job_retries: number | null; previous: Date | null }

/**
 * Claims up to `batch` open tasks that are due a check, in priority order,
 * stamping them checked now so a concurrent sweep skips them.
 */
async function pick(db: Knex, batch: number, recheckAfterMs: number): Promise<Picked[]> {
  const { rows } = await db.raw<{ rows: Picked[] }>(`
    with picked as (
      select u.job_key, u.checked_at as previous
      from user_tasks u left join requests r on r.id = u.request_id
      where u.status = 'open'
        and (r.closed_at > coalesce(u.checked_at, '-infinity'::timestamptz)
             or coalesce(u.checked_at, u.created_at) <= clock_now() - ? * interval '1 millisecond')
      order by coalesce(r.closed_at > coalesce(u.checked_at, '-infinity'::timestamptz), false) desc,
               u.checked_at nulls first, u.created_at
      limit ?
      for update of u skip locked
    )
    update user_tasks t set checked_at = clock_now()
    from picked where t.job_key = picked.job_key
    returning t.job_key, t.job_retries, picked.previous`, [recheckAfterMs, batch]);
  return rows;
}

/**
 * Marks a task its process ended. An inspector's open visit for a request
 * that has closed will never happen, so it stops counting against them.
 */
async function close(db: Knex, jobKey: string): Promise<boolean> {
  return db.transaction(async (trx) => {
    const [ended] = await trx('user_tasks').where({ job_key: jobKey, status: 'open' })
      .update({ status: 'cancelled', cancelled_at: clockNow(trx) })
      .returning(['request_id', 'assignee']) as Array<{ request_id: string | null; assignee: string | null }>;
    if (!ended) return false;
    if (ended.request_id && ended.assignee) await cancelVisitOfClosedRequest(trx, ended.request_id, ended.assignee);
    return true;
  });
}

export async function sweepStaleTasks({ db, zeebe, logger }: SweepDeps, options: SweepOptions = {}): Promise<SweepResult> {
  const picked = await pick(db, options.batch ?? sweepDefaults.batch, options.recheckAfterMs ?? sweepDefaults.recheckAfterMs);
  const result: SweepResult = { asked: picked.length, closed: [], unanswered: 0 };
  const ask = async (task: Picked) => {
    try {
      await zeebe.updateJobRetries({ jobKey: task.job_key, retries: task.job_retries ?? assumedRetries });
    } catch (error) {
      if (isNotFound(error)) {
        if (await close(db, task.job_key)) result.closed.push(task.job_key);
        return;
      }
      // No answer (engine down, timeout): leave the task as unchecked as it was, so it keeps its turn.
      result.unanswered++;
      await db('user_tasks').where({ job_key: task.job_key }).update({ checked_at: task.previous });
      logger.warn({ err: error, jobKey: task.job_key }, 'could not ask the engine about a user task');
    }
  };
  for (let start = 0; start < picked.length; start += parallel) await Promise.all(picked.slice(start, start + parallel).map(ask));
  if (result.closed.length > 0) logger.info({ closed: result.closed }, 'closed user tasks their process had ended');
  return result;
}

/** Runs the sweep every `intervalMs`, one at a time; `stop()` waits a little for a running one. */
export function startStaleTaskSweep(deps: SweepDeps, intervalMs: number = sweepDefaults.intervalMs, options: SweepOptions = {}) {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();
  let stopped = false;
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = sweepStaleTasks(deps, options)
        .catch((error: unknown) => deps.logger.error({ err: error }, 'stale user task sweep failed'))
        .finally(schedule);
    }, intervalMs);
    timer.unref();
  };
  schedule();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      // zeebe-node retries an unreachable gateway for a long while; shutting down need not wait for that.
      await Promise.race([running, new Promise((resolve) => setTimeout(resolve, 2_000).unref())]);
    },
  };
}
