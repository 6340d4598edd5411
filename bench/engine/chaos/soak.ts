// Fault-injection soak: a mixed workload through zeebe-node while the engine
// process is killed with SIGKILL at random moments and restarted, and
// PostgreSQL is restarted once; then every acknowledged answer is checked.
// `npx tsx bench/engine/chaos/index.ts` runs the long version;
// test/engine/chaos.test.ts a short one.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { ZBClient } from 'zeebe-node';
import { createKnex, migrateToLatest } from '../../../platform/database.ts';
import { restartEmbeddedPostgres, startEmbeddedPostgres, type EmbeddedPostgres } from '../../../platform/embedded-postgres.ts';
import { freePort } from '../../../platform/free-port.ts';
import { isAlive } from '../../../platform/process-alive.ts';
import { child as childProcess, jobTypes, shapes, type Shape } from './shapes.ts';

export interface SoakOptions {
  /** How many times the engine is killed (PostgreSQL is restarted once, halfway), then how long the system may take to settle. */
  kills: number;
  settleMs: number;
  /** Pause between kills: uniformly random in [min, max] ms. */
  killEveryMs: [number, number];
  /** Instances started per second (spread over the shapes). */
  ratePerSecond: number;
  log?: (line: string) => void;
}

export interface SoakReport {
  kills: number;
  postgresRestarts: number;
  acknowledged: { creates: number; publishes: number; completions: number; errorsThrown: number; total: number };
  finished: number;
  parked: number;
  violations: string[];
}

const engineScript = fileURLToPath(new URL('../engine-process.ts', import.meta.url));
const repositoryRoot = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * engine-process.ts as one plain JavaScript file (packages stay imports, so it
 * is written under node_modules/.cache where they resolve): a process starts
 * without a TypeScript loader, in about half the time. runSoak removes it when
 * it ends; one left by a soak that was itself killed goes at the next bundling.
 */
async function bundleEngineProcess(): Promise<string> {
  const { build } = await import('esbuild');
  const folder = path.join(repositoryRoot, 'node_modules', '.cache', 'shahrdari');
  for (const name of fs.existsSync(folder) ? fs.readdirSync(folder) : []) {
    const pid = Number(/^chaos-engine-(\d+)-/.exec(name)?.[1]);
    if (pid && !isAlive(pid)) fs.rmSync(path.join(folder, name), { force: true });
  }
  const outfile = path.join(folder, `chaos-engine-${process.pid}-${Date.now()}.mjs`);
  await build({ entryPoints: [engineScript], outfile, bundle: true, packages: 'external', platform: 'node', format: 'esm', target: 'node20', logLevel: 'warning' });
  return outfile;
}
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const random = (min: number, max: number) => min + Math.random() * (max - min);

export async function runSoak(options: SoakOptions): Promise<SoakReport> {
  const engineFile = await bundleEngineProcess();
  try {
    return await soak(engineFile, options);
  } finally {
    fs.rmSync(engineFile, { force: true });
  }
}

