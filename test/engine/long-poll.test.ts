// A job handed to an ActivateJobs call that is gone — the client cancelled,
// its deadline passed, the connection broke — is activatable again at once,
// retries unchanged, instead of waiting out its timeout (30 days for a user task).
import { credentials, makeGenericClientConstructor, type Client } from '@grpc/grpc-js';
import net from 'node:net';
import t from 'tap';
import { gatewayService } from '../../engine/grpc/protocol.ts';
import { eventually } from '../helpers/eventually.ts';
import { activate, chain, deploy, newClient, serviceTask, startTestEngine, waitingAtEngine } from './helpers.ts';

const { client, engine, db } = await startTestEngine(t);
const monthMs = 30 * 24 * 3_600_000;
await deploy(client, chain('parked', [{ id: 'review', xml: serviceTask('review', 'poll.review', '<zeebe:taskHeaders />') }]));

/** Opens a zeebe-node long poll (a month's job timeout, like a user task) and returns its stream. */
async function openLongPoll(type: string, requestTimeout = 10_000): Promise<{ cancel(): void; delivered(): number; received: Promise<number> }> {
  const stream = await (client as any).grpc.activateJobsStream({ type, worker: 'gone', timeout: monthMs, maxJobsToActivate: 5, requestTimeout, fetchVariable: [], tenantIds: [] });
  let count = 0;
  const received = new Promise<number>((resolve) => {
    stream.on('data', (response: any) => { count += response.jobs.length; });
    stream.on('end', () => resolve(count));
    stream.on('error', () => resolve(count));
    stream.on('close', () => resolve(count));
  });
  return { cancel: () => stream.cancel(), delivered: () => count, received };
}

/** The jobs of `type` a worker could take now, once there are any. */
function activatableSoon(type: string): Promise<Array<Record<string, any>>> {
  return eventually(`a ${type} job to take`, async () => {
    const jobs = await activate(client, type, 5, -1, [], 60_000);
    return jobs.length > 0 ? jobs : undefined;
  }, { timeoutMs: 2_000, intervalMs: 20 });
}

t.test('a long poll cancelled before its job appears takes nothing with it', async (t) => {
  await deploy(client, chain('early', [{ id: 'review', xml: serviceTask('review', 'poll.early') }]));
  const poll = await openLongPoll('poll.early');
  await waitingAtEngine(engine, 'poll.early');
  poll.cancel();
  t.equal(await poll.received, 0);
  await client.createProcessInstance({ bpmnProcessId: 'early', variables: {} });
  const jobs = await activatableSoon('poll.early');
  t.equal(jobs.length, 1, 'the job goes to the next worker');
  await client.completeJob({ jobKey: jobs[0]!.key, variables: {} });
});

t.test('a job activated for a long poll that is cancelled while the activation commits is activatable again at once', async (t) => {
  await deploy(client, chain('racing', [{ id: 'review', xml: serviceTask('review', 'poll.racing') }]));
  const poll = await openLongPoll('poll.racing');
  await waitingAtEngine(engine, 'poll.racing');
  // Hold the engine's next commit (as a slow disk would): the job is activated
  // for the waiting call in memory, and the call is cancelled before the answer can go.
  const blocker = await db.client.acquireConnection();
  t.teardown(() => db.client.releaseConnection(blocker));
  await blocker.query('BEGIN');
  await blocker.query('LOCK TABLE engine_jobs IN EXCLUSIVE MODE');
  const created = client.createProcessInstance({ bpmnProcessId: 'racing', variables: {} });
  await eventually('the commit of the activation waiting for the locked table', async () => {
    const { rows } = await db.raw(`SELECT count(*)::int AS waiting FROM pg_locks WHERE NOT granted AND relation = 'engine_jobs'::regclass`);
    return rows[0].waiting > 0;
  }, { intervalMs: 10 });
  poll.cancel();
  // Nothing outside the engine shows that the cancellation has reached it: it is given this long to, before the commit goes on.
  await new Promise((resolve) => setTimeout(resolve, 150));
  await blocker.query('COMMIT');
  await created;
  t.equal(await poll.received, 0, 'the cancelled call got nothing');
  const jobs = await activatableSoon('poll.racing');
  t.equal(jobs.length, 1, 'the job is activatable again at once, not after its month-long timeout');
  t.equal(jobs[0]?.retries, 3, 'retries unchanged');
  const row = await db('engine_jobs').where({ key: jobs[0]!.key }).first();
  t.match(row.data.errorMessage, /worker that was gone/, 'the job says why it came back');
  await client.completeJob({ jobKey: jobs[0]!.key, variables: {} });
});

