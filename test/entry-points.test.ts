// The entry points as an operator meets them: a wrong setting stops with one
// line; `npm start` answers /health, stops cleanly and reuses its data.
import t from 'tap';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

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

async function waitFor<T>(what: string, probe: () => T | undefined, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

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

t.test('npm start answers /health, shuts down on SIGTERM and reuses its data on the next start', async (t) => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'shahrdari-start-'));
  fs.chmodSync(dataDir, 0o755);
  t.teardown(() => fs.rmSync(dataDir, { recursive: true, force: true }));
  const env = { DATA_DIR: dataDir, PORT: '0', ZEEBE_PORT: '0' };

  for (const round of ['first', 'second']) {
    const child = launch('start.ts', env);
    const done = exited(child);
    const url = await waitFor(`${round} start`, () => /ready at (http:\/\/\S+)/.exec(child.output())?.[1], 60_000);
    const response = await fetch(`${url}/health`);
    t.equal(response.status, 200, `${round} start: /health answers 200`);
    const health = (await response.json()) as { database: { ok: boolean }; engine: { ok: boolean } };
    t.ok(health.database.ok && health.engine.ok, `${round} start: database and engine are up`);
    if (round === 'second') {
      t.notMatch(child.output(), 'initialised embedded PostgreSQL cluster', 'the second start reuses the cluster');
      t.notMatch(child.output(), 'applied migrations', 'and finds the schema migrated');
    }
    child.kill('SIGTERM');
    t.equal(await done, 0, `${round} start exits 0 on SIGTERM`);
    t.notOk(fs.existsSync(path.join(dataDir, 'postgres', 'postmaster.pid')), `${round} start stopped PostgreSQL`);
  }
});
