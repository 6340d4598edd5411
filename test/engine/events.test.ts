// Messages, timers, signals, boundary events, event-based gateways and event subprocesses.
import t from 'tap';
import { activate, bpmn, chain, deploy, flow, message, serviceTask, startTestEngine } from './helpers.ts';
import { eventually } from '../helpers/eventually.ts';

const { client, db } = await startTestEngine(t);
const alive = async (key: string) => Boolean(await db('engine_process_instances').where({ key }).first());

t.test('message catch correlates by name and key; buffered messages wait their TTL; ids de-duplicate', async (t) => {
  const xml = chain('paid', [{ id: 'wait', xml: '<bpmn:intermediateCatchEvent id="wait"><bpmn:messageEventDefinition messageRef="m" /></bpmn:intermediateCatchEvent>' }],
    message('m', 'payment-received', '=requestId'));
  await deploy(client, xml);
  const a = await client.createProcessInstance({ bpmnProcessId: 'paid', variables: { requestId: 'r-1' } });
  await client.publishMessage({ name: 'payment-received', correlationKey: 'other', variables: {}, timeToLive: 0 });
  t.ok(await alive(a.processInstanceKey), 'a different key does not correlate');
  await client.publishMessage({ name: 'payment-received', correlationKey: 'r-1', variables: { amount: 5 }, timeToLive: 0 });
  t.notOk(await alive(a.processInstanceKey), 'the matching message completes it');

  await client.publishMessage({ name: 'payment-received', correlationKey: 'r-2', messageId: 'once', variables: { early: true }, timeToLive: 60_000 });
  await t.rejects(client.publishMessage({ name: 'payment-received', correlationKey: 'r-2', messageId: 'once', variables: {}, timeToLive: 60_000 }), { code: 6 }, 'same id is ALREADY_EXISTS');
  const b = await client.createProcessInstanceWithResult({ bpmnProcessId: 'paid', variables: { requestId: 'r-2' }, requestTimeout: 5_000 });
  t.equal(b.variables.early, true, 'a buffered message correlates to a later subscription');
});

t.test('receive task and message start event', async (t) => {
  const xml = bpmn('starter', `
    <bpmn:startEvent id="start"><bpmn:messageEventDefinition messageRef="s" /></bpmn:startEvent>
    <bpmn:receiveTask id="recv" messageRef="r" />
    <bpmn:endEvent id="end" />
    ${flow('f1', 'start', 'recv')}${flow('f2', 'recv', 'end')}`, message('s', 'complaint-filed') + message('r', 'complaint-answered', '=caseId'));
  await deploy(client, xml);
  await client.publishMessage({ name: 'complaint-filed', correlationKey: 'c-9', variables: { caseId: 'c-9' }, timeToLive: 0 });
  const row = await eventually('the instance the message started', () => db('engine_process_instances').where({ bpmn_process_id: 'starter' }).first());
  await client.publishMessage({ name: 'complaint-answered', correlationKey: 'c-9', variables: {}, timeToLive: 0 });
  t.notOk(await alive(row.key), 'receive task completed the instance');
});

t.test('timer catch fires; interrupting timer boundary cancels the task', async (t) => {
  await deploy(client, chain('sleepy', [{ id: 'nap', xml: '<bpmn:intermediateCatchEvent id="nap"><bpmn:timerEventDefinition><bpmn:timeDuration>PT0.2S</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>' }]));
  const r = await client.createProcessInstanceWithResult({ bpmnProcessId: 'sleepy', variables: { x: 1 }, requestTimeout: 5_000 });
  t.equal(r.variables.x, 1);

  const xml = bpmn('deadline', `
    <bpmn:startEvent id="start" />${serviceTask('slow', 'never-done')}
    <bpmn:boundaryEvent id="late" attachedToRef="slow"><bpmn:timerEventDefinition><bpmn:timeDuration>=duration("PT0.2S")</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:boundaryEvent>
    <bpmn:endEvent id="done" /><bpmn:endEvent id="escalated" />
    ${flow('f1', 'start', 'slow')}${flow('f2', 'slow', 'done')}${flow('f3', 'late', 'escalated')}`);
  await deploy(client, xml);
  await client.createProcessInstanceWithResult({ bpmnProcessId: 'deadline', variables: {}, requestTimeout: 5_000 });
  t.same(await activate(client, 'never-done', 5, -1), [], 'the task job was cancelled');
});

