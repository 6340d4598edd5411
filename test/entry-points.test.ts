// The entry points as an operator meets them: a wrong setting stops with one
// line; `npm start` of a fresh clone and of a built checkout answers /health
// in bounded time, stops cleanly and reuses its data.
import t from 'tap';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isAlive } from '../platform/process-alive.ts';
import { eventually } from './helpers/eventually.ts';
import { describe, freshClone, timeStart } from '../bench/start/measure.ts';

const root = fileURLToPath(new URL('..', import.meta.url));

function launch(script: string, env: Record<string, string>): ChildProcess & { output: () => string } {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'bin', script)], {
    cwd: root,
    env: { ...process.env, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  return Object.assign(child, { output: () => output });
}

const exited = (child: ChildProcess) =>
  new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));

for (const [variable, value, expected] of [
  ['PORT', 'abc', 'a port number'],
  ['DATABASE_URL', 'mysql://db/x', 'a URL such as postgres://'],
  ['ZEEBE_ADDRESS', 'no-port', 'host:port'],
  ['LOG_LEVEL', 'loud', 'one of fatal'],
] as const) {
  t.test(`${variable}=${value} stops the start with one clear line`, async (t) => {
    const child = launch('start.ts', { [variable]: value });
    const code = await exited(child);
    t.not(code, 0, 'non-zero exit');
    const lines = child.output().trim().split('\n');
    t.equal(lines.length, 1, 'exactly one line');
    t.match(lines[0], `invalid configuration: ${variable}=`);
    t.match(lines[0], expected);
  });
}

t.test('npm start: the first start of a fresh clone and a start of the built checkout each answer /health in bounded time; Ctrl-C stops PostgreSQL; the data is reused', async (t) => {
  // A clone of this checkout as it stands, node_modules linked as npm install leaves it, nothing built.
  const checkout = freshClone();
  t.teardown(() => fs.rmSync(checkout, { recursive: true, force: true }));
  const dataDir = path.join(checkout, '.data');
  fs.mkdirSync(dataDir, { mode: 0o755 });
  const postmasterPid = path.join(dataDir, 'postgres', 'postmaster.pid');

  // First the fresh clone as npm start runs it (bin/launch.js emits the
  // server's JavaScript, the front ends build beside PostgreSQL's initdb),
  // then npm start itself on the built checkout; each stopped the way a
  // terminal's Ctrl-C does: SIGINT to the whole process group, npm and node
  // alike, two or three times within milliseconds, and then by someone
  // pressing Ctrl-C again and again for half a second: every program the
  // stop runs (pg_ctl) is in that group's way while PostgreSQL stops.
  // Bounds: issue 19 asks for 30 s (fresh clone) and 10 s (built) on a quiet
  // machine of 2 cores, where the CPU seconds are the honest measure
  // (bench/start: about 14 s and 6.5 s); this machine is shared with other
  // test files, so wall time is bounded loosely, CPU time at some 3 times that.
  const bounds = { first: { wallS: 150, cpuS: 45 }, second: { wallS: 60, cpuS: 20 } };
  for (const round of ['first', 'second'] as const) {
    const command = round === 'first' ? [process.execPath, 'bin/launch.js', 'start'] : ['npm', 'start'];
    const start = await timeStart(checkout, dataDir, { command, timeoutMs: 240_000 });
    const { child, output } = start;
    const done = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    t.comment(`${round} start: ${describe(start)}`);
    const health = (await (await fetch(`${start.url}/health`)).json()) as { database: { ok: boolean }; engine: { ok: boolean } };
    t.ok(health.database.ok && health.engine.ok, `${round} start: database and engine are up`);
    t.ok(start.wallMs < bounds[round].wallS * 1000, `${round} start: /health within ${bounds[round].wallS} s`, { ms: Math.round(start.wallMs) });
    t.ok(start.cpu, 'CPU seconds counted');
    const cpu = start.cpu!.start + start.cpu!.postgres;
    t.ok(cpu < bounds[round].cpuS, `${round} start: under ${bounds[round].cpuS} CPU seconds`, { cpu });
    if (round === 'first') {
      t.match(output(), /emitted \d+ changed modules into build\//, 'the fresh clone emits its JavaScript');
      t.match(output(), 'built the portal front end', 'and builds the portal');
      t.match(output(), 'built the modeler front end', 'and the modeler');
    } else {
      t.notMatch(output(), /emitted \d+ changed modules/, 'the built checkout emits nothing');
      t.notMatch(output(), /built the (portal|modeler) front end/, 'and builds no front end');
      t.notMatch(output(), 'initialised embedded PostgreSQL cluster', 'the second start reuses the cluster');
      t.notMatch(output(), 'applied migrations', 'and finds the schema migrated');
    }
    const postgres = Number(fs.readFileSync(postmasterPid, 'utf8').split('\n')[0]);
    const signalled = Date.now();
    for (const afterMs of [0, 15, 40, ...Array.from({ length: 18 }, (_, index) => 70 + index * 30)]) {
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, signalled + afterMs - Date.now())));
      try { process.kill(-child.pid!, 'SIGINT'); } catch { /* the group is gone already */ }
    }
    // npm exits on the signal without waiting for its child: wait for the whole group.
    if (round === 'first') t.equal(await done, 0, 'first start exits 0 on Ctrl-C', { output: output().split('\n').filter((line) => !line.includes('"level":30')).slice(-20) });
    // PostgreSQL's shutdown checkpoint syncs some 500 files: seconds on a busy disk.
    await eventually(`${round} start's processes to end`, () => (isAlive(-child.pid!) ? undefined : true), { timeoutMs: 90_000, intervalMs: 100 });
    t.notOk(isAlive(postgres), `${round} start: its PostgreSQL (pid ${postgres}) is gone`);
    t.notOk(fs.existsSync(postmasterPid), `${round} start: and left no postmaster.pid`);
    t.notMatch(output(), 'shutdown hurries', `${round} start: the signals were one request to stop`);
  }
});
