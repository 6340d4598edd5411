// Remaining protocol corners: job streams, with-result time-outs, message
// time-to-live, timer start events, errors thrown in a called process.
import t from 'tap';
import { activate, bpmn, chain, deploy, eventually, flow, message, serviceTask, startTestEngine } from './helpers.ts';

const { client, db } = await startTestEngine(t);

t.test('StreamActivatedJobs pushes jobs as they become activatable', async (t) => {
  await deploy(client, chain('streamed', [{ id: 'work', xml: serviceTask('work', 'streamed-work') }]));
  const stream = await (client as any).grpc.streamActivatedJobsStream({ type: 'streamed-work', worker: 'streamer', timeout: 30_000, fetchVariable: [], tenantIds: [] });
  const received: Array<Record<string, any>> = [];
  stream.on('data', (job: Record<string, any>) => received.push(job));
  stream.on('error', () => undefined);
  await new Promise((resolve) => setTimeout(resolve, 200));
  await client.createProcessInstance({ bpmnProcessId: 'streamed', variables: { n: 1 } });
  await client.createProcessInstance({ bpmnProcessId: 'streamed', variables: { n: 2 } });
  await eventually(async () => received.length === 2);
  t.same(received.map((job) => JSON.parse(job.variables).n).sort(), [1, 2]);
  stream.cancel();
  for (const job of received) await client.completeJob({ jobKey: job.key, variables: {} });
});

t.test('CreateProcessInstanceWithResult times out with DEADLINE_EXCEEDED', async (t) => {
  await deploy(client, chain('slow-result', [{ id: 'work', xml: serviceTask('work', 'nobody-works') }]));
  await t.rejects(client.createProcessInstanceWithResult({ bpmnProcessId: 'slow-result', variables: {}, requestTimeout: 300 }), { code: 4 });
});

t.test('a buffered message expires after its time to live', async (t) => {
  await deploy(client, chain('late-waiter', [{ id: 'wait', xml: '<bpmn:intermediateCatchEvent id="wait"><bpmn:messageEventDefinition messageRef="m" /></bpmn:intermediateCatchEvent>' }],
    message('m', 'short-lived', '=id')));
  await client.publishMessage({ name: 'short-lived', correlationKey: 'k', variables: {}, timeToLive: 200 });
  t.equal((await db('engine_messages').where({ name: 'short-lived' })).length, 1);
  await eventually(async () => (await db('engine_messages').where({ name: 'short-lived' })).length === 0, 3_000);
  const instance = await client.createProcessInstance({ bpmnProcessId: 'late-waiter', variables: { id: 'k' } });
  t.ok(await db('engine_process_instances').where({ key: instance.processInstanceKey }).first(), 'the expired message did not correlate');
  await client.cancelProcessInstance(instance.processInstanceKey);
});

t.test('timer start event creates instances on its cycle; a new version replaces the timer', async (t) => {
  const xml = (type: string) => bpmn('ticker', `
    <bpmn:startEvent id="tick"><bpmn:timerEventDefinition><bpmn:timeCycle>R2/PT0.2S</bpmn:timeCycle></bpmn:timerEventDefinition></bpmn:startEvent>
    ${serviceTask('work', type)}<bpmn:endEvent id="end" />${flow('f1', 'tick', 'work')}${flow('f2', 'work', 'end')}`);
  await deploy(client, xml('tick-work'));
  const jobs: Array<Record<string, any>> = [];
  await eventually(async () => {
    jobs.push(...await activate(client, 'tick-work', 5, -1));
    return jobs.length >= 2;
  }, 5_000);
  t.equal(jobs.length, 2, 'two repetitions, two instances');
  await deploy(client, xml('tick-work-v2'));
  const timers = await db('engine_timers').whereNull('process_instance_key');
  t.equal(timers.length, 1, 'only the latest version has a start timer');
});

t.test('an error thrown in a called process is caught on the call activity', async (t) => {
  await deploy(client, chain('risky-child', [{ id: 'risky', xml: serviceTask('risky', 'risky-child-work') }]));
  const parent = bpmn('careful-parent', `
    <bpmn:startEvent id="start" />
    <bpmn:callActivity id="call"><bpmn:extensionElements><zeebe:calledElement processId="risky-child" /></bpmn:extensionElements></bpmn:callActivity>
    <bpmn:boundaryEvent id="failed" attachedToRef="call"><bpmn:errorEventDefinition errorRef="e" /></bpmn:boundaryEvent>
    <bpmn:endEvent id="ok" /><bpmn:endEvent id="handled" />
    ${flow('f1', 'start', 'call')}${flow('f2', 'call', 'ok')}${flow('f3', 'failed', 'handled')}`, '<bpmn:error id="e" errorCode="CHILD_FAILED" />');
  await deploy(client, parent);
  const instance = await client.createProcessInstance({ bpmnProcessId: 'careful-parent', variables: {} });
  const [job] = await activate(client, 'risky-child-work');
  await client.throwError({ jobKey: job!.key, errorCode: 'CHILD_FAILED', errorMessage: 'no' });
  t.notOk(await db('engine_process_instances').where({ key: instance.processInstanceKey }).first(), 'parent finished through the boundary');
  t.equal((await db('engine_process_instances').where({ bpmn_process_id: 'risky-child' })).length, 0, 'child terminated');
});
