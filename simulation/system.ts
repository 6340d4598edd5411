// The system a simulation drives: the real engine, workers and API on a
// database of the simulation's own.
//
// `startProcesses` runs them as the production entry points do, each in its
// own process (bin/engine.ts, bin/workers.ts, bin/api.ts) with CLOCK=shared,
// so the business clock crosses processes the way it would on a cluster and
// each one's CPU can be read from /proc. `startInProcess` puts all three in
// the calling process, for tests.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { Knex } from 'knex';
import pg from 'pg';
import pino from 'pino';
import type { Config } from '../platform/config.ts';
import { clock } from '../platform/clock.ts';
import { createKnex, migrateToLatest } from '../platform/database.ts';
import { deployResources } from '../platform/deployment.ts';
import { freePort } from '../platform/free-port.ts';
import type { Logger } from '../platform/logger.ts';
import { repositoryRoot } from '../platform/paths.ts';
import { createZeebeClient, whileSomeoneWaits } from '../platform/zeebe.ts';
import { send } from './api-client.ts';

export interface SystemUnderTest {
  /** Where the API answers, e.g. http://127.0.0.1:41234. */
  api: string;
  /** The simulation's database: accounts are made, the clock set and the backlog read here. */
  db: Knex;
  /** The API's token secret. */
  jwtSecret: string;
  /** Pins the engine's clock (Camunda's PUT /v2/clock); resolves once what fell due has fired. */
  pinEngineClock(epochMs: number): Promise<void>;
  /** CPU seconds used so far, by component. */
  cpuSeconds(): Record<string, number>;
  /** Process ids by component (the driver's own included). */
  pids: Record<string, number>;
  /** Resident memory now, MB, by process (the driver's own included). */
  residentMegabytes(): Record<string, number>;
  /**
   * Rejects as soon as a process of the system ends while the run needs it,
   * saying which, its exit code and signal and the last lines it wrote to
   * stderr; never settles otherwise.
   */
  ended: Promise<never>;
  stop(): Promise<void>;
}

const quietLogger = pino({ level: 'silent' }) as Logger;

/** A new database on the server at `serverUrl`, migrated; its URL. */
export async function createSimulationDatabase(serverUrl: string, name: string): Promise<string> {
  if (!/^[a-z][a-z0-9_]{0,62}$/.test(name)) throw new Error(`database name ${name} is not a plain identifier`);
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const db = createKnex(url.toString());
  try {
    await migrateToLatest(db);
  } finally {
    await db.destroy();
  }
  return url.toString();
}

/** utime + stime of a process and its reaped children, in seconds (Linux /proc; 100 ticks a second). */
function procCpuSeconds(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields after the name start at 3 (state); utime is 14, stime 15, cutime 16, cstime 17.
    return (Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) / 100;
  } catch {
    return 0;
  }
}

/** VmRSS of a process in MB (Linux /proc), 0 once it is gone. */
function procResidentMegabytes(pid: number): number {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Math.round(Number(match[1]) / 1024) : 0;
  } catch {
    return 0;
  }
}

const ownResidentMegabytes = () => Math.round(process.memoryUsage.rss() / 1024 / 1024);

/** The database a PostgreSQL backend serves, from its title (`postgres: <user> <database> <host>(<port>) <state>`); none for the server's own processes. */
function backendDatabase(pid: string): string | undefined {
  try {
    const [title, user, database, client] = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0]!.split(' ');
    return title === 'postgres:' && user && database && client && /(\(\d+\)|\[local\])$/.test(client) ? database : undefined;
  } catch {
    return undefined;
  }
}

/**
 * CPU of a PostgreSQL server: the postmaster, its own processes (WAL writer,
 * checkpointer, I/O workers), the live backends of `database` and the
 * backends that ended; live backends of other databases (another run or test
 * sharing the server) are left out.
 */
