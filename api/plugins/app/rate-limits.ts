// Counters behind every rate limit and sign-in quota, held in PostgreSQL
// (table rate_limit_hits) so that they hold however many API processes
// share the load: a limit of 10 is 10, not 10 per process. One fixed window
// per key, counted by one upsert on the database's clock; the routes'
// limits (@fastify/rate-limit, plugins/external/rate-limit.ts) and the
// quotas handlers keep (a username's failed sign-ins) both count here.
import fp from 'fastify-plugin';
import type { Knex } from 'knex';
import type { Logger } from '../../../platform/logger.ts';

declare module 'fastify' {
  interface FastifyInstance {
    rateLimits: RateLimits;
  }
}

/** Hits in the key's current window, and the milliseconds until it ends. */
export interface WindowCount { current: number; ttl: number }

// The machine's clock (the database's, one for every process): a rate limit is about the load on the machine, not the business.
const hitSql = `
insert into rate_limit_hits as counted (key, hits, window_ends_at)
     values (?, 1, now() + make_interval(secs => ? / 1000.0)) -- wall clock
on conflict (key) do update
   set hits = case when counted.window_ends_at <= now() then 1 else counted.hits + 1 end, -- wall clock
       window_ends_at = case when counted.window_ends_at <= now() then excluded.window_ends_at else counted.window_ends_at end -- wall clock
returning hits, greatest(0, ceil(extract(epoch from (window_ends_at - now())) * 1000))::bigint as ttl -- wall clock
`;

const readSql = `
select hits, greatest(0, ceil(extract(epoch from (window_ends_at - now())) * 1000))::bigint as ttl -- wall clock
  from rate_limit_hits
 where key = ? and window_ends_at > now() -- wall clock
`;

const sweepSql = `delete from rate_limit_hits where window_ends_at < now() - interval '1 minute'`; // wall clock

export function createRateLimits(db: Knex) {
  return {
    /** Counts a hit on `key` in a window of `windowMs` (a new one when the last has ended). */
    async hit(key: string, windowMs: number): Promise<WindowCount> {
      const { rows } = await db.raw<{ rows: Array<{ hits: number; ttl: string }> }>(hitSql, [key, windowMs]);
      return { current: rows[0]!.hits, ttl: Number(rows[0]!.ttl) };
    },

    /** The hits on `key` in its current window, without counting one. */
    async read(key: string): Promise<WindowCount> {
      const { rows } = await db.raw<{ rows: Array<{ hits: number; ttl: string }> }>(readSql, [key]);
      return rows[0] ? { current: rows[0].hits, ttl: Number(rows[0].ttl) } : { current: 0, ttl: 0 };
    },

    /** Drops counters whose window ended a while ago; any process may, as often as it likes. */
    async sweep(): Promise<number> {
      const { rowCount } = await db.raw<{ rowCount: number }>(sweepSql);
      return rowCount;
    },
  };
}

export type RateLimits = ReturnType<typeof createRateLimits>;

/** How often each API process sweeps ended windows away. */
const SWEEP_MS = 5 * 60_000;

export default fp(async (app) => {
  const limits = createRateLimits(app.db);
  app.decorate('rateLimits', limits);
  const log = app.log as unknown as Logger;
  const timer = setInterval(() => {
    limits.sweep().catch((error: unknown) => log.warn({ err: error }, 'sweeping rate-limit counters failed'));
  }, SWEEP_MS);
  timer.unref();
  app.addHook('onClose', async () => clearInterval(timer));
}, { name: 'rate-limits', dependencies: ['context'] });