t.test('non-interrupting message boundary leaves the task running; timer cycle repeats', async (t) => {
  const xml = bpmn('reminders', `
    <bpmn:startEvent id="start" />${serviceTask('work', 'long-work')}
    <bpmn:boundaryEvent id="nudge" attachedToRef="work" cancelActivity="false"><bpmn:messageEventDefinition messageRef="n" /></bpmn:boundaryEvent>
    <bpmn:boundaryEvent id="tick" attachedToRef="work" cancelActivity="false"><bpmn:timerEventDefinition><bpmn:timeCycle>R2/PT0.1S</bpmn:timeCycle></bpmn:timerEventDefinition></bpmn:boundaryEvent>
    ${serviceTask('notify', 'send-nudge')}
    <bpmn:endEvent id="end" /><bpmn:endEvent id="end2" /><bpmn:endEvent id="end3" />
    ${flow('f1', 'start', 'work')}${flow('f2', 'work', 'end')}${flow('f3', 'nudge', 'notify')}${flow('f4', 'notify', 'end2')}${flow('f5', 'tick', 'end3')}`,
  message('n', 'nudge', '=id'));
  await deploy(client, xml);
  const instance = await client.createProcessInstance({ bpmnProcessId: 'reminders', variables: { id: 'n1' } });
  await client.publishMessage({ name: 'nudge', correlationKey: 'n1', variables: {}, timeToLive: 0 });
  const [nudge] = await activate(client, 'send-nudge');
  t.ok(nudge, 'the boundary path runs');
  await eventually('the boundary timer\'s removal', async () => (await db('engine_timers').where({ process_instance_key: instance.processInstanceKey })).length === 0, { timeoutMs: 3_000 });
  const [work] = await activate(client, 'long-work');
  t.ok(work, 'the task is still there');
  await client.completeJob({ jobKey: nudge!.key, variables: {} });
  await client.completeJob({ jobKey: work!.key, variables: {} });
  t.notOk(await alive(instance.processInstanceKey));
});

t.test('event-based gateway: the first event wins', async (t) => {
  const xml = bpmn('race', `
    <bpmn:startEvent id="start" /><bpmn:eventBasedGateway id="gw" />
    <bpmn:intermediateCatchEvent id="answer"><bpmn:messageEventDefinition messageRef="a" /></bpmn:intermediateCatchEvent>
    <bpmn:intermediateCatchEvent id="timeout"><bpmn:timerEventDefinition><bpmn:timeDuration>PT1H</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>
    <bpmn:endEvent id="e1" /><bpmn:endEvent id="e2" />
    ${flow('f1', 'start', 'gw')}${flow('f2', 'gw', 'answer')}${flow('f3', 'gw', 'timeout')}${flow('f4', 'answer', 'e1')}${flow('f5', 'timeout', 'e2')}`,
  message('a', 'answer', '=id'));
  await deploy(client, xml);
  const instance = await client.createProcessInstance({ bpmnProcessId: 'race', variables: { id: 'q' } });
  t.equal((await db('engine_timers').where({ process_instance_key: instance.processInstanceKey })).length, 1);
  await client.publishMessage({ name: 'answer', correlationKey: 'q', variables: { reply: 'yes' }, timeToLive: 0 });
  t.notOk(await alive(instance.processInstanceKey));
  t.equal((await db('engine_timers').where({ process_instance_key: instance.processInstanceKey })).length, 0, 'the timer is gone');
});

t.test('signals: start events, catch events and broadcast', async (t) => {
  const xml = bpmn('alarm', `
    <bpmn:startEvent id="start"><bpmn:signalEventDefinition signalRef="sig" /></bpmn:startEvent>
    <bpmn:intermediateCatchEvent id="allClear"><bpmn:signalEventDefinition signalRef="clear" /></bpmn:intermediateCatchEvent>
    <bpmn:endEvent id="end" />${flow('f1', 'start', 'allClear')}${flow('f2', 'allClear', 'end')}`,
  '<bpmn:signal id="sig" name="flood-warning" /><bpmn:signal id="clear" name="all-clear" />');
  await deploy(client, xml);
  const signal = await client.broadcastSignal({ signalName: 'flood-warning', variables: { level: 3 } });
  t.ok(signal.key);
  const row = await eventually('the instance the signal started', () => db('engine_process_instances').where({ bpmn_process_id: 'alarm' }).first());
  t.equal(row.state.variables[row.key].level, 3);
  await client.broadcastSignal({ signalName: 'all-clear', variables: {} });
  t.notOk(await alive(row.key));
});

t.test('event subprocess with an interrupting message start', async (t) => {
  const xml = bpmn('withdrawable', `
    <bpmn:startEvent id="start" />${serviceTask('review', 'review-case')}<bpmn:endEvent id="end" />
    ${flow('f1', 'start', 'review')}${flow('f2', 'review', 'end')}
    <bpmn:subProcess id="withdraw" triggeredByEvent="true">
      <bpmn:startEvent id="withdrawn"><bpmn:messageEventDefinition messageRef="w" /></bpmn:startEvent>
      ${serviceTask('refund', 'refund')}<bpmn:endEvent id="wend" />
      ${flow('w1', 'withdrawn', 'refund')}${flow('w2', 'refund', 'wend')}
    </bpmn:subProcess>`, message('w', 'withdraw', '=caseId'));
  await deploy(client, xml);
  const instance = await client.createProcessInstance({ bpmnProcessId: 'withdrawable', variables: { caseId: 'k1' } });
  t.equal((await activate(client, 'review-case', 5, -1)).length, 1);
  await client.publishMessage({ name: 'withdraw', correlationKey: 'k1', variables: { reason: 'moved' }, timeToLive: 0 });
  const [refund] = await activate(client, 'refund');
  t.equal(refund!.variables.reason, 'moved');
  t.equal((await db('engine_jobs').where({ process_instance_key: instance.processInstanceKey, type: 'review-case' })).length, 0, 'review was interrupted');
  await client.completeJob({ jobKey: refund!.key, variables: {} });
  t.notOk(await alive(instance.processInstanceKey));
});
