// No job hidden by a workers process that stops or dies: a stopping worker
// finishes the job in its handler or, hurried, hands it back (FailJob with its
// retries, no back-off) so another worker takes it at once; a job that reaches
// it while it stops is handed back, not dropped; a user-task job is taken for
// a short lease and kept for a month (UpdateJobTimeout) once its row is
// listed, so a worker that died before listing it costs minutes, not a month.
// Through the embedded engine over gRPC; the many-process version with
// SIGTERM and kill -9 is bench/scale.
import t from 'tap';
import pino from 'pino';
import { Writable } from 'node:stream';
import type { ZBClient } from 'zeebe-node';
import { userTaskJobType } from '../../processes/catalogue/contract.ts';
import { startJobWorker, type JobWorker } from '../../workers/job-worker.ts';
import { familyOf, stopFamilies } from '../../workers/job.ts';
import { createTaskStore } from '../../domain/user-tasks/store.ts';
import { userTaskWorkers } from '../../workers/user-tasks/index.ts';
import { activate, deploy, waitingAtEngine } from '../engine/helpers.ts';
import { chain, serviceTask, userTask } from '../helpers/diagrams.ts';
import { eventually } from '../helpers/eventually.ts';
import { startTestEngine } from './engine.ts';
import { silentLogger } from './helpers.ts';

/** A logger whose lines the test reads. */
function recordingLogger() {
  const lines: Array<{ msg: string; reason?: string }> = [];
  const logger = pino({ level: 'info' }, new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  }));
  return { logger, lines };
}

const slowType = 'hand-back.slow';
const slowProcess = chain('hand-back', [{ id: 'work', xml: serviceTask('work', slowType) }]);
/** Far longer than any test here waits: a job that comes back did not wait for its timeout. */
const jobTimeout = 300_000;

interface Taken { key: string; processInstanceKey: string; retries: number }

/** A worker whose handler tells when it holds a job and finishes only when released. */
function slowWorker(client: ZBClient, logger = silentLogger) {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const taken: Taken[] = [];
  const worker = startJobWorker(client, logger, {
    taskType: slowType, timeout: jobTimeout, maxJobsToActivate: 4,
    taskHandler: async (job) => {
      taken.push({ key: job.key, processInstanceKey: job.processInstanceKey, retries: job.retries });
      await released;
      return job.complete({ by: 'first' });
    },
  });
  return { worker, taken, release };
}

/** A second worker that completes every job at once, recording what it got. */
function quickWorker(t: { teardown(fn: () => unknown): void }, client: ZBClient): Taken[] {
  const taken: Taken[] = [];
  const worker: JobWorker = startJobWorker(client, silentLogger, {
    taskType: slowType, timeout: jobTimeout, maxJobsToActivate: 4,
    taskHandler: (job) => {
      taken.push({ key: job.key, processInstanceKey: job.processInstanceKey, retries: job.retries });
      return job.complete({ by: 'second' });
    },
  });
  t.teardown(() => worker.close());
  return taken;
}

t.test('a stopping worker finishes the job in its handler, then stops', async (t) => {
  const { db, client } = await startTestEngine(t);
  await deploy(client, slowProcess);
  const { worker, taken, release } = slowWorker(client);
  const instance = await client.createProcessInstance({ bpmnProcessId: 'hand-back', variables: {} });
  await eventually('the slow worker to take the job', async () => taken.length === 1);
  let stopped = false;
  const closing = worker.close().then(() => (stopped = true));
  // Time deliberately let pass: a worker that did not wait would have stopped by now.
  await new Promise((resolve) => setTimeout(resolve, 300));
  t.notOk(stopped, 'it waits for its handler');
  release();
  await closing;
  await eventually('the instance to finish', async () => (await db('engine_process_instances').where({ key: instance.processInstanceKey })).length === 0);
  const second = quickWorker(t, client);
  t.same(second.filter((job) => job.processInstanceKey === instance.processInstanceKey), [], 'the finished job is not worked again');
});