function postgresCpuSeconds(postmasterPid: number, database: string): number {
  let total = procCpuSeconds(postmasterPid);
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[1]) !== postmasterPid) continue;
      const serves = backendDatabase(entry);
      if (serves === undefined || serves === database) total += (Number(fields[11]) + Number(fields[12])) / 100;
    } catch {
      // gone meanwhile
    }
  }
  return total;
}

export interface ProcessOptions {
  /** URL of the database the simulation runs in (createSimulationDatabase). */
  databaseUrl: string;
  /** The PostgreSQL data folder, to read the server's CPU (embedded PostgreSQL only). */
  postgresDataDir?: string;
  logLevel?: Config['LOG_LEVEL'];
  /** Write each process's CPU profile (node --cpu-prof) into this folder when it exits. */
  profileDir?: string;
  logger: Logger;
}

/** Engine, workers and API as separate processes of the production entry points. */
export async function startProcesses(options: ProcessOptions): Promise<SystemUnderTest> {
  const [apiPort, zeebePort, clockPort] = [await freePort(), await freePort(), await freePort()];
  const jwtSecret = randomBytes(32).toString('base64url');
  const api = `http://127.0.0.1:${apiPort}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: options.databaseUrl, CLOCK: 'shared', LOG_LEVEL: options.logLevel ?? 'error', JWT_SECRET: jwtSecret, DEMO_SEED: 'false',
    PORT: String(apiPort), ZEEBE_PORT: String(zeebePort), ENGINE_CLOCK_PORT: String(clockPort), PUBLIC_URL: api, DEPLOY_ON_START: 'false',
  };
  delete env.ZEEBE_ADDRESS;
  const children = new Map<string, ChildProcess>();
  let endedEarly!: (error: Error) => void;
  const ended = new Promise<never>((_resolve, reject) => { endedEarly = reject; });
  ended.catch(() => undefined); // a run that never awaits it (it ended first) must not see an unhandled rejection
  const launch = (name: string, entry: string) => {
    // As npm run engine / workers / api start them: the emitted JavaScript through bin/launch.js.
    const profile = options.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${options.profileDir}`, `--cpu-prof-name=${name}.cpuprofile`] : [];
    const child = spawn(process.execPath, [...profile, path.join(repositoryRoot, 'bin', 'launch.js'), entry], { env, stdio: ['ignore', 'inherit', 'pipe'] });
    // Its stderr goes on to ours; the last lines are kept to say why it ended.
    const lastLines: string[] = [];
    child.stderr!.on('data', (chunk: Buffer) => {
      process.stderr.write(chunk);
      lastLines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      lastLines.splice(0, Math.max(0, lastLines.length - 20));
    });
    child.on('exit', (code, signal) => {
      if (stopping) return;
      const rss = lastResident[name];
      options.logger.error({ process: name, pid: child.pid, code, signal, lastResidentMegabytes: rss, stderr: lastLines }, 'a process of the system under test ended');
      endedEarly(new Error(`the ${name} process (pid ${child.pid}) ended during the run: exit code ${code}, signal ${signal}` +
        `${rss ? `, ${rss} MB resident when last read` : ''}${lastLines.length ? `; its last stderr lines:\n${lastLines.join('\n')}` : '; it wrote nothing to stderr'}`));
    });
    children.set(name, child);
  };
  /** Each process's resident memory as last read: said if it dies (an out-of-memory kill shows as SIGKILL). */
  const lastResident: Record<string, number> = {};
  let stopping = false;
  const db = createKnex(options.databaseUrl, { max: 6 });
  let stopped: Promise<void> | undefined;
  /** Ends the three processes (SIGTERM, SIGKILL after 15 s); once, however often it is called. */
  const stop = () => (stopped ??= stopProcesses());
  const stopProcesses = async () => {
    stopping = true;
    await Promise.all([...children.values()].map((child) => new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      const force = setTimeout(() => child.kill('SIGKILL'), 15_000);
      child.once('exit', () => { clearTimeout(force); resolve(); });
      child.kill('SIGTERM');
    })));
    await db.destroy();
  };
  try {
    launch('engine', 'engine');
    const zeebe = createZeebeClient({ LOG_LEVEL: 'error' } as Config, `127.0.0.1:${zeebePort}`, quietLogger, whileSomeoneWaits);
    await waitFor('the engine', async () => { await zeebe.topology(); });
    await deployResources(zeebe, quietLogger);
    await zeebe.close(1_000).catch(() => undefined);
    launch('workers', 'workers');
    launch('api', 'api');
    await waitFor('the API', async () => {
      const response = await fetch(`${api}/health`);
      if (response.status !== 200) throw new Error(`health ${response.status}`);
    });
  } catch (error) {
    await stop();
    throw error;
  }
  const clockAgent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const database = decodeURIComponent(new URL(options.databaseUrl).pathname.slice(1));
  const postmasterPid = options.postgresDataDir ? Number(fs.readFileSync(path.join(options.postgresDataDir, 'postmaster.pid'), 'utf8').split('\n')[0]) : undefined;
  const pids = { ...Object.fromEntries([...children].map(([name, child]) => [name, child.pid!])), driver: process.pid };
  options.logger.info({ pids }, 'the system under test is up');
  return {
    api, db, jwtSecret, pids,
    async pinEngineClock(epochMs) {
      const url = new URL(`http://127.0.0.1:${clockPort}/v2/clock`);
      const answer = await send(clockAgent, url, 'PUT', { 'content-type': 'application/json' }, JSON.stringify({ timestamp: Math.round(epochMs) }));
      if (answer.status !== 204) throw new Error(`the engine refused the clock: ${answer.status} ${answer.text}`);
    },
    cpuSeconds() {
      const cpu: Record<string, number> = {};
      for (const [name, child] of children) cpu[name] = child.pid ? procCpuSeconds(child.pid) : 0;
      if (postmasterPid) cpu.postgres = postgresCpuSeconds(postmasterPid, database);
      cpu.driver = process.cpuUsage().user / 1e6 + process.cpuUsage().system / 1e6;
      return cpu;
    },
    residentMegabytes() {
      for (const [name, child] of children) lastResident[name] = child.pid ? procResidentMegabytes(child.pid) : 0;
      return { ...lastResident, driver: ownResidentMegabytes() };
    },
    ended,
    stop,
  };
}

