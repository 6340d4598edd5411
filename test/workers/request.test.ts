// Request bookkeeping handlers against real PostgreSQL, and the
// one-instance-per-request rule through the engine. (Storing user tasks is
// tested in user-tasks.test.ts.)
import t from 'tap';
import { requestWorkers } from '../../workers/request/index.ts';
import { createRequestHandlers } from '../../workers/request/handlers.ts';
import { PermanentFault } from '../../workers/job.ts';
import { activate, chain, deploy, serviceTask } from '../engine/helpers.ts';
import { eventually } from '../helpers/eventually.ts';
import { closeAtEnd, startTestEngine } from './engine.ts';
import { jobOf, seedRequest, silentLogger, startVariables } from './helpers.ts';

t.test('request.status', async (t) => {
  const { db, client } = await startTestEngine(t);
  const handlers = createRequestHandlers({ db, logger: silentLogger, zeebe: client });

  t.test('given a milestone job delivered twice, it is recorded once and sets the status', async (t) => {
    const request = await seedRequest(db);
    const job = jobOf({ headers: { status: 'under-review' }, elementId: 'Task_RecordUnderReview', variables: startVariables(request) as never });
    t.same(await handlers.status(job), { complete: {} });
    t.same(await handlers.status(job), { complete: {} });
    const events = await db('request_events').where({ request_id: request.id });
    t.equal(events.length, 1);
    t.equal(events[0].kind, 'under-review');
    t.equal(events[0].element_id, 'Task_RecordUnderReview');
    t.equal((await db('requests').where({ id: request.id }).first()).status, 'under-review');
  });

  t.test('a rejection keeps its reason in the timeline', async (t) => {
    const request = await seedRequest(db);
    await handlers.status(jobOf({ headers: { status: 'rejected' }, variables: { ...startVariables(request), reason: 'مدارک ناقص' } }));
    const event = await db('request_events').where({ request_id: request.id }).first();
    t.same(event.data, { reason: 'مدارک ناقص' });
  });

  t.test('bad inputs fail permanently', async (t) => {
    const request = await seedRequest(db);
    await t.rejects(handlers.status(jobOf({ headers: { status: 'flying' }, variables: startVariables(request) as never })), PermanentFault);
    await t.rejects(handlers.status(jobOf({ headers: { status: 'approved' }, variables: {} })), /requestId/);
    await t.rejects(handlers.status(jobOf({ headers: { status: 'approved' }, variables: { requestId: '00000000-0000-4000-8000-000000000000' } })), /does not exist/);
    await t.rejects(handlers.status(jobOf({ headers: { status: 'approved' }, variables: { requestId: 'nonsense' } })), PermanentFault);
  });
});

t.test('request.close', async (t) => {
  const { db, client } = await startTestEngine(t);
  const handlers = createRequestHandlers({ db, logger: silentLogger, zeebe: client });

  t.test('closes once with its outcome; a later milestone does not reopen it', async (t) => {
    const request = await seedRequest(db);
    const job = jobOf({ variables: { ...startVariables(request), outcome: 'completed' } });
    await handlers.close(job);
    const first = await db('requests').where({ id: request.id }).first();
    await handlers.close(job);
    const second = await db('requests').where({ id: request.id }).first();
    t.equal(second.status, 'closed');
    t.equal(second.outcome, 'completed');
    t.same(second.closed_at, first.closed_at);
    await handlers.status(jobOf({ headers: { status: 'approved' }, variables: startVariables(request) as never }));
    t.equal((await db('requests').where({ id: request.id }).first()).status, 'closed');
    t.equal(await db('request_events').where({ request_id: request.id, kind: 'closed' }).count().first().then((r) => Number(r!.count)), 1);
  });

  t.test('an unknown outcome fails permanently', async (t) => {
    const request = await seedRequest(db);
    await t.rejects(handlers.close(jobOf({ variables: { ...startVariables(request), outcome: 'maybe' } })), PermanentFault);
  });
});

// A service diagram's head as every one of the 54 has it: request.status
// "received" first, then work (here a job nobody takes, so the instance waits).
const serviceHead = (serviceId: string) => chain(serviceId, [
  { id: 'Task_RecordReceived', xml: serviceTask('Task_RecordReceived', 'request.status', '<zeebe:taskHeaders><zeebe:header key="status" value="received" /></zeebe:taskHeaders>') },
  { id: 'Task_Work', xml: serviceTask('Task_Work', 'test.work') },
]);