/** An engine, a slow worker (its log read) holding the job of a new instance. */
async function slowJobTaken(t: Parameters<typeof startTestEngine>[0]) {
  const { client } = await startTestEngine(t);
  await deploy(client, slowProcess);
  const { logger, lines } = recordingLogger();
  const { worker, taken, release } = slowWorker(client, logger);
  t.teardown(release);
  const instance = await client.createProcessInstance({ bpmnProcessId: 'hand-back', variables: {} });
  await eventually('the slow worker to take the job', async () => taken.length === 1);
  return { client, lines, worker, taken, instance };
}

t.test('hurried, it hands the job in its handler back: another worker takes it at once, with its retries', async (t) => {
  const { client, lines, worker, taken, instance } = await slowJobTaken(t);
  const hurry = new AbortController();
  const closing = worker.close(hurry.signal);
  setTimeout(() => hurry.abort(), 200);
  const started = Date.now();
  await closing;
  t.match(lines, [{ msg: 'job handed back to the engine', reason: 'its worker had to stop before finishing it' }]);
  const second = quickWorker(t, client);
  const again = await eventually('the second worker to get the job', async () => second.find((job) => job.processInstanceKey === instance.processInstanceKey), { timeoutMs: 10_000 });
  t.equal(again.key, taken[0]!.key, 'the same job');
  t.equal(again.retries, taken[0]!.retries, 'no retry spent');
  t.ok(Date.now() - started < jobTimeout / 10, `taken again after ${Date.now() - started} ms, not after its ${jobTimeout / 1000} s timeout`);
});

t.test('stopping families: a handler still at work after the drain time has its job handed back, and a busy sweep does not hold the stop', async (t) => {
  const { client, lines, worker, taken, instance } = await slowJobTaken(t);
  let sweepEnded = false;
  const family = familyOf([slowType], [worker], () => new Promise<void>(() => undefined).finally(() => (sweepEnded = true)));
  const drain = 500;
  const started = Date.now();
  await stopFamilies([family], undefined, drain);
  const took = Date.now() - started;
  t.ok(took >= drain * 0.9 && took < drain + 5_000, `stopped after ${took} ms: it waited the drain time, then did not wait for the handler or the sweep`);
  t.notOk(sweepEnded, 'the sweep was still at work');
  t.match(lines, [{ msg: 'job handed back to the engine', reason: 'its worker had to stop before finishing it' }]);
  const second = quickWorker(t, client);
  const again = await eventually('another worker to get the job', async () => second.find((job) => job.processInstanceKey === instance.processInstanceKey), { timeoutMs: 10_000 });
  t.equal(again.retries, taken[0]!.retries, 'no retry spent');
});

t.test('a job that reaches a stopping worker on its open long poll is handed back, not dropped', async (t) => {
  const { client, engine } = await startTestEngine(t);
  await deploy(client, slowProcess);
  const { logger, lines } = recordingLogger();
  const { worker, taken, release } = slowWorker(client, logger);
  // Busy with one job, the worker keeps a long poll open for more (zeebe-node
  // polls while under a third of its capacity); stopping, it stops polling
  // but that poll stays open until its handlers are done.
  const first = await client.createProcessInstance({ bpmnProcessId: 'hand-back', variables: {} });
  await eventually('the slow worker to take the first job', async () => taken.length === 1);
  await waitingAtEngine(engine, slowType);
  const closing = worker.close();
  const second = await client.createProcessInstance({ bpmnProcessId: 'hand-back', variables: {} });
  await eventually('the hand-back', async () => lines.some((line) => line.msg === 'job handed back to the engine'), { timeoutMs: 10_000 });
  t.match(lines.filter((line) => line.msg === 'job handed back to the engine'), [{ reason: 'it arrived while its worker was stopping' }], 'the job that came on the open poll went back');
  release();
  await closing;
  t.equal(taken.length, 1, 'the stopping worker worked only the job it held');
  const other = quickWorker(t, client);
  const started = Date.now();
  await eventually('the other worker to get the handed-back job', async () => other.find((job) => job.processInstanceKey === second.processInstanceKey), { timeoutMs: 10_000 });
  t.ok(Date.now() - started < jobTimeout / 10, `another worker took it ${Date.now() - started} ms later, not after its timeout`);
  t.notOk(other.some((job) => job.processInstanceKey === first.processInstanceKey), 'and the finished one is not worked again');
});

