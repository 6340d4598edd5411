// Whether a token still stands: its account exists, is active, and is still
// in the session epoch the token was issued in (migration
// 20261203200205_account_sessions). Checked on every signed-in request, so
// a withdrawn account, a changed role or a "sign out everywhere" takes
// effect at once rather than when tokens expire (10 h for staff).
//
// Cheaply: what an account's row says is cached in this process for at most
// `cacheMs` (2 s), one primary-key read per account per 2 s however many
// requests it makes. The cache never outlives a change by more than that:
// - the process that makes a change drops its entry at once;
// - every other API process hears of it on the `account_changed` channel
//   (a trigger notifies on commit, whatever made the change) and drops it,
//   milliseconds after the commit;
// - while a process's listening connection is down it hears nothing, so it
//   clears the whole cache when the connection comes back, and in between
//   no entry lives past `cacheMs`. That is the bound: 2 s.
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
      if (hit && Date.now() - hit.readAt < cacheMs) return hit.state;
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

/**
 * Listens on `account_changed` on a connection of its own (knex's pool would
 * hand a pooled one to someone else), calling `heard` with `kind:id` for a
 * change and null whenever it may have missed some: on (re)connecting. A
 * lost connection is opened again after a second.
 */
export function listenForAccountChanges(db: Knex, heard: (key: string | null) => void, logger: Logger): { stop(): Promise<void> } {
  const client = db.client as { acquireRawConnection(): Promise<RawClient>; destroyRawConnection(connection: RawClient): Promise<void> };
  let connection: RawClient | undefined;
  let stopped = false;
  let retry: NodeJS.Timeout | undefined;
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
      if (!stopped) logger.warn({ err: error }, 'lost the account-changes connection; opening it again');
      void client.destroyRawConnection(next).catch(() => undefined);
      again();
    };
    next.on('error', lost);
    next.on('end', lost);
    connection = next;
    try {
      await next.query(`listen ${accountChannel}`);
      heard(null);
    } catch (error) {
      lost(error as Error);
    }
  };
  const started = connect();
  return {
    async stop() {
      stopped = true;
      clearTimeout(retry);
      await started;
      const last = connection;
      connection = undefined;
      if (last) await client.destroyRawConnection(last).catch(() => undefined);
    },
  };
}

export default fp(async (app) => {
  const check = createSessionCheck(app.db);
  app.decorate('sessions', check);
  const listener = listenForAccountChanges(app.db, check.forget, app.log as unknown as Logger);
  app.addHook('onClose', () => listener.stop());
}, { name: 'sessions', dependencies: ['context'] });
