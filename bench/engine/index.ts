// Engine benchmark: `npx tsx bench/engine/index.ts [instances] [waiting]`.
// A fresh embedded PostgreSQL (fsync on: commits are durable), its raw
// single-row commit rate, then a 10-service-task process run by zeebe-node
// workers against the engine in its own process, then RSS of the engine with
// `waiting` instances parked at a user task.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { ZBClient } from 'zeebe-node';
import { createKnex, migrateToLatest } from '../../platform/database.ts';
import { startEmbeddedPostgres } from '../../platform/embedded-postgres.ts';

const instances = Number(process.argv[2] ?? 2_000);
const waiting = Number(process.argv[3] ?? 100_000);
const tasks = 10;
const logger = pino({ level: 'warn' });

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'engine-bench-'));
fs.chmodSync(dataDir, 0o777);
const server = await startEmbeddedPostgres({ dataDir: path.join(dataDir, 'pg'), logger, database: 'bench' });
// Whatever happens, leave no PostgreSQL or engine process behind.
const children: Array<import('node:child_process').ChildProcess> = [];
const cleanUp = async () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  await server.stop().catch(() => undefined);
  fs.rmSync(dataDir, { recursive: true, force: true });
};
process.on('uncaughtException', (error) => { console.error(error); void cleanUp().then(() => process.exit(1)); });
process.on('unhandledRejection', (error) => { console.error(error); void cleanUp().then(() => process.exit(1)); });
process.on('SIGINT', () => void cleanUp().then(() => process.exit(130)));
process.on('SIGTERM', () => void cleanUp().then(() => process.exit(143)));
const db = createKnex(server.url);
await migrateToLatest(db);

// Raw commit rate: one row per transaction, one connection, as the engine would without batching.
await db.raw('CREATE TABLE bench_commit (id serial PRIMARY KEY, payload text)');
let commits = 0;
const rawStart = Date.now();
while (Date.now() - rawStart < 3_000) {
  await db.raw('INSERT INTO bench_commit (payload) VALUES (?)', ['x']);
  commits++;
}
const rawRate = commits / ((Date.now() - rawStart) / 1000);