const reviewProcess = chain('lease-review', [{ id: 'Review', xml: userTask('Review', { name: 'بررسی', candidateGroups: 'district-12:clerk' }) }]);

t.test('user tasks: a short lease until listed, then kept (UpdateJobTimeout)', async (t) => {
  const { db, client } = await startTestEngine(t);
  await deploy(client, reviewProcess, 'lease-review.bpmn');
  const leaseMs = 1_000;
  const rowsOf = (processInstanceKey: string) => db('user_tasks').where({ process_instance_key: processInstanceKey });

  t.test('a listed task\'s job stays with us past the lease', async (t) => {
    const family = userTaskWorkers({ zeebe: client, db, logger: silentLogger, publicUrl: 'http://localhost:3000' }, { leaseMs });
    t.teardown(() => family.close());
    const instance = await client.createProcessInstance({ bpmnProcessId: 'lease-review', variables: {} });
    await eventually('the task row', async () => (await rowsOf(instance.processInstanceKey)).length === 1, { timeoutMs: 10_000 });
    // Time deliberately let pass: two leases and a half, long enough for an unextended job to come back.
    await new Promise((resolve) => setTimeout(resolve, leaseMs * 2.5));
    t.same(await activate(client, userTaskJobType, 10, 500), [], 'nothing to activate: the lease was extended');
    t.equal((await rowsOf(instance.processInstanceKey)).length, 1, 'one row');
  });

  t.test('a task whose worker died before listing it comes back after the lease and is listed once', async (t) => {
    const instance = await client.createProcessInstance({ bpmnProcessId: 'lease-review', variables: {} });
    // A workers process took the job with the lease, and died.
    const [dead] = await activate(client, userTaskJobType, 1, 2_000, [], leaseMs);
    t.equal(dead?.processInstanceKey, instance.processInstanceKey);
    const family = userTaskWorkers({ zeebe: client, db, logger: silentLogger, publicUrl: 'http://localhost:3000' }, { leaseMs });
    t.teardown(() => family.close());
    const started = Date.now();
    await eventually('the task row', async () => (await rowsOf(instance.processInstanceKey)).length === 1, { timeoutMs: 10_000 });
    t.ok(Date.now() - started < 10_000, `listed ${Date.now() - started} ms later`);
  });

  t.test('a task listed but not yet kept (died before UpdateJobTimeout) comes back to its own row: no duplicate', async (t) => {
    const instance = await client.createProcessInstance({ bpmnProcessId: 'lease-review', variables: {} });
    const [job] = await activate(client, userTaskJobType, 1, 2_000, [], leaseMs);
    await createTaskStore({ db, logger: silentLogger }).store({
      jobKey: String(job!.key), processInstanceKey: String(job!.processInstanceKey), processDefinitionKey: String(job!.processDefinitionKey),
      elementInstanceKey: String(job!.elementInstanceKey), elementId: String(job!.elementId), bpmnProcessId: String(job!.bpmnProcessId),
      retries: Number(job!.retries), headers: job!.customHeaders, variables: job!.variables,
    });
    const family = userTaskWorkers({ zeebe: client, db, logger: silentLogger, publicUrl: 'http://localhost:3000' }, { leaseMs });
    t.teardown(() => family.close());
    // After the lease the job comes again; the family finds the row and keeps the job.
    await new Promise((resolve) => setTimeout(resolve, leaseMs * 3));
    t.same(await activate(client, userTaskJobType, 10, 500), [], 'the job is kept now');
    t.equal((await rowsOf(instance.processInstanceKey)).length, 1, 'still one row');
  });
});