t.test('a job the call received before it was cancelled stays with that worker', async (t) => {
  await deploy(client, chain('late', [{ id: 'review', xml: serviceTask('review', 'poll.late') }]));
  const poll = await openLongPoll('poll.late');
  await waitingAtEngine(engine, 'poll.late');
  await client.createProcessInstance({ bpmnProcessId: 'late', variables: {} });
  await eventually('the job on the long poll', () => poll.delivered() === 1, { intervalMs: 10 });
  poll.cancel();
  t.equal(await poll.received, 1, 'delivered');
  t.same(await activate(client, 'poll.late', 5, -1), [], 'not activatable twice');
});

t.test('a job activated for a call whose deadline passed goes back at once', async (t) => {
  const Gateway = makeGenericClientConstructor(gatewayService(), 'Gateway');
  const raw = new Gateway(`localhost:${engine.port}`, credentials.createInsecure()) as Client & Record<string, any>;
  t.teardown(() => raw.close());
  // A zeebe-node client with its own deadline would do the same; grpc-js lets us set a short one.
  const call = raw.ActivateJobs({ type: 'poll.deadline', worker: 'late', timeout: monthMs, maxJobsToActivate: 1, requestTimeout: 10_000 }, { deadline: Date.now() + 300 });
  const ended = new Promise<string>((resolve) => { call.on('error', (error: any) => resolve(String(error.code))); call.on('end', () => resolve('end')); call.on('data', () => undefined); });
  await deploy(client, chain('deadline', [{ id: 'review', xml: serviceTask('review', 'poll.deadline') }]));
  t.equal(await ended, '4', 'the call ended with DEADLINE_EXCEEDED');
  await client.createProcessInstance({ bpmnProcessId: 'deadline', variables: {} });
  const jobs = await activatableSoon('poll.deadline');
  t.equal(jobs.length, 1, 'the job waits for the next worker, not for the dead call');
  await client.completeJob({ jobKey: jobs[0]!.key, variables: {} });
});

t.test('a worker whose connection breaks mid-poll leaves no job behind', async (t) => {
  // The worker reaches the engine through a TCP relay that is then cut.
  const sockets = new Set<net.Socket>();
  const relay = net.createServer((inbound) => {
    const outbound = net.connect(engine.port, 'localhost');
    for (const socket of [inbound, outbound]) { sockets.add(socket); socket.on('error', () => undefined); }
    inbound.pipe(outbound).pipe(inbound);
  });
  await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
  t.teardown(() => relay.close());
  const doomed = newClient(t, (relay.address() as net.AddressInfo).port);
  const stream = await (doomed as any).grpc.activateJobsStream({ type: 'poll.broken', worker: 'doomed', timeout: monthMs, maxJobsToActivate: 1, requestTimeout: 10_000, fetchVariable: [], tenantIds: [] });
  let received = 0;
  stream.on('error', () => undefined);
  stream.on('data', (response: any) => { received += response.jobs.length; });
  await deploy(client, chain('broken', [{ id: 'review', xml: serviceTask('review', 'poll.broken') }]));
  await waitingAtEngine(engine, 'poll.broken');
  const created = client.createProcessInstance({ bpmnProcessId: 'broken', variables: {} });
  for (const socket of sockets) socket.destroy();
  await created;
  t.equal(received, 0, 'the cut-off worker never got the job');
  const jobs = await activatableSoon('poll.broken');
  t.equal(jobs.length, 1, 'the job is activatable for the next worker');
});
