// MigrateProcessInstance (Camunda 8.8 protocol, through @camunda8/sdk's client):
// an instance waiting at its wait states moves to a new version element by
// element; jobs keep their keys (and type), timers their due dates, variables
// stay; catch events follow Zeebe's rules (mapped: kept; unmapped in the
// source: closed; unmapped in the target: opened), event subprocesses
// included; an instance that cannot move is refused with the reason and left
// untouched.
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
    ['a different element type', () => migrate(other, [['left', 'left'], ['right', 'left']]), 9, /different type 'userTask'/],
    ['an unknown source element', () => migrate(target, [['nowhere', 'left']]), 3, /non-existing source element id 'nowhere'/],
    ['an unknown target element', () => migrate(target, [['left', 'nowhere']]), 3, /non-existing target element id 'nowhere'/],
    ['a source mapped twice', () => migrate(target, [['left', 'left'], ['left', 'right']]), 3, /duplicate source element ids '\[left\]'/],
    ['an unknown target definition', () => migrate('2251799813999999', [['left', 'left']]), 5, /no process definition found with key/],
    ['an unknown instance', () => migrate(target, [['left', 'left']], '2251799813999998'), 5, /no process instance found with key/],
  ];
  for (const [why, attempt, code, reason] of cases) {
    const error = await attempt().then(() => null, (e: any) => e);
    t.equal(error?.code, code, `${why}: gRPC code ${code}`);
    t.match(error?.details ?? error?.message, reason, why);
  }
  t.same(await row(processInstanceKey), before, 'the refused instance is exactly as it was: nothing half-moved');
  t.equal((await activate(client, 'mig.left', 1, -1)).length, 1, 'and still runs on v1');
});

/** A permit with the services' shape: a task, and a message event subprocess on the process that listens for withdrawal. */
const withdrawable = (task: string, extra = '', messageName = 'mig.withdrawn') => bpmn('withdrawable', `<bpmn:startEvent id="start" />
  ${serviceTask(task, 'mig.review')}${extra}<bpmn:endEvent id="end" />${flow('f1', 'start', task)}${flow('f2', task, 'end')}
  <bpmn:subProcess id="Sub_Withdrawn" triggeredByEvent="true">
    <bpmn:startEvent id="Start_Withdrawn"><bpmn:messageEventDefinition messageRef="withdrawn" /></bpmn:startEvent>
    ${serviceTask('notify', 'mig.withdrawn-notify')}<bpmn:endEvent id="withdrawnEnd" />${flow('w1', 'Start_Withdrawn', 'notify')}${flow('w2', 'notify', 'withdrawnEnd')}
  </bpmn:subProcess>`, message('withdrawn', messageName, '=caseId'));
const timerBoundary = (task: string) => `<bpmn:boundaryEvent id="late" attachedToRef="${task}" cancelActivity="false"><bpmn:timerEventDefinition><bpmn:timeDuration>=reminder</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:boundaryEvent>
  ${serviceTask('remind', 'mig.remind')}<bpmn:endEvent id="reminded" />${flow('l1', 'late', 'remind')}${flow('l2', 'remind', 'reminded')}`;

