// tap `after`: stop the test run's PostgreSQL cluster and remove its data.
import fs from 'node:fs';
import { stopEmbeddedPostgres } from '../../platform/embedded-postgres.ts';
import { readCluster, runDir } from '../helpers/cluster.ts';

const cluster = readCluster();
await stopEmbeddedPostgres(cluster.dataDir);
fs.rmSync(runDir, { recursive: true, force: true });
