// The business clock: the time the platform's rules are about — when a
// request was filed, assigned and closed, SLA due dates, payment windows,
// appointment days, reminders, figures periods. Normally it is the machine's
// clock. A simulation (`npm run simulate`) runs it ahead of the machine's
// clock, together with the engine's clock, so that a month of timers fires in
// minutes; every API and worker process started with CLOCK=shared follows the
// offset the simulation keeps in PostgreSQL.
//
// The machine's clock stays for what is about the machine rather than the
// business: token and sign-in code lifetimes, rate limits, start leases,
// caches, sweep intervals, durations in logs. A line in api/, workers/ or domain/ that
// reads the machine's clock says so with a `wall clock` comment
// (test/platform/clock.test.ts checks it).
//
// In SQL the business clock is `clock_now()` (migrations
// 20261203191500_business_clock and 20261203230000_business_clock_offset).
// Normally its body is `select now()`, which the planner inlines, so normal
// running costs nothing (bench/clock measures it). A simulation switches it
// once to add the offset kept in the `business_clock` row, then moves the
// clock by updating that row and notifying the followers in one transaction;
// putting the clock back switches the function back.
import pg from 'pg';
import type { Knex } from 'knex';
import type { Logger } from './logger.ts';

/** The channel a new offset is announced on (payload: the offset in milliseconds). */
export const clockChannel = 'business_clock';

let offsetMs = 0;
/** Whether this process runs on a simulation's shared clock (CLOCK=shared). */
let simulated = false;
const listeners = new Set<(offsetMs: number) => void>();

/** Takes a new offset in this process and tells whoever listens (the engine's clock follows this way). */
function take(offset: number): void {
  offsetMs = offset;
  for (const listener of listeners) listener(offset);
}

export const clock = {
  /** The business time now. */
  now(): Date {
    return new Date(Date.now() + offsetMs);
  },
  /** The business time now, in epoch milliseconds. */
  ms(): number {
    return Date.now() + offsetMs;
  },
  /** How far the business clock runs ahead of the machine's, in milliseconds (0 normally). */
  offsetMs(): number {
    return offsetMs;
  },
  /**
   * A job timeout as the engine should measure it. The engine's clock is the
   * business clock, so under a simulation — where it runs many times faster
   * than the machine's — a few seconds of patience for a worker become a day,
   * or every job would time out under the clock's next step.
   */
  jobTimeout(ms: number): number {
    return simulated ? Math.max(ms, 86_400_000) : ms;
  },
  /** Marks this process as running on a simulation's shared clock; before workers start. */
  runShared(): void {
    simulated = true;
  },
  /** Calls `listener` with every offset this process takes from now on; returns the way to stop. */
  onChange(listener: (offsetMs: number) => void): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
};

/** The business time in SQL, for knex values: `update(... { closed_at: clockNow(trx) })`. */
export const clockNow = (db: Knex) => db.raw('clock_now()');

const systemBody = 'select now()';
const sharedBody = `select now() + (select offset_ms from business_clock) * interval '1 millisecond'`;
/** Databases this process switched clock_now() to the offset row in. */
const switchedDatabases = new WeakSet<Knex>();
const defineClock = (body: string) =>
  `create or replace function clock_now() returns timestamptz language sql stable parallel safe as $body$ ${body} $body$`;

/** The offset PostgreSQL holds now. */
export async function readSharedOffset(db: Knex): Promise<number> {
  const { rows } = await db.raw<{ rows: Array<{ offset: string }> }>(
    `select round(extract(epoch from (clock_now() - now())) * 1000)::bigint::text as "offset"`);
  return Number(rows[0]!.offset);
}

/**
 * Sets the shared business clock so that it reads `atMs` now (null puts it
 * back on the machine's clock), and announces it to every follower. The
 * calling process follows at once. The engine's clock is not set here: the
 * caller pins it too (simulation/driver.ts).
 */
export async function setSharedClock(db: Knex, atMs: number | null): Promise<number> {
  const offset = atMs === null ? 0 : Math.round(atMs - Date.now());
  if (!Number.isSafeInteger(offset)) throw new RangeError(`clock offset ${offset} is not a whole number of milliseconds`);
  if (atMs !== null && !switchedDatabases.has(db)) {
    await db.raw(defineClock(sharedBody));
    switchedDatabases.add(db);
  }
  // One round trip: a simulation moves the clock thousands of times. A lost offset after a database
  // crash is set again by whoever sets clocks, so the commit need not wait for the disk.
  await db.raw(`begin; set local synchronous_commit to off; update business_clock set offset_ms = ${offset};
    select pg_notify('${clockChannel}', '${offset}'); commit;`);
  if (atMs === null) {
    await db.raw(defineClock(systemBody));
    switchedDatabases.delete(db);
  }
  take(offset);
  return offset;
}

export interface ClockFollower {
  /** Resolves once the current offset has been read. */
  ready: Promise<void>;
  stop(): Promise<void>;
}

/**
 * Follows the shared business clock of the database at `url`: reads the
 * offset, then listens for changes on its own connection (a pooled one may be
 * handed to someone else between notifications). A lost connection is opened
 * again and the offset read again, so a change made meanwhile is not missed.
 */
export function followSharedClock(options: { url: string; logger: Logger }): ClockFollower {
  const { url, logger } = options;
  let client: pg.Client | undefined;
  let stopped = false;
  let retry: NodeJS.Timeout | undefined;
  const heard = (offset: number) => {
    if (!Number.isSafeInteger(offset)) return;
    if (offset !== offsetMs) logger.debug({ offsetMs: offset }, 'business clock moved');
    take(offset);
  };
  const connect = async (): Promise<void> => {
    const next = new pg.Client({ connectionString: url });
    next.on('notification', (message) => {
      if (message.channel === clockChannel) heard(Number(message.payload));
    });
    next.on('error', (error) => {
      logger.warn({ err: error }, 'lost the business clock connection; opening it again');
      void next.end().catch(() => undefined);
      if (client === next) client = undefined;
      if (!stopped) retry = setTimeout(() => void connect().catch(() => undefined), 1_000);
    });
    await next.connect();
    if (stopped) {
      await next.end();
      return;
    }
    client = next;
    await next.query(`listen ${clockChannel}`);
    const { rows } = await next.query(`select round(extract(epoch from (clock_now() - now())) * 1000)::bigint::text as "offset"`);
    heard(Number(rows[0].offset));
  };
  const ready = connect();
  return {
    ready,
    async stop() {
      stopped = true;
      clearTimeout(retry);
      await ready.catch(() => undefined);
      await client?.end().catch(() => undefined);
      client = undefined;
    },
  };
}
