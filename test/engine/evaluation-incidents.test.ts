// An expression that fails on one instance's data — a correlation key that is
// null, a timer that is not one, an input mapping that cannot be evaluated —
// is an incident on that instance, as in Zeebe, never a stopped engine: the
// engine goes on, other instances are served, and the instance goes on once
// its data is fixed (SetVariables) and the incident resolved. Modifications
// and start instructions whose subprocesses could not subscribe are refused
// whole, as Zeebe refuses them.
import pino from 'pino';
import t from 'tap';
import { startEngine } from '../../engine/index.ts';
import { createTestDatabase } from '../helpers/database.ts';
import { eventually } from '../helpers/eventually.ts';
import { activate, bpmn, chain, deploy, flow, message, newClient, serviceTask } from './helpers.ts';

const db = await createTestDatabase(t);
const fatal: Error[] = [];
const engine = await startEngine({ db, port: 0, logger: pino({ level: process.env.ENGINE_LOG ?? 'silent' }), onFatal: (error) => fatal.push(error) });
t.teardown(() => engine.stop());
const client = newClient(t, engine.port);
const incidentOf = (instanceKey: string) => eventually(`an incident on ${instanceKey}`, () => db('engine_incidents').where({ process_instance_key: instanceKey }).first());
const gone = (instanceKey: string) => eventually(`instance ${instanceKey} to complete`, async () => (await db('engine_process_instances').where({ key: instanceKey })).length === 0);

const cancelled = message('Message_Cancelled', 'cancelled', '=requestId');
const work = chain('other-work', [{ id: 'task', xml: serviceTask('task', 'other-work') }]);

/** start -> task (job type `type`) -> end, with `more` beside it (boundary events, event subprocesses). */
function oneTask(processId: string, taskId: string, type: string, more: string, roots = cancelled) {
  return bpmn(processId, `<bpmn:startEvent id="start" /><bpmn:endEvent id="end" />${serviceTask(taskId, type)}${flow('f0', 'start', taskId)}${flow('f1', taskId, 'end')}
    ${more}`, roots);
}

/** Another client's instance runs to its end: the engine is serving everyone. */
async function othersServed(t: { same(found: unknown, wanted: unknown, message: string): unknown }) {
  const other = await client.createProcessInstance({ bpmnProcessId: 'other-work', variables: {} });
  const [job] = await activate(client, 'other-work', 1);
  await client.completeJob({ jobKey: job!.key, variables: {} });
  await gone(other.processInstanceKey);
  t.same(fatal, [], 'the engine did not stop');
}

/** The way out: fix the instance's data, then resolve its incident. */
async function fixAndResolve(instanceKey: string, incidentKey: string, requestId: string) {
  await client.setVariables({ elementInstanceKey: instanceKey, variables: { requestId }, local: false });
  await client.resolveIncident({ incidentKey });
}

/** The citizen withdraws: the message under the fixed key ends the instance. */
async function withdrawn(instanceKey: string, requestId: string) {
  await client.publishMessage({ name: 'cancelled', correlationKey: requestId, variables: {}, timeToLive: 0 });
  await gone(instanceKey);
}

t.before(() => deploy(client, work));

t.test('a message event subprocess whose correlation key is null when the instance starts: incident on the process instance', async (t) => {
  await deploy(client, oneTask('with-cancel', 'review', 'with-cancel-review', `
    <bpmn:subProcess id="onCancel" triggeredByEvent="true">
      <bpmn:startEvent id="cancelStart"><bpmn:messageEventDefinition messageRef="Message_Cancelled" /></bpmn:startEvent>
      <bpmn:endEvent id="cancelEnd" />${flow('c0', 'cancelStart', 'cancelEnd')}
    </bpmn:subProcess>`));
  const broken = await client.createProcessInstance({ bpmnProcessId: 'with-cancel', variables: {} });
  const incident = await incidentOf(broken.processInstanceKey);
  t.equal(incident.error_type, 'EXTRACT_VALUE_ERROR');
  t.equal(incident.data.elementId, 'with-cancel', 'on the process instance, as in Zeebe');
  t.match(incident.data.errorMessage, /Failed to extract the correlation key for 'requestId'.*NULL/);
  await othersServed(t);

  await fixAndResolve(broken.processInstanceKey, incident.key, 'R-1');
  const [job] = await activate(client, 'with-cancel-review', 1);
  t.equal(job?.processInstanceKey, broken.processInstanceKey, 'resolved, the instance begins and reaches its first task');
  await withdrawn(broken.processInstanceKey, 'R-1');
  t.pass('and its event subprocess listens under the fixed key');
});

