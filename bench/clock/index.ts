// The business clock's cost in normal running: `npx tsx bench/clock/index.ts`.
// Side by side in one run on a fresh embedded PostgreSQL: JavaScript's
// `new Date()` against `clock.now()`, and in SQL `now()` against
// `clock_now()` — as a value read a million times inside one statement (the
// server's cost, no round trips) and as the default of 200,000 inserted rows.
// Then the same with a simulation's offset set, for comparison.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { clock, setSharedClock } from '../../platform/clock.ts';
import { createKnex, migrateToLatest } from '../../platform/database.ts';
import { startEmbeddedPostgres } from '../../platform/embedded-postgres.ts';

const logger = pino({ level: 'warn' });
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'clock-bench-'));
fs.chmodSync(dataDir, 0o777);
const server = await startEmbeddedPostgres({ dataDir: path.join(dataDir, 'pg'), logger, database: 'bench' });
const db = createKnex(server.url, { max: 1 });
try {
  await migrateToLatest(db);

  const js = (label: string, read: () => unknown) => {
    const n = 5_000_000;
    let sink = 0;
    const start = process.hrtime.bigint();
    for (let i = 0; i < n; i++) sink += (read() as Date).getTime() & 1;
    const ns = Number(process.hrtime.bigint() - start) / n;
    return { label, nsPerRead: ns, sink };
  };
  /** Best of five: the least disturbed run on a shared machine. */
  const best = async (run: () => Promise<void>) => {
    let fastest = Infinity;
    for (let i = 0; i < 5; i++) {
      const start = process.hrtime.bigint();
      await run();
      fastest = Math.min(fastest, Number(process.hrtime.bigint() - start) / 1e6);
    }
    return fastest;
  };
  const sqlRead = (expression: string) => best(async () => {
    await db.raw(`select count(distinct x) from (select ${expression} as x from generate_series(1, 1000000)) s`);
  });
  await db.raw('create table bench_now (id serial primary key, at timestamptz not null default now())');
  await db.raw('create table bench_clock (id serial primary key, at timestamptz not null default clock_now())');
  const sqlInsert = (table: string) => best(async () => {
    await db.raw(`insert into ${table} (id) select g from generate_series(1, 200000) g`);
    await db.raw(`truncate ${table}`);
  });

  const report = async (heading: string) => {
    const date = js('new Date()', () => new Date());
    const business = js('clock.now()', () => clock.now());
    const nowRead = await sqlRead('now()');
    const clockRead = await sqlRead('clock_now()');
    const nowInsert = await sqlInsert('bench_now');
    const clockInsert = await sqlInsert('bench_clock');
    console.log(`\n${heading}`);
    console.log(`  JavaScript, per read:         new Date() ${date.nsPerRead.toFixed(1)} ns   clock.now() ${business.nsPerRead.toFixed(1)} ns   ratio ${(business.nsPerRead / date.nsPerRead).toFixed(2)}`);
    console.log(`  SQL, 1,000,000 reads:         now() ${nowRead.toFixed(1)} ms   clock_now() ${clockRead.toFixed(1)} ms   ratio ${(clockRead / nowRead).toFixed(2)}`);
    console.log(`  SQL, 200,000 rows' default:   now() ${nowInsert.toFixed(1)} ms   clock_now() ${clockInsert.toFixed(1)} ms   ratio ${(clockInsert / nowInsert).toFixed(2)}`);
  };
  await report('Normal running (no offset):');
  await setSharedClock(db, Date.now() + 30 * 86_400_000);
  await report('During a simulation (offset 30 days):');
} finally {
  await db.destroy();
  await server.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
}
