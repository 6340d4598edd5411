// MigrateProcessInstance (Camunda 8.8 protocol, through @camunda8/sdk's client):
// an instance waiting at its wait states moves to a new version element by
// element; jobs keep their keys, timers their due dates, variables stay; an
// instance that cannot move is refused with the reason and left untouched.
import t from 'tap';
import { activate, bpmn, deploy, flow, message, newSdkClient, serviceTask, startTestEngine, userTask } from './helpers.ts';

const { client, db, engine } = await startTestEngine(t);
const sdk = await newSdkClient(t, engine.port);
const clerksTask = (id: string) => userTask(id, { assignee: '=clerk' });
const row = (key: string) => db('engine_process_instances').where({ key }).first();
const definitionKey = (deployed: any) => deployed.deployments[0].process.processDefinitionKey as string;

const v1 = bpmn('permit', `<bpmn:startEvent id="start" />${serviceTask('check', 'mig.check')}${clerksTask('decide')}<bpmn:endEvent id="end" />
  ${flow('f1', 'start', 'check')}${flow('f2', 'check', 'decide')}${flow('f3', 'decide', 'end')}`);
const v2 = bpmn('permit', `<bpmn:startEvent id="start" />${serviceTask('check', 'mig.check')}${serviceTask('fee', 'mig.fee')}${clerksTask('approve')}<bpmn:endEvent id="end" />
  ${flow('f1', 'start', 'check')}${flow('f2', 'check', 'fee')}${flow('f3', 'fee', 'approve')}${flow('f4', 'approve', 'end')}`);

t.test('instances at a service task and at a user task move to v2: same job keys, variables kept, v2 flow followed', async (t) => {
  const source = definitionKey(await deploy(client, v1, 'permit.bpmn'));
  const atCheck = await client.createProcessInstance({ bpmnProcessId: 'permit', variables: { clerk: 'maryam', note: 'سلام' } });
  const atDecide = await client.createProcessInstance({ bpmnProcessId: 'permit', variables: { clerk: 'reza' } });
  const [checkJob, otherCheck] = await activate(client, 'mig.check', 2, -1, [], 600_000);
  const decideFirst = checkJob!.processInstanceKey === atDecide.processInstanceKey ? checkJob! : otherCheck!;
  const checkFirst = decideFirst === checkJob ? otherCheck! : checkJob!;
  await client.completeJob({ jobKey: decideFirst.key, variables: { checked: true } });
  const [userJob] = await activate(client, 'io.camunda.zeebe:userTask', 1, -1, [], 600_000);
  const target = definitionKey(await deploy(client, v2, 'permit.bpmn'));
  t.not(target, source, 'v2 is a new version');

  const plan = { targetProcessDefinitionKey: target, mappingInstructions: [{ sourceElementId: 'check', targetElementId: 'check' }, { sourceElementId: 'decide', targetElementId: 'approve' }] };
  await sdk.migrateProcessInstance({ processInstanceKey: atCheck.processInstanceKey, migrationPlan: plan });
  await sdk.migrateProcessInstance({ processInstanceKey: atDecide.processInstanceKey, migrationPlan: plan });
  t.equal(String((await row(atCheck.processInstanceKey)).process_definition_key), target, 'the instance row is on v2');
  const job = await db('engine_jobs').where({ key: userJob!.key }).first();
  t.match(job.data, { elementId: 'approve', processDefinitionKey: Number(target), version: 2, state: 'activated', worker: 'test' }, 'the user task job kept its key, worker and lease, now at approve');

  await client.completeJob({ jobKey: checkFirst.key, variables: {} }); // the activated job's key still works after migration
  const [fee] = await activate(client, 'mig.fee', 1, -1);
  t.equal(fee?.processInstanceKey, atCheck.processInstanceKey, 'after check, v2 goes on to the new fee step');
  t.equal(fee?.variables.note, 'سلام', 'variables stayed');
  await client.completeJob({ jobKey: fee!.key, variables: {} });
  await client.completeJob({ jobKey: userJob!.key, variables: {} });
  t.notOk(await row(atDecide.processInstanceKey), 'the instance migrated at the user task finished on v2');
  await sdk.deleteResource({ resourceKey: source });
  t.ok((await db('engine_resources').where({ key: source }).first()).deleted, 'no instance is left on v1, so v1 can be deleted');
});

