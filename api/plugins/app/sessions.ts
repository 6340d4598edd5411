// Whether a token still stands: its account exists, is active, and is still
// in the session epoch the token was issued in (migration
// 20261203200205_account_sessions). Checked on every signed-in request, so
// a withdrawn account, a changed role or a "sign out everywhere" takes
// effect at once rather than when tokens expire (10 h for staff).
//
// Cheaply: what an account's row says is cached in this process, one
// primary-key read per account for as long as nothing changes it. The cache
// never outlives a change by more than `cacheMs` (2 s):
// - the process that makes a change drops its entry at once;
// - every other API process hears of it on the `account_changed` channel
//   (a trigger notifies on commit, whatever made the change) and drops it,
//   milliseconds after the commit;
// - the listening connection is pinged every second. PostgreSQL sends a
//   listener the notifications committed before a query ahead of that
//   query's answer, so once a ping sent at time S is answered, every change
//   committed before S has been heard. An entry is trusted only while the
//   last answered ping was sent less than `cacheMs` ago; when the connection
//   is down or silently stuck, entries fall back to living `cacheMs` from
//   their read, and the whole cache is cleared when the connection is lost
//   and again when it comes back. That is the bound: 2 s.
// An unknown account is never trusted past `cacheMs` from its read: no
// trigger announces an account being created.
import fp from 'fastify-plugin';
import type { Knex } from 'knex';
import type { Logger } from '../../../platform/logger.ts';

export type AccountKind = 'citizen' | 'staff';

/** What a token is checked against. */
export interface AccountState { epoch: number; active: boolean }

export const accountChannel = 'account_changed';
const accountKey = (kind: AccountKind, id: string) => `${kind}:${id}`;

declare module 'fastify' {
  interface FastifyInstance {
    sessions: SessionCheck;
  }
}

export function createSessionCheck(db: Knex, options: { cacheMs?: number; capacity?: number } = {}) {
  const cacheMs = options.cacheMs ?? 2_000;
  const capacity = options.capacity ?? 50_000;
  const cached = new Map<string, { state: AccountState | null; readAt: number }>();
  /** When the last answered ping of the listening connection was sent: every change committed before it has been heard. */
  let heardAllBefore = -Infinity;
  /** Reads in flight, so a burst of requests for one account costs one read. */
  const reading = new Map<string, Promise<AccountState | null>>();

  async function read(kind: AccountKind, id: string): Promise<AccountState | null> {
    if (kind === 'staff') {
      const row = await db('staff').where({ id }).first('session_epoch', 'active');
      return row ? { epoch: row.session_epoch, active: row.active } : null;
    }
    const row = await db('citizens').where({ id }).first('session_epoch');
    return row ? { epoch: row.session_epoch, active: true } : null;
  }

  const check = {
    /** The account's current state (null when there is no such account), at most `cacheMs` old. */
    async state(kind: AccountKind, id: string): Promise<AccountState | null> {
      const key = accountKey(kind, id);
      const hit = cached.get(key);
      // wall clock: a cache's lifetime
      const now = Date.now();
      if (hit && (now - hit.readAt < cacheMs || (hit.state !== null && now - heardAllBefore < cacheMs))) return hit.state;
      let pending = reading.get(key);
      if (!pending) {
        const started = read(kind, id);
        pending = started;
        reading.set(key, started);
        started.then((state) => {
          // Kept only if no change was heard while it was read: a read that raced a change may be stale.
          if (reading.get(key) !== started) return;
          reading.delete(key);
          cached.delete(key);
          if (cached.size >= capacity) cached.delete(cached.keys().next().value!);
          // wall clock: a cache's lifetime
          cached.set(key, { state, readAt: Date.now() });
        }, () => {
          if (reading.get(key) === started) reading.delete(key);
        });
      }
      return pending;
    },

    /** Whether a token of epoch `epoch` for this account still stands. */
    async stands(kind: AccountKind, id: string, epoch: number): Promise<boolean> {
      const state = await check.state(kind, id);
      return state !== null && state.active && state.epoch === epoch;
    },

    /** Forget what is cached about one account (`kind:id`), or about all of them (null). */
    forget(key: string | null): void {
      if (key === null) {
        cached.clear();
        reading.clear();
      } else {
        cached.delete(key);
        reading.delete(key);
      }
    },

    /**
     * The listening connection answered a ping sent at `sentAt` (every change
     * committed before then has been heard), or (null) it is lost: from now
     * on entries live only `cacheMs` from their read.
     */
    confirm(sentAt: number | null): void {
      heardAllBefore = sentAt ?? -Infinity;
    },

    /** Ends every session of the account: each token issued so far stops working. */
    async endSessions(kind: AccountKind, id: string): Promise<boolean> {
      const updated = await db(kind === 'staff' ? 'staff' : 'citizens').where({ id }).increment('session_epoch', 1);
      check.forget(accountKey(kind, id));
      return updated > 0;
    },
  };
  return check;
}

