// Job lifecycle: fail with retries and back-off, incidents and their
// resolution, thrown errors and where they are caught, FEEL failures.
import t from 'tap';
import { activate, bpmn, chain, deploy, flow, serviceTask, startTestEngine } from './helpers.ts';

const { client, db } = await startTestEngine(t);
const alive = async (key: string) => Boolean(await db('engine_process_instances').where({ key }).first());
const incidents = (key: string) => db('engine_incidents').where({ process_instance_key: key });

t.test('fail with retries, back-off, no retries -> incident, update retries + resolve', async (t) => {
  await deploy(client, chain('flaky', [{ id: 'call', xml: serviceTask('call', 'flaky-call') }]));
  const instance = await client.createProcessInstance({ bpmnProcessId: 'flaky', variables: {} });
  let [job] = await activate(client, 'flaky-call');
  t.equal(job!.retries, 3);
  await client.failJob({ jobKey: job!.key, retries: 2, errorMessage: 'timeout', retryBackOff: 300 });
  t.same(await activate(client, 'flaky-call', 5, -1), [], 'backing off');
  [job] = await activate(client, 'flaky-call', 5, 3_000);
  t.equal(job!.retries, 2, 'after the back-off it is activatable again');
  await client.failJob({ jobKey: job!.key, retries: 0, errorMessage: 'gave up', retryBackOff: 0 });
  const [incident] = await incidents(instance.processInstanceKey);
  t.equal(incident.error_type, 'JOB_NO_RETRIES');
  t.equal(incident.data.errorMessage, 'gave up');
  await t.rejects(client.completeJob({ jobKey: job!.key, variables: {} }), { code: 9 }, 'a failed job cannot complete');
  await t.rejects(client.updateJobRetries({ jobKey: job!.key, retries: 0 }), { code: 3 });
  await client.updateJobRetries({ jobKey: job!.key, retries: 1 });
  await client.resolveIncident({ incidentKey: incident.key });
  [job] = await activate(client, 'flaky-call');
  t.equal(job!.retries, 1);
  await client.completeJob({ jobKey: job!.key, variables: {} });
  t.notOk(await alive(instance.processInstanceKey));
  await t.rejects(client.completeJob({ jobKey: job!.key, variables: {} }), { code: 5 }, 'completing a finished job is NOT_FOUND');
  await t.rejects(client.resolveIncident({ incidentKey: incident.key }), { code: 5 });
});

t.test('job timeout makes the job activatable again', async (t) => {
  await deploy(client, chain('slowpoke', [{ id: 'work', xml: serviceTask('work', 'slowpoke') }]));
  await client.createProcessInstance({ bpmnProcessId: 'slowpoke', variables: {} });
  const stream = await (client as any).grpc.activateJobsStream({ type: 'slowpoke', worker: 'w', timeout: 200, maxJobsToActivate: 1, requestTimeout: 1_000, fetchVariable: [], tenantIds: [] });
  await new Promise((resolve) => stream.on('end', resolve).on('data', () => undefined));
  const [again] = await activate(client, 'slowpoke', 1, 3_000);
  t.ok(again, 'reactivated after its deadline');
});

