// One engine per database: a session-level advisory lock held on a dedicated
// connection. A killed engine's connection dies with it, releasing the lock.
import type { Knex } from 'knex';

const lockId = 7_201_129_0001;

export async function acquireEngineLock(db: Knex, waitMs = 15_000): Promise<() => Promise<void>> {
  const connection = await db.client.acquireConnection();
  const deadline = Date.now() + waitMs;
  try {
    for (;;) {
      const result = await connection.query('SELECT pg_try_advisory_lock($1) AS locked', [lockId]);
      if (result.rows[0].locked) break;
      if (Date.now() > deadline) throw new Error('another engine holds this database (advisory lock busy)');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  } catch (error) {
    await db.client.releaseConnection(connection);
    throw error;
  }
  return async () => {
    try {
      await connection.query('SELECT pg_advisory_unlock($1)', [lockId]);
    } finally {
      await db.client.releaseConnection(connection);
    }
  };
}
