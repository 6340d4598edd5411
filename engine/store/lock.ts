// One engine per database, and fencing: a session-level advisory lock held on
// a dedicated connection, and every commit made on that same connection. If
// the connection dies (the engine's process killed, PostgreSQL restarted, the
// backend terminated), the lock goes with it — and so does the only way this
// engine writes, so a second engine taking over can never be overwritten by
// the first. A lost connection is reported to `lost`: the engine must stop.
import type { Knex } from 'knex';

const lockId = 7_201_129_0001;

export interface LockedConnection {
  /** Runs a statement on the connection holding the lock. */
  query(text: string, values?: unknown[]): Promise<{ rows: Array<Record<string, unknown>> }>;
  /** The backend's process id (pg_backend_pid), e.g. for diagnostics. */
  backendPid: number;
  /** Called once when the connection is lost. */
  onLost(listener: (error: Error) => void): void;
  /** Releases the lock and gives the connection back (or closes it when it is broken). */
  release(): Promise<void>;
}

type PgConnection = {
  query(text: string, values?: unknown[]): Promise<{ rows: Array<Record<string, unknown>> }>;
  on(event: 'error' | 'end', listener: (error?: Error) => void): void;
  removeListener(event: 'error' | 'end', listener: (error?: Error) => void): void;
  end(): Promise<void>;
};

export async function acquireEngineLock(db: Knex, waitMs = 15_000): Promise<LockedConnection> {
  const connection = await db.client.acquireConnection() as PgConnection;
  const deadline = Date.now() + waitMs;
  let backendPid = 0;
  try {
    for (;;) {
      const result = await connection.query('SELECT pg_try_advisory_lock($1) AS locked, pg_backend_pid() AS pid', [lockId]);
      if (result.rows[0]!.locked) {
        backendPid = Number(result.rows[0]!.pid);
        break;
      }
      if (Date.now() > deadline) throw new Error('another engine holds this database (advisory lock busy)');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  } catch (error) {
    await db.client.releaseConnection(connection);
    throw error;
  }
  let lost: Error | null = null;
  const listeners: Array<(error: Error) => void> = [];
  const onBroken = (error?: Error) => {
    if (lost) return;
    lost = error ?? new Error('the database connection holding the engine lock ended');
    for (const listener of listeners) listener(lost);
  };
  connection.on('error', onBroken);
  connection.on('end', onBroken);
  let released: Promise<void> | null = null;
  return {
    backendPid,
    query: (text, values) => connection.query(text, values),
    onLost(listener) {
      listeners.push(listener);
      if (lost) listener(lost);
    },
    release() {
      released ??= (async () => {
        connection.removeListener('error', onBroken);
        connection.removeListener('end', onBroken);
        // A lost connection cannot unlock; closing a healthy one would too, but it goes back to the pool.
        if (!lost) {
          try {
            await connection.query('SELECT pg_advisory_unlock($1)', [lockId]);
          } catch {
            await connection.end().catch(() => undefined);
          }
        }
        await db.client.releaseConnection(connection);
      })();
      return released;
    },
  };
}
