// tap `before`: start the test run's PostgreSQL cluster and migrate the template.
import fs from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { startEmbeddedPostgres, stopEmbeddedPostgres } from '../../platform/embedded-postgres.ts';
import { createKnex, migrateToLatest } from '../../platform/database.ts';
import { abandonedRuns, runDir, writeCluster } from '../helpers/cluster.ts';
import { ensureBundle as ensureModelerBundle } from '../../modeler/build.ts';
import { ensureBundle as ensurePortalBundle } from '../../portal/build.ts';

const logger = pino({ level: 'warn' });

// A killed run leaves its cluster running: stop it and free the disk.
for (const folder of abandonedRuns()) {
  await stopEmbeddedPostgres(path.join(folder, 'postgres')).catch(() => undefined);
  fs.rmSync(folder, { recursive: true, force: true });
}

const dataDir = path.join(runDir, 'postgres');
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
} catch (error) {
  await db.destroy();
  await server.stop();
  throw error;
}
await db.destroy();
const adminUrl = server.url.replace(/\/[^/]+$/, '/postgres');
writeCluster({ dataDir, adminUrl, template });

// Build the browser bundles once here rather than in every test file that
// builds the app (each would otherwise race to rebuild them).
await ensureModelerBundle();
await ensurePortalBundle();
