// bench/scale: one engine, three API processes behind a round-robin balancer
// and two workers processes on one PostgreSQL, driving a few hundred resident
// parking permits to the end — a citizen signing in, filing, paying at the
// bank's page; the clerk accepting the documents; workers booking the
// payment, issuing the permit, sending the messages — while the API and
// workers processes restart in rounds, with SIGTERM (a rolling upgrade) and
// kill -9 (a crash) (run.ts). Then it checks that nothing was lost or done
// twice (checks.ts) and prints the figures. test/scale.test.ts is the short
// version in the suite.
//
//   npx tsx bench/scale/index.ts [filings, default 300] [citizens at once, default 30]
//
// Exit code 0 when every check holds. Logs of every process are kept in the
// run folder it prints.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { createKnex, migrateToLatest } from '../../platform/database.ts';
import { startEmbeddedPostgres } from '../../platform/embedded-postgres.ts';
import { passed, report, runScale } from './run.ts';

const filings = Number(process.argv[2] ?? 300);
const concurrency = Number(process.argv[3] ?? 30);
const runDirectory = fs.mkdtempSync(path.join(os.tmpdir(), 'shahrdari-scale-'));
fs.chmodSync(runDirectory, 0o755);
const say = (line: string) => process.stdout.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);
say(`run folder ${runDirectory}; load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')} on ${os.cpus().length} cores`);

const postgres = await startEmbeddedPostgres({
  dataDir: path.join(runDirectory, 'postgres'), logger: pino({ level: 'warn' }), database: 'shahrdari', settings: { max_connections: '300' },
});
let exitCode = 1;
try {
  const db = createKnex(postgres.url);
  await migrateToLatest(db);
  await db.destroy();
  // Every process restarted at least once with each signal of its kind, however quick the citizens are.
  const result = await runScale({ databaseUrl: postgres.url, runDirectory, filings, concurrency, minimumRounds: 6, say });
  for (const line of report(result)) say(line);
  exitCode = passed(result) ? 0 : 1;
} catch (error) {
  say(`run failed: ${(error as Error).stack}`);
} finally {
  say(`load average now ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`);
  await postgres.stop();
  say(`logs kept in ${runDirectory}`);
}
process.exit(exitCode);
