// One embedded PostgreSQL cluster per test run: tap's `before` script starts it
// and migrates a template database; each test file clones the template.
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';

export const testDataDir = fileURLToPath(new URL('../../.data/test', import.meta.url));
const clusterFile = `${testDataDir}/cluster.json`;

export interface TestCluster {
  /** Data folder of the cluster, for stopping it. */
  dataDir: string;
  /** URL of the maintenance database. */
  adminUrl: string;
  /** Migrated database each test database is copied from. */
  template: string;
}

export function writeCluster(cluster: TestCluster): void {
  fs.mkdirSync(testDataDir, { recursive: true });
  fs.writeFileSync(clusterFile, JSON.stringify(cluster));
}

export function readCluster(): TestCluster {
  if (!fs.existsSync(clusterFile)) {
    throw new Error('no test PostgreSQL cluster: run the tests with `npm test` (or `npx tap`), which starts it');
  }
  return JSON.parse(fs.readFileSync(clusterFile, 'utf8')) as TestCluster;
}

export function forgetCluster(): void {
  fs.rmSync(clusterFile, { force: true });
}
