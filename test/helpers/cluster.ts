// One embedded PostgreSQL cluster per test run: tap's `before` script starts it
// and migrates a template database; each test file clones the template.
//
// Runs may overlap (two engineers, or CI beside a developer), so each run has
// its own folder, named after the tap process that spawned both the `before`
// script and every test file: their shared parent pid.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isAlive } from '../../platform/process-alive.ts';

export const testDataDir = fileURLToPath(new URL('../../.data/test', import.meta.url));
const runId = Number(process.env.SHAHRDARI_TEST_RUN ?? process.ppid);
export const runDir = path.join(testDataDir, `run-${runId}`);
const clusterFile = path.join(runDir, 'cluster.json');

export interface TestCluster {
  /** Data folder of the cluster, for stopping it. */
  dataDir: string;
  /** URL of the maintenance database. */
  adminUrl: string;
  /** Migrated database each test database is copied from. */
  template: string;
}

export function writeCluster(cluster: TestCluster): void {
  fs.mkdirSync(runDir, { recursive: true });
  fs.writeFileSync(clusterFile, JSON.stringify(cluster));
}

export function readCluster(): TestCluster {
  if (!fs.existsSync(clusterFile)) {
    throw new Error('no test PostgreSQL cluster for this run: run the tests with `npm test` (or `npx tap`), which starts it');
  }
  return JSON.parse(fs.readFileSync(clusterFile, 'utf8')) as TestCluster;
}

/** Folders of earlier runs whose tap process is gone (killed runs leave them). */
export function abandonedRuns(): string[] {
  if (!fs.existsSync(testDataDir)) return [];
  return fs.readdirSync(testDataDir)
    .filter((name) => /^run-\d+$/.test(name))
    .filter((name) => !isAlive(Number(name.slice(4))))
    .map((name) => path.join(testDataDir, name));
}
