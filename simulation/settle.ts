// How far the system is behind the clock: jobs waiting for a worker or held
// by one (user tasks aside, once the task list has them), filed requests not
// yet started, appointment changes not yet announced. The driver moves the
// clock on when the backlog is gone, or after a step's time budget while it
// is small (workers' jobs run on a long timeout under a simulation, see
// clock.jobTimeout, so a step does not expire them); a backlog past the high
// water mark is always waited out, so the system never falls far behind.
//
// The embedded engine keeps its jobs in PostgreSQL (engine_jobs), so this
// reads them there; against a Zeebe cluster, which offers no such view, a
// fixed pause stands in (settleByPause).
import type { Knex } from 'knex';

export interface SettleOptions {
  /** Wall milliseconds a step may wait before moving on with a small backlog; 0 waits for none at all. */
  budgetMs: number;
  /** A backlog this large is waited out whatever the budget. */
  highWater: number;
}

export interface Settled { waitedMs: number; rounds: number; backlog: number; settled: boolean }
export type Settle = (options: SettleOptions) => Promise<Settled>;

// Every part reads only what is open now, never the month's history: a user
// task's job is looked up in user_tasks by key (an anti join, one probe per
// open task), where the one-query form with OR made PostgreSQL hash every
// user task ever made on each read (a month: tens of thousands of rows, a few
// hundred times a simulated day).
const backlogSql = `
select
  (select count(*) from engine_jobs where state = 'activatable' or (state = 'activated' and type <> 'io.camunda.zeebe:userTask'))
  + (select count(*) from engine_jobs j where j.state = 'activated' and j.type = 'io.camunda.zeebe:userTask'
       and not exists (select 1 from user_tasks u where u.job_key = j.key::text)) as jobs,
  (select count(*) from requests where process_instance_key is null and closed_at is null) as unstarted,
  (select count(*) from appointments where unannounced_since is not null) as unannounced`;

/** Longest pause between two reads of the backlog. */
const maxPauseMs = 20;
/** Wall milliseconds the system needs at the least for one job of the backlog (engine, worker and API together). */
const msPerJob = 2;

/** Reads the embedded engine's durable state; gives up after `limitMs` (and says so). */
export function settleByEngineState(db: Knex, limitMs = 60_000): Settle {
  return async ({ budgetMs, highWater }) => {
    const started = performance.now();
    let quiet = 0;
    let rounds = 0;
    for (let pause = 2; ; pause = Math.min(pause * 2, maxPauseMs)) {
      rounds++;
      const { rows } = await db.raw<{ rows: Array<{ jobs: string; unstarted: string; unannounced: string }> }>(backlogSql);
      const backlog = Number(rows[0]!.jobs) + Number(rows[0]!.unstarted) + Number(rows[0]!.unannounced);
      // Twice in a row: a job completed between two reads may have made the next one.
      quiet = backlog === 0 ? quiet + 1 : 0;
      const waitedMs = performance.now() - started;
      if (quiet >= 2 || (budgetMs > 0 && backlog === 0)) return { waitedMs, rounds, backlog, settled: true };
      if (budgetMs > 0 && waitedMs >= budgetMs && backlog < highWater) return { waitedMs, rounds, backlog, settled: false };
      if (waitedMs > limitMs) return { waitedMs, rounds, backlog, settled: false };
      // A backlog of n jobs takes the system at least n times a few
      // milliseconds to work off, so reading again sooner only spends the
      // driver's and PostgreSQL's CPU (the backlog query every 2 ms did).
      if (backlog > 0) pause = Math.min(maxPauseMs, Math.max(2, backlog * msPerJob));
      // A step with a small backlog reads it at most twice more: once when
      // that backlog may be done, then at the end of its budget. In a busy
      // month nearly every step uses its whole budget, and the reads in
      // between (up to six a step) only found work still in flight.
      if (budgetMs > 0 && backlog < highWater) pause = Math.max(1, rounds === 1 ? Math.min(pause, budgetMs - waitedMs) : budgetMs - waitedMs);
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
  };
}

/** For an engine whose state cannot be read: a pause of the step's budget. */
export function settleByPause(): Settle {
  return async ({ budgetMs }) => {
    await new Promise((resolve) => setTimeout(resolve, budgetMs));
    return { waitedMs: budgetMs, rounds: 1, backlog: 0, settled: true };
  };
}
