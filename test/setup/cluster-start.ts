// tap `before`: start the test run's PostgreSQL cluster and migrate the template.
import fs from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { startEmbeddedPostgres, stopEmbeddedPostgres } from '../../platform/embedded-postgres.ts';
import { createKnex, migrateToLatest } from '../../platform/database.ts';
import { readCluster, testDataDir, writeCluster } from '../helpers/cluster.ts';

const logger = pino({ level: 'warn' });
const dataDir = path.join(testDataDir, 'postgres');

// A run that was killed leaves its cluster behind: stop it and start clean.
try {
  readCluster();
  await stopEmbeddedPostgres(dataDir).catch(() => undefined);
} catch {
  // no previous cluster
}
fs.rmSync(testDataDir, { recursive: true, force: true });

const template = 'shahrdari_template';
// Durability of the test cluster against power loss is not under test; a
// process crash still loses nothing with fsync off.
const server = await startEmbeddedPostgres({
  dataDir,
  logger,
  database: template,
  settings: { fsync: 'off', full_page_writes: 'off', max_connections: '300' },
});
const db = createKnex(server.url);
try {
  await migrateToLatest(db);
} finally {
  await db.destroy();
}
const adminUrl = server.url.replace(/\/[^/]+$/, '/postgres');
writeCluster({ dataDir, adminUrl, template });