t.test('a process with a message event subprocess moves: the mapped start keeps its subscription, a new boundary timer opens, a job keeps its type', async (t) => {
  await deploy(client, withdrawable('review'));
  const first = await client.createProcessInstance({ bpmnProcessId: 'withdrawable', variables: { caseId: 'w-1', reminder: 'P2D' } });
  const second = await client.createProcessInstance({ bpmnProcessId: 'withdrawable', variables: { caseId: 'w-2', reminder: 'P2D' } });
  const subscription = await db('engine_subscriptions').where({ process_instance_key: first.processInstanceKey }).first();
  // v2 renames the task, gives it another job type and a reminder timer.
  const target = definitionKey(await deploy(client, withdrawable('assess', timerBoundary('assess')).replace("type=\"mig.review\"", "type=\"mig.assess\"")));
  const migratedAt = Date.now();
  const plan = { targetProcessDefinitionKey: target, mappingInstructions: [{ sourceElementId: 'review', targetElementId: 'assess' }, { sourceElementId: 'Start_Withdrawn', targetElementId: 'Start_Withdrawn' }] };
  for (const instance of [first, second]) await sdk.migrateProcessInstance({ processInstanceKey: instance.processInstanceKey, migrationPlan: plan });

  t.match(await db('engine_subscriptions').where({ key: subscription.key }).first(), { data: { elementId: 'Start_Withdrawn', correlationKey: 'w-1' } }, 'the mapped event subprocess start kept its subscription');
  const timer = await db('engine_timers').where({ process_instance_key: first.processInstanceKey }).first();
  t.match(timer.data, { elementId: 'late', processDefinitionKey: Number(target) }, "the target's new boundary timer opened");
  t.ok(timer.due_at.getTime() >= migratedAt + 2 * 24 * 3_600_000 - 1_000, 'counting from the migration');
  const jobs = await activate(client, 'mig.review', 2, -1);
  t.same(jobs.map((job) => job.elementId), ['assess', 'assess'], 'the jobs kept the type they were made with, at the renamed task (as in Zeebe)');

  await client.publishMessage({ name: 'mig.withdrawn', correlationKey: 'w-2', variables: {}, timeToLive: 0 });
  const [notify] = await activate(client, 'mig.withdrawn-notify', 1);
  t.equal(notify?.processInstanceKey, second.processInstanceKey, 'withdrawal still interrupts the moved instance');
  await client.completeJob({ jobKey: notify!.key, variables: {} });
  t.notOk(await row(second.processInstanceKey), 'and ends it');
  await engine.clock.pin(Date.now() + 3 * 24 * 3_600_000);
  const [remind] = await activate(client, 'mig.remind', 1);
  t.equal(remind?.processInstanceKey, first.processInstanceKey, "the new reminder fires on the target's flow");
  await engine.clock.reset();
});

t.test('unmapped catch events close and the target\'s open; what cannot subscribe, or would subscribe twice, is refused untouched', async (t) => {
  await deploy(client, withdrawable('review').replace(/withdrawable/g, 'renamed-message'));
  const instance = await client.createProcessInstance({ bpmnProcessId: 'renamed-message', variables: { caseId: 'r-1', reminder: 'P2D' } });
  const before = await row(instance.processInstanceKey);
  const migrate = (xml: string, pairs: Array<[string, string]>) => deploy(client, xml).then((deployed) => sdk.migrateProcessInstance({
    processInstanceKey: instance.processInstanceKey,
    migrationPlan: { targetProcessDefinitionKey: definitionKey(deployed), mappingInstructions: pairs.map(([s, d]) => ({ sourceElementId: s, targetElementId: d })) },
  }));
  const sameName = withdrawable('review').replace(/withdrawable/g, 'renamed-message');
  await t.rejects(migrate(sameName, [['review', 'review']]), { code: 9, details: /already subscribed to with name 'mig.withdrawn'.*mapping instruction to message catch event with id 'Start_Withdrawn'/ },
    "re-creating a subscription to the same message is refused, as in Zeebe: map the start event instead");
  await t.rejects(migrate(withdrawable('review', timerBoundary('review')).replace(/withdrawable/g, 'renamed-message').replace('=reminder', '=noSuchVariable'), [['review', 'review'], ['Start_Withdrawn', 'Start_Withdrawn']]),
    { code: 9, details: /must be subscribed to a catch event.*noSuchVariable/ }, 'a new timer whose expression fails is refused');
  await t.rejects(migrate(sameName.replace('id="Start_Withdrawn"', 'id="Start_Other"').replace("'Start_Withdrawn'", "'Start_Other'").replace(/Start_Withdrawn/g, 'Start_Other'), [['review', 'review'], ['Start_Withdrawn', 'review']]),
    { code: 9, details: /detach the catch event/ }, 'a catch event mapped away from its element is refused');
  t.same(await row(instance.processInstanceKey), before, 'each refused migration left the instance exactly as it was');

  // The target renames the message: unmapped, the old subscription closes and the new one opens.
  await migrate(withdrawable('review', '', 'mig.withdrawn-v2').replace(/withdrawable/g, 'renamed-message'), [['review', 'review']]);
  await client.publishMessage({ name: 'mig.withdrawn', correlationKey: 'r-1', variables: {}, timeToLive: 0 });
  t.same(await activate(client, 'mig.withdrawn-notify', 1, -1), [], 'the old message name no longer reaches it');
  await client.publishMessage({ name: 'mig.withdrawn-v2', correlationKey: 'r-1', variables: {}, timeToLive: 0 });
  const [notify] = await activate(client, 'mig.withdrawn-notify', 1);
  t.equal(notify?.processInstanceKey, instance.processInstanceKey, 'the new one does');
});
