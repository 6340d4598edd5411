// The business clock (platform/clock.ts): one offset, kept in PostgreSQL,
// that SQL defaults, SQL comparisons and every following process read alike;
// without an offset it is the machine's clock and costs nothing.
import t from 'tap';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import pino from 'pino';
import { clock, clockChannel, followSharedClock, readSharedOffset, setSharedClock } from '../../platform/clock.ts';
import type { Logger } from '../../platform/logger.ts';
import { businessTimeColumns } from '../../migrations/20261203191500_business_clock.ts';
import { createTestDatabase, createTestDatabaseUrl } from '../helpers/database.ts';
import { eventually } from '../helpers/eventually.ts';
import { createKnex } from '../../platform/database.ts';

const logger = pino({ level: 'silent' }) as Logger;
const day = 86_400_000;

t.test('setting the clock moves SQL and this process together, and reset puts both back', async (t) => {
  const db = await createTestDatabase(t);
  t.equal(await readSharedOffset(db), 0, 'a fresh database runs on the machine\'s clock');
  const target = Date.UTC(2027, 2, 21, 6, 0, 0);
  await setSharedClock(db, target);
  t.ok(Math.abs(clock.ms() - target) < 1_000, 'this process reads the new time');
  const { rows } = await db.raw('select extract(epoch from clock_now()) * 1000 as at');
  t.ok(Math.abs(Number(rows[0].at) - target) < 1_000, 'and so does SQL');

  const [citizen] = await db('citizens').insert({ national_code: '0013542419', mobile: '09121234567' }).returning('id');
  const [request] = await db('requests')
    .insert({ tracking_code: '1000000001', service_id: 'tree-pruning', district_id: 12, channel: 'portal', citizen_id: citizen.id })
    .returning(['created_at', 'updated_at']);
  t.ok(Math.abs(request.created_at.getTime() - target) < 1_000, 'a row filed now carries the business time by default');

  await setSharedClock(db, null);
  t.equal(await readSharedOffset(db), 0);
  t.equal(clock.offsetMs(), 0);
  const plan = await db.raw('explain (verbose, costs off) select clock_now()');
  t.match(plan.rows.map((row: Record<string, string>) => row['QUERY PLAN']).join('\n'), /Output: now\(\)/, 'reset, the planner inlines it to now()');
});

t.test('a follower takes every offset announced, and reads it again after losing its connection', async (t) => {
  const url = await createTestDatabaseUrl(t);
  const db = createKnex(url);
  t.teardown(() => db.destroy());
  const follower = followSharedClock({ url, logger });
  t.teardown(() => follower.stop());
  await follower.ready;
  const heard: number[] = [];
  const unsubscribe = clock.onChange((offset) => heard.push(offset));
  t.teardown(unsubscribe);

  // Another process sets the clock: redefines the function and notifies.
  const other = new pg.Client({ connectionString: url });
  await other.connect();
  t.teardown(() => other.end());
  await other.query('begin');
  await other.query(`create or replace function clock_now() returns timestamptz language sql stable as $$ select now() + interval '${3 * day} milliseconds' $$`);
  await other.query('select pg_notify($1, $2)', [clockChannel, String(3 * day)]);
  await other.query('commit');
  await eventually('the follower to hear the new offset', () => clock.offsetMs() === 3 * day, { timeoutMs: 5_000, intervalMs: 20 });
  t.same(heard, [3 * day], 'the listener heard it once');

  // The listening connection dies; meanwhile the clock moves; the follower reads it when back.
  await other.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()');
  await other.query(`create or replace function clock_now() returns timestamptz language sql stable as $$ select now() + interval '${5 * day} milliseconds' $$`);
  await eventually('the follower to catch up after reconnecting', () => clock.offsetMs() === 5 * day, { timeoutMs: 10_000, intervalMs: 20 });
  t.equal(clock.offsetMs(), 5 * day, 'caught up after reconnecting');
});

t.test('request timestamps default to the business clock; only accounts, codes and admin records keep now()', async (t) => {
  const db = await createTestDatabase(t);
  const { rows } = await db.raw<{ rows: Array<{ table: string; column: string; expression: string }> }>(`
    select c.relname as table, a.attname as column, pg_get_expr(d.adbin, d.adrelid) as expression
      from pg_attrdef d join pg_class c on c.oid = d.adrelid join pg_attribute a on a.attrelid = d.adrelid and a.attnum = d.adnum
      join pg_namespace n on n.oid = c.relnamespace
     where n.nspname = 'public' and c.relname not like 'engine\\_%' and c.relname not like 'knex\\_%'`);
  const wallClock = new Set([
    'staff.created_at', 'sign_in_codes.created_at', 'district_services.changed_at', 'process_versions.saved_at',
    'form_versions.saved_at', 'open311_clients.created_at', 'simulation_reports.created_at',
    // When an API process first served a catalogue: a deployment record, compared with district_services.changed_at.
    'open311_catalogue_versions.first_served_at',
  ]);
  const onNow = rows.filter((row) => /CURRENT_TIMESTAMP|(?<!clock_)now\(\)/i.test(row.expression)).map((row) => `${row.table}.${row.column}`).sort();
  t.same(onNow, [...wallClock].sort(), 'a new timestamp column of a request\'s life defaults to clock_now(), or is added here with its reason');
  for (const [table, columns] of Object.entries(businessTimeColumns)) {
    for (const column of columns) t.ok(rows.some((row) => row.table === table && row.column === column && row.expression === 'clock_now()'), `${table}.${column}`);
  }
});

/**
 * Files whose every clock read is about the machine: sign-in codes and the
 * token cache (security), an admin's switch, API keys, a cache's lifetime.
 */
const wallClockFiles = new Set([
  'api/plugins/app/auth.ts', 'domain/catalogue/service-catalogue.ts', 'api/plugins/app/open311-clients.ts', 'domain/user-tasks/definitions.ts',
]);

t.test('api/, workers/ and domain/ read the business clock, or say why not', async (t) => {
  const root = path.resolve(import.meta.dirname, '../..');
  const jsReads = /new Date\(\)|Date\.now\(\)|DateTime\.(now|local)\(\)|\.fn\.now\(\)/;
  // SQL's clocks; a line that corrects one with clock_now() is on the business clock. A file with its
  // own `now` (an injected business clock) is read for the JavaScript ones only.
  const sqlNow = /(?<![\w.])(now\(\)|clock_timestamp\(\)|current_timestamp|localtimestamp|current_date)/i;
  const localNow = /\bnow\s*[=:]|\{[^}]*\bnow\b[^}]*\}\s*=/;
  const offenders: string[] = [];
  for (const folder of ['api', 'workers', 'domain']) {
    for (const file of fs.readdirSync(path.join(root, folder), { recursive: true, encoding: 'utf8' })) {
      const relative = `${folder}/${file}`;
      if (!relative.endsWith('.ts') || wallClockFiles.has(relative)) continue;
      const text = fs.readFileSync(path.join(root, relative), 'utf8');
      const reads = (line: string) => jsReads.test(line) || (!/clock_now\(\)/.test(line) && !localNow.test(text) && sqlNow.test(line));
      const lines = text.split('\n');
      lines.forEach((line, index) => {
        if (!reads(line) || line.trim().startsWith('//') || line.trim().startsWith('*')) return;
        if (/wall clock/.test(line) || /wall clock/.test(lines[index - 1] ?? '')) return;
        offenders.push(`${relative}:${index + 1}: ${line.trim()}`);
      });
    }
  }
  t.same(offenders, [], 'use clock.now() / clockNow(db) / clock_now(), or mark a machine-time read with a "wall clock" comment');
});
