// Named prepared statements for the hottest queries. knex has no prepared
// statements; this borrows a connection from its pool and names the
// statement, so PostgreSQL plans it once per connection instead of on every
// call (for the request status query, planning cost three times what running
// it did). Behind PgBouncer in transaction mode this needs PgBouncer 1.21 or
// later.
import type { Knex } from 'knex';

/** `?` placeholders as PostgreSQL numbers them ($1, $2, …). */
export const numbered = (sql: string) => {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
};

interface PgConnection { query(config: { name: string; text: string; values: unknown[] }): Promise<{ rows: unknown[] }> }

/** Runs `text` (with $n placeholders, see `numbered`) as the prepared statement `name` on a pooled connection. */
export async function prepared<T>(db: Knex, name: string, text: string, values: unknown[]): Promise<T[]> {
  const pool = db.client as { acquireConnection(): Promise<PgConnection>; releaseConnection(connection: PgConnection): Promise<void> };
  const connection = await pool.acquireConnection();
  try {
    return (await connection.query({ name, text, values })).rows as T[];
  } finally {
    await pool.releaseConnection(connection);
  }
}

/** A timestamp as JSON would have it (Date#toISOString: UTC, milliseconds), formatted by PostgreSQL so no Date is built per row. */
export const isoTimestamp = (column: string) => `to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