export type SessionCheck = ReturnType<typeof createSessionCheck>;

interface RawClient {
  query(text: string): Promise<unknown>;
  on(event: 'notification', listener: (message: { channel: string; payload?: string }) => void): void;
  on(event: 'error' | 'end', listener: (error?: Error) => void): void;
}

/** How often the listening connection is pinged, and how long an unanswered ping may take before the connection counts as lost. */
const PING_MS = 1_000;
const PING_TIMEOUT_MS = 10_000;

/**
 * Listens on `account_changed` on a connection of its own (knex's pool would
 * hand a pooled one to someone else), calling `heard` with `kind:id` for a
 * change and null whenever it may have missed some: on (re)connecting and on
 * losing the connection. Pings it every second and tells `confirmed` when
 * each ping was sent once it is answered (null when the connection is lost).
 * A lost connection is opened again after a second.
 */
export function listenForAccountChanges(
  db: Knex, heard: (key: string | null) => void, logger: Logger, options: { confirmed?: (sentAt: number | null) => void; pingMs?: number } = {},
): { stop(): Promise<void> } {
  const client = db.client as { acquireRawConnection(): Promise<RawClient>; destroyRawConnection(connection: RawClient): Promise<void> };
  const pingMs = options.pingMs ?? PING_MS;
  let connection: RawClient | undefined;
  let stopped = false;
  let retry: NodeJS.Timeout | undefined;
  let pinger: NodeJS.Timeout | undefined;
  const again = () => {
    if (!stopped && !retry) retry = setTimeout(() => { retry = undefined; void connect(); }, 1_000);
  };
  const connect = async (): Promise<void> => {
    let next: RawClient;
    try {
      next = await client.acquireRawConnection();
    } catch (error) {
      logger.warn({ err: error }, 'cannot listen for account changes; trying again');
      return again();
    }
    if (stopped) return void client.destroyRawConnection(next).catch(() => undefined);
    next.on('notification', (message) => {
      if (message.channel === accountChannel) heard(message.payload ?? null);
    });
    const lost = (error?: Error) => {
      if (connection !== next) return;
      connection = undefined;
      clearInterval(pinger);
      options.confirmed?.(null);
      heard(null);
      if (!stopped) logger.warn({ err: error }, 'lost the account-changes connection; opening it again');
      void client.destroyRawConnection(next).catch(() => undefined);
      again();
    };
    next.on('error', lost);
    next.on('end', lost);
    connection = next;
    // wall clock: when a ping was sent, against the cache's lifetime
    const listenSentAt = Date.now();
    try {
      await next.query(`listen ${accountChannel}`);
    } catch (error) {
      return lost(error as Error);
    }
    if (connection !== next) return;
    heard(null);
    options.confirmed?.(listenSentAt);
    let pingSentAt: number | null = null;
    clearInterval(pinger);
    pinger = setInterval(() => {
      // wall clock: when a ping was sent, against the cache's lifetime
      const now = Date.now();
      if (pingSentAt !== null) {
        if (now - pingSentAt > PING_TIMEOUT_MS) lost(new Error(`a ping went unanswered for ${PING_TIMEOUT_MS} ms`));
        return;
      }
      const sentAt = now;
      pingSentAt = sentAt;
      next.query('select 1').then(() => {
        pingSentAt = null;
        if (connection === next) options.confirmed?.(sentAt);
      }, (error: Error) => lost(error));
    }, pingMs);
    pinger.unref();
  };
  const started = connect();
  return {
    async stop() {
      stopped = true;
      clearTimeout(retry);
      clearInterval(pinger);
      await started;
      clearInterval(pinger);
      const last = connection;
      connection = undefined;
      if (last) await client.destroyRawConnection(last).catch(() => undefined);
    },
  };
}

export default fp(async (app) => {
  const check = createSessionCheck(app.db);
  app.decorate('sessions', check);
  const listener = listenForAccountChanges(app.db, check.forget, app.log as unknown as Logger, { confirmed: check.confirm });
  app.addHook('onClose', () => listener.stop());
}, { name: 'sessions', dependencies: ['context'] });