t.test('a message catch event and a boundary event whose correlation keys are null: incidents on those elements', async (t) => {
  await deploy(client, chain('waits', [
    { id: 'wait', xml: '<bpmn:intermediateCatchEvent id="wait"><bpmn:messageEventDefinition messageRef="Message_Cancelled" /></bpmn:intermediateCatchEvent>' },
  ], cancelled));
  await deploy(client, oneTask('guarded', 'review', 'guarded-review', `<bpmn:endEvent id="stopped" />
    <bpmn:boundaryEvent id="stop" attachedToRef="review"><bpmn:messageEventDefinition messageRef="Message_Cancelled" /></bpmn:boundaryEvent>
    ${flow('f2', 'stop', 'stopped')}`));
  const catching = await client.createProcessInstance({ bpmnProcessId: 'waits', variables: {} });
  const guarded = await client.createProcessInstance({ bpmnProcessId: 'guarded', variables: { requestId: null } as never });
  const atCatch = await incidentOf(catching.processInstanceKey);
  const atBoundary = await incidentOf(guarded.processInstanceKey);
  t.match(atCatch, { error_type: 'EXTRACT_VALUE_ERROR', data: { elementId: 'wait', errorMessage: /correlation key for 'requestId'/ } });
  t.match(atBoundary, { error_type: 'EXTRACT_VALUE_ERROR', data: { elementId: 'review', errorMessage: /correlation key for 'requestId'/ } });
  t.same(await activate(client, 'guarded-review', 1, 200), [], 'no job was made for the task whose boundary could not subscribe');
  await othersServed(t);

  await fixAndResolve(guarded.processInstanceKey, atBoundary.key, 'R-2');
  await withdrawn(guarded.processInstanceKey, 'R-2');
  t.pass('resolved, the task waits with its boundary event, which the message then triggers');
});

t.test('a timer expression that is not a timer and an input mapping that cannot be evaluated within the budgets: incidents', async (t) => {
  await deploy(client, chain('bad-timer', [
    { id: 'pause', xml: '<bpmn:intermediateCatchEvent id="pause"><bpmn:timerEventDefinition><bpmn:timeDuration>=wait</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>' },
  ]));
  await deploy(client, chain('bad-input', [
    { id: 'apply', xml: serviceTask('apply', 'bad-input-apply', '<zeebe:ioMapping><zeebe:input source="=for i in 1..n return i" target="n" /></zeebe:ioMapping>') },
  ]));
  const timer = await client.createProcessInstance({ bpmnProcessId: 'bad-timer', variables: { wait: 'next tuesday' } });
  const input = await client.createProcessInstance({ bpmnProcessId: 'bad-input', variables: { n: 150_000 } });
  t.match(await incidentOf(timer.processInstanceKey), { error_type: 'EXTRACT_VALUE_ERROR', data: { elementId: 'pause', errorMessage: /Invalid timer of 'pause'/ } });
  t.match(await incidentOf(input.processInstanceKey), { error_type: 'EXTRACT_VALUE_ERROR', data: { elementId: 'apply', errorMessage: /expression 'for i in 1..n return i'/ } });
  await othersServed(t);
});