t.test('thrown errors: boundary by code, catch-all, error event subprocess, uncaught -> incident', async (t) => {
  const xml = bpmn('permits', `
    <bpmn:startEvent id="start" />${serviceTask('check', 'check-permit')}
    <bpmn:boundaryEvent id="rejected" attachedToRef="check"><bpmn:errorEventDefinition errorRef="err" /></bpmn:boundaryEvent>
    <bpmn:endEvent id="ok" /><bpmn:endEvent id="notOk" />
    ${flow('f1', 'start', 'check')}${flow('f2', 'check', 'ok')}${flow('f3', 'rejected', 'notOk')}`,
  '<bpmn:error id="err" errorCode="PERMIT_REJECTED" />');
  await deploy(client, xml);
  const caught = await client.createProcessInstance({ bpmnProcessId: 'permits', variables: {} });
  let [job] = await activate(client, 'check-permit');
  await client.throwError({ jobKey: job!.key, errorCode: 'PERMIT_REJECTED', errorMessage: 'zoning' });
  t.notOk(await alive(caught.processInstanceKey), 'caught by the boundary, ended at notOk');

  const uncaught = await client.createProcessInstance({ bpmnProcessId: 'permits', variables: {} });
  [job] = await activate(client, 'check-permit');
  await client.throwError({ jobKey: job!.key, errorCode: 'SOMETHING_ELSE', errorMessage: 'boom' });
  const [incident] = await incidents(uncaught.processInstanceKey);
  t.equal(incident.error_type, 'UNHANDLED_ERROR_EVENT');

  const esp = bpmn('guarded', `
    <bpmn:startEvent id="start" />${serviceTask('risky', 'risky')}<bpmn:endEvent id="end" />
    ${flow('f1', 'start', 'risky')}${flow('f2', 'risky', 'end')}
    <bpmn:subProcess id="handler" triggeredByEvent="true">
      <bpmn:startEvent id="any"><bpmn:errorEventDefinition /></bpmn:startEvent>
      <bpmn:scriptTask id="note"><bpmn:extensionElements><zeebe:script expression="=&quot;handled&quot;" resultVariable="outcome" /></bpmn:extensionElements></bpmn:scriptTask>
      <bpmn:endEvent id="hend" />${flow('h1', 'any', 'note')}${flow('h2', 'note', 'hend')}
    </bpmn:subProcess>`);
  await deploy(client, esp);
  const guarded = client.createProcessInstanceWithResult({ bpmnProcessId: 'guarded', variables: {}, requestTimeout: 5_000 });
  [job] = await activate(client, 'risky');
  await client.throwError({ jobKey: job!.key, errorCode: 'ANY_CODE', errorMessage: '' });
  t.equal((await guarded).variables.outcome, 'handled', 'the catch-all error event subprocess ran');
});

t.test('error end event inside a subprocess is caught by the boundary of the subprocess', async (t) => {
  const xml = bpmn('nested-error', `
    <bpmn:startEvent id="start" />
    <bpmn:subProcess id="sub"><bpmn:startEvent id="s1" /><bpmn:endEvent id="fail"><bpmn:errorEventDefinition errorRef="e" /></bpmn:endEvent>${flow('sf', 's1', 'fail')}</bpmn:subProcess>
    <bpmn:boundaryEvent id="catch" attachedToRef="sub"><bpmn:errorEventDefinition errorRef="e" /></bpmn:boundaryEvent>
    <bpmn:scriptTask id="mark"><bpmn:extensionElements><zeebe:script expression="=true" resultVariable="caught" /></bpmn:extensionElements></bpmn:scriptTask>
    <bpmn:endEvent id="end" /><bpmn:endEvent id="end2" />
    ${flow('f1', 'start', 'sub')}${flow('f2', 'sub', 'end')}${flow('f3', 'catch', 'mark')}${flow('f4', 'mark', 'end2')}`,
  '<bpmn:error id="e" errorCode="NO_BUDGET" />');
  await deploy(client, xml);
  const result = await client.createProcessInstanceWithResult({ bpmnProcessId: 'nested-error', variables: {} });
  t.equal(result.variables.caught, true);
});

t.test('a FEEL failure at runtime is an incident on the element, resolved after fixing variables', async (t) => {
  const xml = bpmn('feel-fail', `
    <bpmn:startEvent id="start" /><bpmn:exclusiveGateway id="gw" />
    <bpmn:endEvent id="a" /><bpmn:endEvent id="b" />
    ${flow('f1', 'start', 'gw')}${flow('f2', 'gw', 'a', '=amount > 10')}${flow('f3', 'gw', 'b', '=amount <= 10')}`);
  await deploy(client, xml);
  const instance = await client.createProcessInstance({ bpmnProcessId: 'feel-fail', variables: {} });
  const [incident] = await incidents(instance.processInstanceKey);
  t.equal(incident.error_type, 'CONDITION_ERROR');
  t.equal(incident.data.elementId, 'gw');
  await client.setVariables({ elementInstanceKey: instance.processInstanceKey, variables: { amount: 50 }, local: false });
  await client.resolveIncident({ incidentKey: incident.key });
  t.notOk(await alive(instance.processInstanceKey), 'resolving re-evaluated the conditions');

  await deploy(client, chain('bad-input', [{ id: 'job', xml: serviceTask('job', 'never', '<zeebe:ioMapping><zeebe:input source="=upper case(name)" target="loud" /></zeebe:ioMapping>') }]));
  const second = await client.createProcessInstance({ bpmnProcessId: 'bad-input', variables: { name: 42 } });
  t.equal((await incidents(second.processInstanceKey)).length, 0, 'a null result is no failure in FEEL');
});