const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./engine-process.ts', import.meta.url))], {
  env: { ...process.env, DATABASE_URL: server.url }, stdio: ['ignore', 'pipe', 'inherit'],
});
children.push(child);
const port = await new Promise<number>((resolve) => {
  let out = '';
  child.stdout!.on('data', (chunk) => {
    out += chunk;
    const match = /listening (\d+)/.exec(out);
    if (match) resolve(Number(match[1]));
  });
});
const rss = () => {
  const status = fs.readFileSync(`/proc/${child.pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024;
};

// Workers poll again 10 ms after a long poll ends (zeebe-node's default pause is 300 ms).
const client = new ZBClient(`localhost:${port}`, { useTLS: false, loglevel: 'NONE', pollInterval: 10 } as never);
const serviceTasks = Array.from({ length: tasks }, (_, i) => `<bpmn:serviceTask id="t${i}"><bpmn:extensionElements><zeebe:taskDefinition type="bench-${i}" /></bpmn:extensionElements></bpmn:serviceTask>`).join('');
const ids = ['start', ...Array.from({ length: tasks }, (_, i) => `t${i}`), 'end'];
const flows = ids.slice(1).map((id, i) => `<bpmn:sequenceFlow id="f${i}" sourceRef="${ids[i]}" targetRef="${id}" />`).join('');
const definitions = (id: string, body: string) => `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="d" targetNamespace="x">
<bpmn:process id="${id}" isExecutable="true">${body}</bpmn:process></bpmn:definitions>`;
await client.deployResource({ name: 'bench.bpmn', process: Buffer.from(definitions('bench', `<bpmn:startEvent id="start" />${serviceTasks}<bpmn:endEvent id="end" />${flows}`)) });
await client.deployResource({ name: 'park.bpmn', process: Buffer.from(definitions('park', '<bpmn:startEvent id="start" /><bpmn:userTask id="review" /><bpmn:endEvent id="end" /><bpmn:sequenceFlow id="a" sourceRef="start" targetRef="review" /><bpmn:sequenceFlow id="b" sourceRef="review" targetRef="end" />')) });

const startedAt = new Map<string, number>();
const latencies: number[] = [];
let completedTasks = 0;
let done!: () => void;
const allDone = new Promise<void>((resolve) => { done = resolve; });
const workers = Array.from({ length: tasks }, (_, i) => client.createWorker({
  taskType: `bench-${i}`,
  maxJobsToActivate: 32,
  longPoll: 5_000,
  ...(process.env.BENCH_DEBUG && i === tasks - 1 ? { loglevel: 'DEBUG' } : {}),
  taskHandler: async (job) => {
    const result = await job.complete();
    completedTasks++;
    if (i === tasks - 1) {
      latencies.push(Date.now() - startedAt.get(job.processInstanceKey)!);
      if (latencies.length === instances) done();
    }
    return result;
  },
}));

let lastCompleted = -1;
const progress = setInterval(() => {
  process.stderr.write(`created ${next}/${instances} tasks ${completedTasks} finished ${latencies.length}\n`);
  if (process.env.BENCH_DEBUG && completedTasks === lastCompleted) {
    void db('engine_jobs').select('state', 'type', db.raw("data->>'worker' as worker"), db.raw("data->>'deadline' as deadline")).then((rows) => process.stderr.write(JSON.stringify(rows.slice(0, 5)) + ` ${rows.length} now=${Date.now()}\n`));
  }
  lastCompleted = completedTasks;
}, 2_000);
const begin = Date.now();
let next = 0;
const inFlightCreates = 32;
const maxActive = Number(process.env.BENCH_MAX_ACTIVE ?? 400);
await Promise.all(Array.from({ length: inFlightCreates }, async () => {
  while (next < instances) {
    // At most `maxActive` instances in flight, so latency is the engine's, not a queue's.
    while (next - latencies.length >= maxActive) await new Promise((resolve) => setTimeout(resolve, 2));
    if (next >= instances) break;
    next++;
    const t0 = Date.now();
    const created = await client.createProcessInstance({ bpmnProcessId: 'bench', variables: { n: next } });
    startedAt.set(created.processInstanceKey, t0);
  }
}));
await allDone;
clearInterval(progress);
const seconds = (Date.now() - begin) / 1000;
const rssAfterRun = rss();
await Promise.all(workers.map((w) => w.close()));
latencies.sort((a, b) => a - b);
const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))]!;

// Waiting instances: parked at a user task, nobody works on them.
const parkStart = Date.now();
let parked = 0;
await Promise.all(Array.from({ length: 128 }, async () => {
  while (parked < waiting) {
    parked++;
    await client.createProcessInstance({ bpmnProcessId: 'park', variables: { citizen: `c-${parked}`, district: 12 } });
  }
}));
const parkSeconds = (Date.now() - parkStart) / 1000;
await new Promise((resolve) => setTimeout(resolve, 2_000));
const rssWaiting = rss();

// Restart time with all of them loaded back.
child.kill('SIGKILL');
await new Promise((resolve) => child.once('exit', resolve));
const restartStart = Date.now();
const again = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./engine-process.ts', import.meta.url))], {
  env: { ...process.env, DATABASE_URL: server.url }, stdio: ['ignore', 'pipe', 'inherit'],
});
children.push(again);
await new Promise<void>((resolve) => again.stdout!.on('data', (chunk) => { if (String(chunk).includes('listening')) resolve(); }));
const restartSeconds = (Date.now() - restartStart) / 1000;
const rssReloaded = Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${again.pid}/status`, 'utf8'))![1]) / 1024;

const taskRate = completedTasks / seconds;
console.log(JSON.stringify({
  machine: { cpus: os.cpus().length, node: process.version },
  rawPostgresCommitsPerSecond: Math.round(rawRate),
  instances, tasksPerInstance: tasks, maxActiveInstances: maxActive,
  completedTasksPerSecond: Math.round(taskRate),
  processInstancesPerSecond: Math.round(instances / seconds),
  ratioTasksToRawCommits: Number((taskRate / rawRate).toFixed(2)),
  latencyMs: { p50: pct(0.5), p99: pct(0.99) },
  engineRssMbAfterRun: Math.round(rssAfterRun),
  waitingInstances: waiting,
  waitingCreatedPerSecond: Math.round(waiting / parkSeconds),
  engineRssMbWithWaiting: Math.round(rssWaiting),
  restartWithWaitingSeconds: restartSeconds,
  engineRssMbAfterReload: Math.round(rssReloaded),
}, null, 2));

await client.close(1_000).catch(() => undefined);
await db.destroy();
await cleanUp();
process.exit(0);
