// Remaining protocol corners: job streams, with-result time-outs, message
// time-to-live, timer start events, errors thrown in a called process.
import t from 'tap';
import { activate, bpmn, chain, deploy, flow, message, serviceTask, startTestEngine, waitingAtEngine } from './helpers.ts';
import { eventually } from '../helpers/eventually.ts';

const { client, db, engine } = await startTestEngine(t);

t.test('StreamActivatedJobs pushes jobs as they become activatable', async (t) => {
  await deploy(client, chain('streamed', [{ id: 'work', xml: serviceTask('work', 'streamed-work') }]));
  const stream = await (client as any).grpc.streamActivatedJobsStream({ type: 'streamed-work', worker: 'streamer', timeout: 30_000, fetchVariable: [], tenantIds: [] });
  const received: Array<Record<string, any>> = [];
  stream.on('data', (job: Record<string, any>) => received.push(job));
  stream.on('error', () => undefined);
  await waitingAtEngine(engine, 'streamed-work', 'streams');
  await client.createProcessInstance({ bpmnProcessId: 'streamed', variables: { n: 1 } });
  await client.createProcessInstance({ bpmnProcessId: 'streamed', variables: { n: 2 } });
  await eventually('both instances on the job stream', async () => received.length === 2);
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
  await eventually('the expired message to go', async () => (await db('engine_messages').where({ name: 'short-lived' })).length === 0, { timeoutMs: 3_000 });
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
  await eventually('two repetitions of the timer cycle', async () => {
    jobs.push(...await activate(client, 'tick-work', 5, -1));
    return jobs.length >= 2;
  }, { timeoutMs: 5_000 });
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

t.test('a message start event starts one instance per correlation key while it runs', async (t) => {
  const xml = bpmn('one-per-key', `
    <bpmn:startEvent id="start"><bpmn:messageEventDefinition messageRef="s" /></bpmn:startEvent>
    ${serviceTask('work', 'one-per-key-work')}<bpmn:endEvent id="end" />${flow('f1', 'start', 'work')}${flow('f2', 'work', 'end')}`, message('s', 'open-case'));
  await deploy(client, xml);
  await client.publishMessage({ name: 'open-case', correlationKey: 'case-1', variables: {}, timeToLive: 0 });
  await client.publishMessage({ name: 'open-case', correlationKey: 'case-1', variables: {}, timeToLive: 0 });
  await client.publishMessage({ name: 'open-case', correlationKey: 'case-2', variables: {}, timeToLive: 0 });
  t.equal((await db('engine_process_instances').where({ bpmn_process_id: 'one-per-key' })).length, 2);
  const jobs = await activate(client, 'one-per-key-work');
  for (const job of jobs) await client.completeJob({ jobKey: job.key, variables: {} });
  await client.publishMessage({ name: 'open-case', correlationKey: 'case-1', variables: {}, timeToLive: 0 });
  t.equal((await db('engine_process_instances').where({ bpmn_process_id: 'one-per-key' })).length, 1, 'after it ended, the key may start again');
});

t.test('signal boundary, non-interrupting timer event subprocess, sequential multi-instance with completion condition', async (t) => {
  const signalled = bpmn('stoppable', `
    <bpmn:startEvent id="start" />${serviceTask('work', 'stoppable-work')}
    <bpmn:boundaryEvent id="stop" attachedToRef="work"><bpmn:signalEventDefinition signalRef="sig" /></bpmn:boundaryEvent>
    <bpmn:endEvent id="end" /><bpmn:endEvent id="stopped" />${flow('f1', 'start', 'work')}${flow('f2', 'work', 'end')}${flow('f3', 'stop', 'stopped')}
    <bpmn:subProcess id="remind" triggeredByEvent="true">
      <bpmn:startEvent id="every" isInterrupting="false"><bpmn:timerEventDefinition><bpmn:timeCycle>R/PT0.1S</bpmn:timeCycle></bpmn:timerEventDefinition></bpmn:startEvent>
      ${serviceTask('ping', 'stoppable-reminder')}<bpmn:endEvent id="rend" />${flow('r1', 'every', 'ping')}${flow('r2', 'ping', 'rend')}
    </bpmn:subProcess>`, '<bpmn:signal id="sig" name="stop-all" />');
  await deploy(client, signalled);
  const instance = await client.createProcessInstance({ bpmnProcessId: 'stoppable', variables: {} });
  const reminders = await eventually('a reminder from the timer event subprocess', async () => {
    const found = await activate(client, 'stoppable-reminder', 10, -1);
    return found.length > 0 ? found : undefined;
  });
  t.ok(reminders.length > 0, 'the non-interrupting timer event subprocess ran beside the task');
  t.equal((await activate(client, 'stoppable-work', 5, -1)).length, 1, 'the task is still active');
  await client.broadcastSignal({ signalName: 'stop-all', variables: {} });
  t.equal((await db('engine_jobs').where({ type: 'stoppable-work' })).length, 0, 'the signal boundary interrupted the task');
  for (const job of reminders) await client.completeJob({ jobKey: job.key, variables: {} }).catch(() => undefined);
  await client.cancelProcessInstance(instance.processInstanceKey).catch(() => undefined);

  const mi = `<bpmn:scriptTask id="try"><bpmn:extensionElements><zeebe:script expression="=item" resultVariable="seen" /></bpmn:extensionElements>
    <bpmn:multiInstanceLoopCharacteristics isSequential="true"><bpmn:extensionElements><zeebe:loopCharacteristics inputCollection="=[1,2,3,4,5]" inputElement="item" outputCollection="tried" outputElement="=item" /></bpmn:extensionElements>
    <bpmn:completionCondition xsi:type="bpmn:tFormalExpression">=item &gt;= 3</bpmn:completionCondition></bpmn:multiInstanceLoopCharacteristics></bpmn:scriptTask>`;
  await deploy(client, chain('until-three', [{ id: 'try', xml: mi }]));
  const result = await client.createProcessInstanceWithResult({ bpmnProcessId: 'until-three', variables: {} });
  t.same(result.variables.tried, [1, 2, 3, null, null], 'stopped after the third iteration');
});

t.test('ThrowError variables reach the catching boundary and its output mappings', async (t) => {
  const xml = bpmn('error-vars', `
    <bpmn:startEvent id="start" />${serviceTask('check', 'error-vars-check')}
    <bpmn:boundaryEvent id="bad" attachedToRef="check"><bpmn:extensionElements><zeebe:ioMapping><zeebe:output source="=reason" target="rejection" /></zeebe:ioMapping></bpmn:extensionElements><bpmn:errorEventDefinition errorRef="e" /></bpmn:boundaryEvent>
    <bpmn:endEvent id="end" /><bpmn:endEvent id="end2" />${flow('f1', 'start', 'check')}${flow('f2', 'check', 'end')}${flow('f3', 'bad', 'end2')}`, '<bpmn:error id="e" errorCode="BAD" />');
  await deploy(client, xml);
  const pending = client.createProcessInstanceWithResult({ bpmnProcessId: 'error-vars', variables: {}, requestTimeout: 5_000 });
  const [job] = await activate(client, 'error-vars-check');
  await client.throwError({ jobKey: job!.key, errorCode: 'BAD', errorMessage: 'x', variables: { reason: 'missing deed' } } as never);
  const result = await pending;
  t.equal(result.variables.rejection, 'missing deed');
  t.notOk('reason' in result.variables, 'with an output mapping the raw variable stays local');
});
