// A fresh migrated database for one test file, copied from the run's template
// (about 20 ms) and dropped when the test ends.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Knex } from 'knex';
import { createKnex } from '../../platform/database.ts';
import { readCluster } from './cluster.ts';

interface Teardown { teardown(fn: () => unknown): void }

async function admin<T>(run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: readCluster().adminUrl });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

/** Creates an empty-but-migrated database and returns its URL; dropped at teardown. */
export async function createTestDatabaseUrl(t: Teardown): Promise<string> {
  const cluster = readCluster();
  const name = `test_${randomBytes(6).toString('hex')}`;
  await admin((client) => client.query(`CREATE DATABASE ${name} TEMPLATE ${cluster.template}`));
  t.teardown(() => admin((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)));
  return cluster.adminUrl.replace(/\/postgres$/, `/${name}`);
}

/** A knex instance on a fresh migrated database, destroyed and dropped at teardown. */
export async function createTestDatabase(t: Teardown): Promise<Knex> {
  const url = await createTestDatabaseUrl(t);
  const db = createKnex(url);
  // Teardowns run in reverse order: the pool closes before the database is dropped.
  t.teardown(() => db.destroy());
  return db;
}