/** Whether the engine still has the instance: cancelling a finished or cancelled one is refused. */
const cancelRefused = (client: { cancelProcessInstance(key: string): Promise<void> }, key: string) =>
  client.cancelProcessInstance(key).then(() => false, () => true);

t.test('one instance per request', async (t) => {
  const { db, client } = await startTestEngine(t);
  await deploy(client, serviceHead('tree-pruning'), 'tree-pruning.bpmn');
  const workerDeps = { zeebe: client, db, logger: silentLogger, publicUrl: 'http://localhost:3000' };

  t.test('given two instances of one request with no key recorded, exactly one survives and records one milestone', async (t) => {
    const request = await seedRequest(db);
    const variables = startVariables(request);
    const [a, b] = await Promise.all([
      client.createProcessInstance({ bpmnProcessId: 'tree-pruning', variables: variables as never }),
      client.createProcessInstance({ bpmnProcessId: 'tree-pruning', variables: variables as never }),
    ]);
    const keys = [String(a.processInstanceKey), String(b.processInstanceKey)];
    const family = requestWorkers(workerDeps);
    closeAtEnd(t, family);
    const winner = await eventually('the winner\'s recorded key', async () => (await db('requests').where({ id: request.id }).first()).process_instance_key as string | null);
    t.ok(keys.includes(winner), 'one of the two is recorded');
    const loser = keys.find((key) => key !== winner)!;
    await eventually('the loser\'s cancellation', async () => cancelRefused(client, loser), { timeoutMs: 10_000 });
    const waiting = await activate(client, 'test.work', 10, 2_000);
    t.same(waiting.map((job) => String(job.processInstanceKey)), [winner], 'only the recorded instance goes on to work');
    const received = await db('request_events').where({ request_id: request.id, kind: 'received' });
    t.equal(received.length, 1, 'one received milestone');
    t.notOk(await cancelRefused(client, winner), 'the recorded instance was still running');
  });

  t.test('given the key of an earlier instance recorded (the sweeper started a second one), the second cancels itself', async (t) => {
    const request = await seedRequest(db);
    const first = await client.createProcessInstance({ bpmnProcessId: 'tree-pruning', variables: startVariables(request) as never });
    await db('requests').where({ id: request.id }).update({ process_instance_key: String(first.processInstanceKey) });
    const second = await client.createProcessInstance({ bpmnProcessId: 'tree-pruning', variables: startVariables(request) as never });
    const family = requestWorkers(workerDeps);
    closeAtEnd(t, family);
    await eventually('the second instance\'s cancellation', async () => cancelRefused(client, String(second.processInstanceKey)), { timeoutMs: 10_000 });
    await eventually('one received event', async () => (await db('request_events').where({ request_id: request.id, kind: 'received' })).length === 1);
    const events = await db('request_events').where({ request_id: request.id });
    t.same(events.map((event) => event.dedupe_key.split(':')[0]), [String(first.processInstanceKey)], 'the timeline holds the first instance only');
    t.equal((await db('requests').where({ id: request.id }).first()).process_instance_key, String(first.processInstanceKey));
  });

  t.test('an instance of a request the citizen withdrew before it started cancels itself', async (t) => {
    const request = await seedRequest(db);
    await db('requests').where({ id: request.id }).update({ status: 'closed', outcome: 'cancelled', closed_at: db.fn.now() });
    const late = await client.createProcessInstance({ bpmnProcessId: 'tree-pruning', variables: startVariables(request) as never });
    const family = requestWorkers(workerDeps);
    closeAtEnd(t, family);
    await eventually('the late instance\'s cancellation', async () => cancelRefused(client, String(late.processInstanceKey)), { timeoutMs: 10_000 });
    t.equal((await db('request_events').where({ request_id: request.id })).length, 0, 'nothing recorded');
    t.match(await db('requests').where({ id: request.id }).first(), { status: 'closed', process_instance_key: null });
  });

  t.test('called processes are not the request\'s instance and are left alone', async (t) => {
    const request = await seedRequest(db);
    await db('requests').where({ id: request.id }).update({ process_instance_key: '2251799813999999' });
    const handlers = createRequestHandlers({ db, logger: silentLogger, zeebe: client });
    await handlers.status(jobOf({ bpmnProcessId: 'correction', headers: { status: 'under-review' }, variables: startVariables(request) as never }));
    t.equal((await db('requests').where({ id: request.id }).first()).status, 'under-review');
  });
});