t.test('a timer inside a subprocess with a message boundary keeps its due date and its subscription', async (t) => {
  const shape = (version: string, tail: string) => bpmn('inspection', `<bpmn:startEvent id="start" />
    <bpmn:subProcess id="visit"><bpmn:startEvent id="vs" />
      <bpmn:intermediateCatchEvent id="wait"><bpmn:timerEventDefinition><bpmn:timeDuration>P10D</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>
      <bpmn:endEvent id="ve" />${flow('v1', 'vs', 'wait')}${flow('v2', 'wait', 've')}</bpmn:subProcess>
    <bpmn:boundaryEvent id="cancelled" attachedToRef="visit"><bpmn:messageEventDefinition messageRef="m" /></bpmn:boundaryEvent>
    ${tail}<bpmn:endEvent id="end" /><bpmn:endEvent id="gone" />
    ${flow('f1', 'start', 'visit')}${version === '1' ? flow('f2', 'visit', 'end') : flow('f2', 'visit', 'report') + flow('f4', 'report', 'end')}${flow('f3', 'cancelled', 'gone')}`,
  message('m', 'mig.cancel', '=caseId'));
  await deploy(client, shape('1', ''));
  const one = await client.createProcessInstance({ bpmnProcessId: 'inspection', variables: { caseId: 'c-1' } });
  const two = await client.createProcessInstance({ bpmnProcessId: 'inspection', variables: { caseId: 'c-2' } });
  const dueBefore = (await db('engine_timers').where({ process_instance_key: one.processInstanceKey }).first()).due_at.getTime();
  const target = definitionKey(await deploy(client, shape('2', serviceTask('report', 'mig.report'))));
  const plan = { targetProcessDefinitionKey: target, mappingInstructions: ['visit', 'wait', 'cancelled'].map((id) => ({ sourceElementId: id, targetElementId: id })) };
  for (const instance of [one, two]) await sdk.migrateProcessInstance({ processInstanceKey: instance.processInstanceKey, migrationPlan: plan });
  const timer = await db('engine_timers').where({ process_instance_key: one.processInstanceKey }).first();
  t.equal(timer.due_at.getTime(), dueBefore, 'the timer kept its due date');
  await client.publishMessage({ name: 'mig.cancel', correlationKey: 'c-2', variables: {}, timeToLive: 0 });
  t.notOk(await row(two.processInstanceKey), 'the boundary subscription still catches its message');
  await engine.clock.pin(Date.now() + 11 * 24 * 3_600_000);
  const [report] = await activate(client, 'mig.report', 1, -1);
  t.equal(report?.processInstanceKey, one.processInstanceKey, 'the timer fired and the instance went on along v2');
  await engine.clock.reset();
});

t.test('what cannot move is refused with the reason, and nothing is half-moved', async (t) => {
  const parallel = bpmn('split', `<bpmn:startEvent id="start" /><bpmn:parallelGateway id="fork" />
    ${serviceTask('left', 'mig.left')}${serviceTask('right', 'mig.right')}<bpmn:endEvent id="e1" /><bpmn:endEvent id="e2" />
    ${flow('f0', 'start', 'fork')}${flow('f1', 'fork', 'left')}${flow('f2', 'fork', 'right')}${flow('f3', 'left', 'e1')}${flow('f4', 'right', 'e2')}`);
  await deploy(client, parallel);
  const target = definitionKey(await deploy(client, parallel.replace('mig.right', 'mig.right2').replace('<bpmn:endEvent id="e1" />', '<bpmn:endEvent id="e1" name="v2" />')));
  const other = definitionKey(await deploy(client, bpmn('split-user', `<bpmn:startEvent id="start" />${clerksTask('left')}<bpmn:endEvent id="end" />${flow('f', 'start', 'left')}${flow('g', 'left', 'end')}`)));
  const { processInstanceKey } = await client.createProcessInstance({ bpmnProcessId: 'split', version: 1, variables: {} });
  const before = await row(processInstanceKey);
  const migrate = (targetKey: string, pairs: Array<[string, string]>, instanceKey = processInstanceKey) => sdk.migrateProcessInstance({
    processInstanceKey: instanceKey, migrationPlan: { targetProcessDefinitionKey: targetKey, mappingInstructions: pairs.map(([s, d]) => ({ sourceElementId: s, targetElementId: d })) },
  });
  const cases: Array<[string, () => Promise<unknown>, number, RegExp]> = [
    ['an active element without a mapping', () => migrate(target, [['left', 'left']]), 9, /no mapping instruction .* 'right'/],
    ['a changed job type', () => migrate(target, [['left', 'left'], ['right', 'right']]), 9, /job type 'mig.right2' differs/],
    ['a different element type', () => migrate(other, [['left', 'left'], ['right', 'left']]), 9, /different type 'userTask'/],
    ['an unknown source element', () => migrate(target, [['nowhere', 'left']]), 3, /non-existing source element id 'nowhere'/],
    ['an unknown target element', () => migrate(target, [['left', 'nowhere']]), 3, /non-existing target element id 'nowhere'/],
    ['a source mapped twice', () => migrate(target, [['left', 'left'], ['left', 'right']]), 3, /duplicate source element ids 'left'/],
    ['an unknown target definition', () => migrate('2251799813999999', [['left', 'left']]), 5, /no such process definition/],
    ['an unknown instance', () => migrate(target, [['left', 'left']], '2251799813999998'), 5, /no such process instance/],
  ];
  for (const [why, attempt, code, reason] of cases) {
    const error = await attempt().then(() => null, (e: any) => e);
    t.equal(error?.code, code, `${why}: gRPC code ${code}`);
    t.match(error?.details ?? error?.message, reason, why);
  }
  t.same(await row(processInstanceKey), before, 'the refused instance is exactly as it was: nothing half-moved');
  t.equal((await activate(client, 'mig.left', 1, -1)).length, 1, 'and still runs on v1');
});