async function soak(engineFile: string, options: SoakOptions): Promise<SoakReport> {
  const log = options.log ?? (() => undefined);
  const port = await freePort();

  // ---------------------------------------------------------------- engine processes
  // A new engine process is always loaded and waiting (standby) while the
  // current one runs, so a restart costs the engine's own start-up —
  // recovery from its last commit — and not Node's. It is told the database
  // on its stdin when it starts, so the first one loads while PostgreSQL starts.
  let databaseUrl = '';
  const running = new Set<ChildProcess>(); // every engine process not yet exited, standby or not
  const engineProcess = () => {
    const spawned = spawn(process.execPath, [engineFile], {
      env: { ...process.env, PORT: String(port), ENGINE_LOG: process.env.ENGINE_LOG ?? 'fatal', ENGINE_STANDBY: '1' },
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    running.add(spawned);
    spawned.on('exit', () => running.delete(spawned));
    spawned.stdin!.on('error', () => undefined); // it may die before it reads its start line; its exit says so
    return spawned;
  };
  const killAll = () => Promise.all([...running].map((last) => new Promise((resolve) => {
    last.once('exit', resolve);
    last.kill('SIGKILL');
  })));
  let standby: ChildProcess | null = engineProcess();

  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'engine-chaos-'));
  fs.chmodSync(root, 0o777);
  const pgDir = path.join(root, 'pg');
  let server: EmbeddedPostgres;
  try {
    server = await startEmbeddedPostgres({ dataDir: pgDir, logger: pino({ level: 'warn' }), database: 'chaos' });
  } catch (error) {
    await killAll();
    fs.rmSync(root, { recursive: true, force: true });
    throw error;
  }
  databaseUrl = server.url;
  const db = createKnex(server.url);
  let engine: ChildProcess | null = null;
  let stopping = false;
  let client: ZBClient | null = null;
  try {
    await migrateToLatest(db);

    // ---------------------------------------------------------------- the engine, restarted whenever it dies
    const alive = (process: ChildProcess | null) => process !== null && process.exitCode === null && process.signalCode === null;
    let up: Promise<void> = Promise.resolve();
    const startEngineProcess = () => {
      const asked = Date.now();
      up = new Promise<void>((resolve) => {
        const spawned = alive(standby) ? standby! : engineProcess();
        standby = engineProcess();
        // stdin stays open: an engine process exits when it closes, so none outlives the soak.
        spawned.stdin!.write(`${databaseUrl}\n`);
        engine = spawned;
        spawned.stdout!.on('data', (chunk) => {
          if (!String(chunk).includes('listening')) return;
          log(`engine listening ${Date.now() - asked} ms after its start`);
          resolve();
        });
        spawned.on('exit', () => {
          resolve();
          if (engine === spawned && !stopping) {
            log('engine exited by itself; restarting');
            setTimeout(() => { if (!stopping) startEngineProcess(); }, 100);
          }
        });
      });
      return up;
    };
    await startEngineProcess();
    client = new ZBClient(`localhost:${port}`, { useTLS: false, loglevel: 'NONE', retry: false } as never);
    const zb = client;
    const call = async <T>(what: () => Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: any }> => {
      try {
        return { ok: true, value: await what() };
      } catch (error) {
        return { ok: false, error };
      }
    };
    const untilDeployed = async (name: string, xml: string) => {
      for (;;) {
        if ((await call(() => zb.deployResource({ name, process: Buffer.from(xml) }))).ok) return;
        await sleep(200);
      }
    };
    await untilDeployed('c-child.bpmn', childProcess);
    for (const shape of shapes) await untilDeployed(`${shape.id}.bpmn`, shape.xml);

    // ---------------------------------------------------------------- the record of acknowledged answers
    const violations: string[] = [];
    const violation = (text: string) => { if (violations.length < 200) violations.push(text); log(`VIOLATION ${text}`); };
    const acked = { creates: 0, publishes: 0, completions: 0, errorsThrown: 0 };
    const instances = new Map<string, { shape: Shape; x: number }>();
    const messageKeys = new Set<string>();
    const jobOwner = new Map<string, string>(); // job key -> "instance/elementInstance"
    const completedJobs = new Set<string>();
    const endJobs = new Map<string, Set<string>>(); // instance -> end job keys delivered
    const finished = new Set<string>(); // instances whose end job completion was acknowledged
    const items = new Map<string, Set<string>>(); // mi instance -> element instance keys of items

    const publish = async (name: string, id: string) => {
      for (let attempt = 0; attempt < 50 && !stopping; attempt++) {
        const answer = await call(() => zb.publishMessage({ name, correlationKey: id, messageId: id, variables: { paidBy: id }, timeToLive: 600_000 }));
        if (answer.ok) {
          const key = String(answer.value.key);
          if (messageKeys.has(key)) violation(`message key ${key} reused`);
          messageKeys.add(key);
          acked.publishes++;
          return;
        }
        if (answer.error?.code === 6) return; // ALREADY_EXISTS: an earlier, unanswered attempt was committed
        await sleep(100);
      }
    };

    let sequence = 0;
    const startOne = async () => {
      const shape = shapes[sequence % shapes.length]!;
      const id = `i${sequence++}`;
      const x = Math.floor(Math.random() * 10);
      if (shape.message?.when === 'before') await publish(shape.message.name, id);
      const answer = await call(() => zb.createProcessInstance({ bpmnProcessId: shape.id, variables: { id, x } }));
      if (!answer.ok) return; // not acknowledged: it may or may not exist, and either is right
      const key = String(answer.value.processInstanceKey);
      if (instances.has(key)) violation(`process instance key ${key} handed out twice`);
      instances.set(key, { shape, x });
      acked.creates++;
      if (shape.message?.when === 'after') await publish(shape.message.name, id);
    };

    // ---------------------------------------------------------------- workers: one long-poll loop per job type
    const handle = async (job: Record<string, any>) => {
      const jobKey = String(job.key);
      const instance = String(job.processInstanceKey);
      const owner = `${instance}/${job.elementInstanceKey}`;
      const known = jobOwner.get(jobKey);
      if (known && known !== owner) violation(`job key ${jobKey} reused: ${known} and ${owner}`);
      jobOwner.set(jobKey, owner);
      if (completedJobs.has(jobKey)) violation(`job ${jobKey} (${job.type}) delivered again after its completion was acknowledged`);
      const record = instances.get(instance);
      if (job.type === 'chaos.never') violation(`instance ${instance} took the normal path after its error was thrown (${jobKey})`);
      if (record && job.type === 'chaos.high' && record.x <= 5) violation(`instance ${instance} with x=${record.x} took the x > 5 branch`);
      if (record && job.type === 'chaos.low' && record.x > 5) violation(`instance ${instance} with x=${record.x} took the default branch`);
      if (job.type === 'chaos.item') {
        const seen = items.get(instance) ?? new Set<string>();
        seen.add(String(job.elementInstanceKey));
        items.set(instance, seen);
        if (seen.size > 3) violation(`multi-instance of ${instance} ran ${seen.size} items of 3`);
      }
      if (job.type === 'chaos.slow') return; // held until its timer boundary takes over
      if (job.type === 'chaos.end') {
        const seen = endJobs.get(instance) ?? new Set<string>();
        seen.add(jobKey);
        endJobs.set(instance, seen);
        if (seen.size > 1) violation(`instance ${instance} reached its end twice (jobs ${[...seen].join(', ')})`);
      }
      if (job.type === 'chaos.fail') {
        const answer = await call(() => zb.throwError({ jobKey, errorCode: 'REFUSED', errorMessage: 'refused by the soak' }));
        if (answer.ok) { completedJobs.add(jobKey); acked.errorsThrown++; }
        return;
      }
      const answer = await call(() => zb.completeJob({ jobKey, variables: { [`done_${job.elementId}`]: true } }));
      if (!answer.ok) return;
      completedJobs.add(jobKey);
      acked.completions++;
      if (job.type === 'chaos.end') finished.add(instance);
    };
    const workerLoop = async (type: string) => {
      while (!stopping) {
        const jobs = await new Promise<Array<Record<string, any>>>((resolve) => {
          const got: Array<Record<string, any>> = [];
          Promise.resolve((zb as any).grpc.activateJobsStream({ type, worker: 'soak', timeout: 4_000, maxJobsToActivate: 32, requestTimeout: 1_000, fetchVariable: [], tenantIds: [] }))
            .then((stream: any) => {
              const timer = setTimeout(() => { stream.cancel?.(); resolve(got); }, 3_000);
              stream.on('data', (response: any) => got.push(...response.jobs));
              stream.on('end', () => { clearTimeout(timer); resolve(got); });
              stream.on('error', () => { clearTimeout(timer); resolve(got); });
            }, () => resolve(got));
        });
        if (jobs.length === 0) await sleep(50);
        await Promise.all(jobs.map(handle));
      }
    };
    const workers = jobTypes.map(workerLoop);

    // ---------------------------------------------------------------- load and faults
    let kills = 0;
    let postgresRestarts = 0;
    let chaosOver = false;
    // The load goes on past the faults until every shape has an acknowledged instance (or half the settle time went by):
    // a PostgreSQL restart stops the engine too (fencing), and restarts take seconds on a loaded machine.
    let loadDeadline = Infinity;
    const load = (async () => {
      while (!chaosOver || (acked.creates < shapes.length && Date.now() < loadDeadline)) {
        const batch = Array.from({ length: Math.max(1, Math.round(options.ratePerSecond / 10)) }, startOne);
        await Promise.all([...batch, sleep(100)]);
      }
    })();
    const faults = (async () => {
      while (kills < options.kills) {
        await sleep(random(...options.killEveryMs));
        if (postgresRestarts === 0 && kills >= options.kills / 2) {
          log('restarting PostgreSQL');
          await restartEmbeddedPostgres(pgDir);
          postgresRestarts++;
          continue;
        }
        await up; // an engine that stopped by itself (fencing) is being restarted
        const victim = engine!;
        const exited = new Promise((resolve) => {
          if (victim.exitCode !== null || victim.signalCode !== null) resolve(undefined);
          else victim.once('exit', resolve);
        });
        engine = null;
        victim.kill('SIGKILL');
        await exited;
        kills++;
        await sleep(random(50, 400));
        await startEngineProcess();
      }
      await sleep(random(...options.killEveryMs));
      loadDeadline = Date.now() + options.settleMs / 2;
      chaosOver = true;
    })();
    await Promise.all([load, faults]);
    log(`chaos over: ${kills} kills, ${postgresRestarts} PostgreSQL restart(s), ${acked.creates} instances acknowledged; settling`);

    // ---------------------------------------------------------------- settle, then check
    await up;
    const expectFinished = () => [...instances].filter(([, { shape }]) => !shape.parksAt).map(([key]) => key);
    const settleEnd = Date.now() + options.settleMs;
    while (Date.now() < settleEnd && expectFinished().some((key) => !finished.has(key))) await sleep(250);
    stopping = true;
    await Promise.all(workers);
    for (const key of expectFinished()) {
      if (!finished.has(key)) {
        const row = await db('engine_process_instances').where({ key }).first();
        // Its end job was delivered and the instance is gone: the completion committed, only its answer was lost to a kill.
        if (!row && endJobs.has(key)) continue;
        const where = row ? Object.values(row.state.elements as Record<string, { elementId: string }>).map((e) => e.elementId).join(',') : 'gone';
        violation(`instance ${key} (${instances.get(key)!.shape.id}) acknowledged but not finished (${row ? `waiting at ${where}` : 'missing from the engine'})`);
      }
    }
    let parked = 0;
    for (const [key, { shape }] of instances) {
      if (!shape.parksAt) continue;
      const row = await db('engine_process_instances').where({ key }).first();
      const at = row ? Object.values(row.state.elements as Record<string, { elementId: string }>).map((e) => e.elementId) : [];
      if (!at.includes(shape.parksAt)) violation(`instance ${key} (${shape.id}) should wait at ${shape.parksAt} but is ${row ? `at ${at.join(',')}` : 'missing'}`);
      else parked++;
    }
    for (const [key, { shape }] of instances) {
      if (shape.id === 'c-mi' && finished.has(key) && (items.get(key)?.size ?? 0) < 3) violation(`multi-instance ${key} finished after ${items.get(key)?.size ?? 0} of 3 items`);
    }
    const total = acked.creates + acked.publishes + acked.completions + acked.errorsThrown;
    return { kills, postgresRestarts, acknowledged: { ...acked, total }, finished: finished.size, parked, violations };
  } finally {
    stopping = true;
    await client?.close(500).catch(() => undefined);
    await killAll();
    await db.destroy().catch(() => undefined);
    await server.stop().catch(() => undefined);
    fs.rmSync(root, { recursive: true, force: true });
  }
}
