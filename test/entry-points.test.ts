// The entry points as an operator meets them: a wrong setting stops with one
// line; `npm start` answers /health, stops cleanly and reuses its data.
import t from 'tap';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isAlive } from '../platform/process-alive.ts';
import { eventually } from './helpers/eventually.ts';

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

t.test('npm start answers /health, stops PostgreSQL on Ctrl-C and reuses its data on the next start', async (t) => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'shahrdari-start-'));
  fs.chmodSync(dataDir, 0o755);
  t.teardown(() => fs.rmSync(dataDir, { recursive: true, force: true }));
  const env = { DATA_DIR: dataDir, PORT: '0', ZEEBE_PORT: '0' };
  const postmasterPid = path.join(dataDir, 'postgres', 'postmaster.pid');

  // First the built JavaScript as npm start runs it (bin/launch.js emits what
  // is missing), then npm start itself; each stopped the way a terminal's
  // Ctrl-C does: SIGINT to the whole process group, npm and node alike, two
  // or three times within milliseconds, and then by someone pressing Ctrl-C
  // again and again for half a second: every program the stop runs (pg_ctl)
  // is in that group's way while PostgreSQL stops.
  for (const round of ['first', 'second'] as const) {
    const command = round === 'first' ? [process.execPath, 'bin/launch.js', 'start'] : ['npm', 'start'];
    const child = spawn(command[0]!, command.slice(1), {
      cwd: root, env: { ...process.env, LOG_LEVEL: 'info', ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true,
    });
    let output = '';
    child.stdout!.on('data', (chunk) => (output += chunk));
    child.stderr!.on('data', (chunk) => (output += chunk));
    const done = exited(child);
    const url = await eventually(`${round} start`, () => /ready at (http:\/\/\S+)/.exec(output)?.[1], { timeoutMs: 120_000, intervalMs: 100 });
    const response = await fetch(`${url}/health`);
    t.equal(response.status, 200, `${round} start: /health answers 200`);
    const health = (await response.json()) as { database: { ok: boolean }; engine: { ok: boolean } };
    t.ok(health.database.ok && health.engine.ok, `${round} start: database and engine are up`);
    if (round === 'second') {
      t.notMatch(output, 'initialised embedded PostgreSQL cluster', 'the second start reuses the cluster');
      t.notMatch(output, 'applied migrations', 'and finds the schema migrated');
    }
    const postgres = Number(fs.readFileSync(postmasterPid, 'utf8').split('\n')[0]);
    const signalled = Date.now();
    for (const afterMs of [0, 15, 40, ...Array.from({ length: 18 }, (_, index) => 70 + index * 30)]) {
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, signalled + afterMs - Date.now())));
      try { process.kill(-child.pid!, 'SIGINT'); } catch { /* the group is gone already */ }
    }
    // npm exits on the signal without waiting for its child: wait for the whole group.
    if (round === 'first') t.equal(await done, 0, 'first start exits 0 on Ctrl-C', { output: output.split('\n').filter((line) => !line.includes('"level":30')).slice(-20) });
    // PostgreSQL's shutdown checkpoint syncs some 500 files: seconds on a busy disk.
    await eventually(`${round} start's processes to end`, () => (isAlive(-child.pid!) ? undefined : true), { timeoutMs: 90_000, intervalMs: 100 });
    t.notOk(isAlive(postgres), `${round} start: its PostgreSQL (pid ${postgres}) is gone`);
    t.notOk(fs.existsSync(postmasterPid), `${round} start: and left no postmaster.pid`);
    t.notMatch(output, 'shutdown hurries', `${round} start: the signals were one request to stop`);
  }
});