t.test('a modification or start instruction whose new subprocess could not subscribe is refused whole', async (t) => {
  await deploy(client, bpmn('nested', `
    <bpmn:startEvent id="start" /><bpmn:endEvent id="end" />
    ${serviceTask('first', 'nested-first')}
    <bpmn:subProcess id="inner">
      <bpmn:startEvent id="innerStart" /><bpmn:endEvent id="innerEnd" />
      ${serviceTask('second', 'nested-second')}
      ${flow('i0', 'innerStart', 'second')}${flow('i1', 'second', 'innerEnd')}
    </bpmn:subProcess>
    <bpmn:boundaryEvent id="stop" attachedToRef="inner"><bpmn:messageEventDefinition messageRef="Message_Cancelled" /></bpmn:boundaryEvent>
    <bpmn:endEvent id="stopped" />
    ${flow('f0', 'start', 'first')}${flow('f1', 'first', 'inner')}${flow('f2', 'inner', 'end')}${flow('f3', 'stop', 'stopped')}`, cancelled));
  const instance = await client.createProcessInstance({ bpmnProcessId: 'nested', variables: {} });
  await t.rejects(client.modifyProcessInstance({ processInstanceKey: instance.processInstanceKey, activateInstructions: [{ elementId: 'second', ancestorElementInstanceKey: '0', variableInstructions: [] }] } as never),
    { code: 3, details: /flow scope 'inner' could not subscribe to its events: Failed to extract the correlation key for 'requestId'/ });
  t.same(await activate(client, 'nested-second', 1, 200), [], 'nothing of the refused modification happened');
  await client.modifyProcessInstance({
    processInstanceKey: instance.processInstanceKey,
    activateInstructions: [{ elementId: 'second', ancestorElementInstanceKey: '0', variableInstructions: [{ scopeId: 'inner', variables: { requestId: 'R-3' } }] }],
  } as never);
  t.equal((await activate(client, 'nested-second', 1)).length, 1, 'with the key given for the subprocess, the modification is applied');

  await t.rejects(client.createProcessInstance({ bpmnProcessId: 'nested', variables: {}, startInstructions: [{ elementId: 'second' }] } as never),
    { code: 3, details: /events of 'inner' could not be subscribed to/ });
  await othersServed(t);
});

t.test('an error thrown by a worker into an event subprocess that cannot subscribe its own events: incident on the event subprocess', async (t) => {
  await deploy(client, oneTask('on-error', 'check', 'on-error-check', `
    <bpmn:subProcess id="rejected" triggeredByEvent="true">
      <bpmn:startEvent id="rejectedStart"><bpmn:errorEventDefinition errorRef="Error_Rejected" /></bpmn:startEvent>
      ${serviceTask('close', 'on-error-close')}
      <bpmn:endEvent id="rejectedEnd" />${flow('r0', 'rejectedStart', 'close')}${flow('r1', 'close', 'rejectedEnd')}
      <bpmn:subProcess id="appeal" triggeredByEvent="true">
        <bpmn:startEvent id="appealStart" isInterrupting="false"><bpmn:messageEventDefinition messageRef="Message_Cancelled" /></bpmn:startEvent>
        <bpmn:endEvent id="appealEnd" />${flow('a0', 'appealStart', 'appealEnd')}
      </bpmn:subProcess>
    </bpmn:subProcess>`, `${cancelled}<bpmn:error id="Error_Rejected" errorCode="REJECTED" />`));
  const instance = await client.createProcessInstance({ bpmnProcessId: 'on-error', variables: {} });
  const [job] = await activate(client, 'on-error-check', 1);
  await client.throwError({ jobKey: job!.key, errorCode: 'REJECTED', errorMessage: 'no' });
  const incident = await incidentOf(instance.processInstanceKey);
  t.match(incident, { error_type: 'EXTRACT_VALUE_ERROR', data: { elementId: 'rejected', errorMessage: /correlation key for 'requestId'/ } });
  await othersServed(t);

  await fixAndResolve(instance.processInstanceKey, incident.key, 'R-4');
  const [close] = await activate(client, 'on-error-close', 1);
  t.ok(close, 'resolved, the event subprocess goes on from its start event');
  await client.completeJob({ jobKey: close!.key, variables: {} });
  await gone(instance.processInstanceKey);
});
