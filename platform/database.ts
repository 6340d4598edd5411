// Database access: one knex instance per process, the migrations, and the
// choice between the configured PostgreSQL and the embedded one.
import knex, { type Knex } from 'knex';
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from './config.ts';
import type { Logger } from './logger.ts';
import { startEmbeddedPostgres } from './embedded-postgres.ts';
import { importSourceModule, sourcePath } from './paths.ts';

export type { Knex };

export const migrationsDirectory = sourcePath(import.meta.url, '../migrations');

/**
 * migrations/*.ts, named as knex_migrations records them (with `.ts`) and
 * loaded from the sources under tsx or from build/ in a built checkout.
 */
const migrationSource: Knex.MigrationSource<string> = {
  getMigrations: async () => fs.readdirSync(migrationsDirectory).filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts')).sort(),
  getMigrationName: (name) => name,
  getMigration: (name) => importSourceModule<Knex.Migration>(path.join(migrationsDirectory, name)),
};

export interface Database {
  url: string;
  /** Whether this process started the server (and stops it on close). */
  embedded: boolean;
  close(): Promise<void>;
}

/** Uses DATABASE_URL when set; otherwise starts embedded PostgreSQL under DATA_DIR. */
export async function openDatabase(config: Config, logger: Logger): Promise<Database> {
  if (config.DATABASE_URL) {
    return { url: config.DATABASE_URL, embedded: false, close: async () => undefined };
  }
  const server = await startEmbeddedPostgres({
    dataDir: path.join(config.dataDir, 'postgres'),
    logger: logger.child({ component: 'postgres' }),
  });
  return { url: server.url, embedded: true, close: server.stop };
}

export function createKnex(url: string, pool: { min?: number; max?: number } = {}): Knex {
  return knex({
    client: 'pg',
    connection: url,
    pool: { min: pool.min ?? 0, max: pool.max ?? 10 },
    migrations: { migrationSource, tableName: 'knex_migrations' },
  });
}

export async function migrateToLatest(db: Knex, logger?: Logger): Promise<void> {
  const [batch, applied] = (await db.migrate.latest()) as [number, string[]];
  if (applied.length > 0) logger?.info({ batch, applied }, 'applied migrations');
}