/** Engine, workers and API in this process, on `db` (a test's database). */
export async function startInProcess(db: Knex, logger: Logger = quietLogger): Promise<SystemUnderTest> {
  const { startEngine } = await import('../engine/index.ts');
  const { buildApp } = await import('../api/app.ts');
  const { startWorkers } = await import('../workers/index.ts');
  const { readConfig } = await import('../platform/config.ts');
  const port = await freePort();
  const jwtSecret = randomBytes(32).toString('base64url');
  const config = readConfig({ JWT_SECRET: jwtSecret, DEMO_SEED: 'false', PORT: String(port), LOG_LEVEL: 'error' });
  clock.runShared();
  const engine = await startEngine({ db, port: 0, logger });
  const zeebe = createZeebeClient(config, engine.address, logger);
  await deployResources(zeebe, logger);
  const app = await buildApp({ config, db, zeebe, logger });
  const api = await app.listen({ host: '127.0.0.1', port });
  const workers = startWorkers({ zeebe, db, logger, publicUrl: api });
  return {
    api, db, jwtSecret,
    pinEngineClock: (epochMs) => engine.clock.pin(Math.round(epochMs)),
    cpuSeconds: () => ({ all: process.cpuUsage().user / 1e6 + process.cpuUsage().system / 1e6 }),
    pids: { all: process.pid },
    residentMegabytes: () => ({ all: ownResidentMegabytes() }),
    ended: new Promise<never>(() => undefined), // one process: its end is the test's end
    async stop() {
      await workers.stop();
      await app.close();
      await zeebe.close(1_000).catch(() => undefined);
      await engine.stop();
    },
  };
}

async function waitFor(what: string, probe: () => Promise<void>, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs; // wall clock: start-up time
  for (;;) {
    try {
      await probe();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`${what} did not come up: ${(error as Error).message}`); // wall clock
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}
