// No silent difference from Zeebe: what the engine would accept but not run
// (Camunda user tasks, listeners, binding types, version tags, priorities,
// conditions it never evaluates, …) is refused at deploy with the element and
// the reason. A job-worker user task deploys and runs. A diagram stored
// before a refusal existed still loads.
import pino from 'pino';
import t from 'tap';
import { startEngine } from '../../engine/index.ts';
import { createTestDatabase } from '../helpers/database.ts';
import { activate, bpmn, chain, deploy, flow, newClient, serviceTask } from './helpers.ts';

const db = await createTestDatabase(t);
const logger = pino({ level: 'silent' });
let engine = await startEngine({ db, port: 0, logger });
t.teardown(() => engine.stop());
let client = newClient(t, engine.port);

const ext = (inner: string) => `<bpmn:extensionElements>${inner}</bpmn:extensionElements>`;
const userTask = (inner: string) => chain('p', [{ id: 'review', xml: `<bpmn:userTask id="review">${ext(inner)}</bpmn:userTask>` }]);
const withProcess = (attributes: string, inner: string) => chain('p', [{ id: 'work', xml: serviceTask('work', 'w') }])
  .replace('<bpmn:process id="p" isExecutable="true">', `<bpmn:process id="p" isExecutable="true"${attributes}>${ext(inner)}`);

t.test('what the engine would not run is refused at deploy, naming the element and the reason', async (t) => {
  const cases: Array<[string, string, RegExp]> = [
    ['Camunda user task', userTask('<zeebe:userTask />'), /Element: review: <zeebe:userTask> is not supported: a Camunda user task .* without a job/],
    ['task listeners', userTask('<zeebe:taskListeners><zeebe:taskListener eventType="completing" type="audit" /></zeebe:taskListeners>'), /review: <zeebe:taskListeners> is not supported/],
    ['user task priority', userTask('<zeebe:priorityDefinition priority="80" />'), /review: <zeebe:priorityDefinition> is not supported/],
    ['custom form', userTask('<zeebe:formDefinition externalReference="https://forms.example/x" />'), /review: <zeebe:formDefinition> externalReference/],
    ['form binding', userTask('<zeebe:formDefinition formId="f" bindingType="deployment" />'), /bindingType 'deployment' is not supported/],
    ['execution listeners', chain('p', [{ id: 'work', xml: serviceTask('work', 'w', '<zeebe:executionListeners><zeebe:executionListener eventType="start" type="log" /></zeebe:executionListeners>') }]),
      /work: <zeebe:executionListeners> is not supported: execution listeners/],
    ['process version tag', withProcess('', '<zeebe:versionTag value="v1" />'), /Element: p: <zeebe:versionTag> is not supported/],
    ['called element binding', chain('p', [{ id: 'call', xml: `<bpmn:callActivity id="call">${ext('<zeebe:calledElement processId="child" bindingType="versionTag" versionTag="v1" />')}</bpmn:callActivity>` }]),
      /call: <zeebe:calledElement> bindingType 'versionTag' is not supported/],
    ['called decision version tag', chain('p', [{ id: 'rule', xml: `<bpmn:businessRuleTask id="rule">${ext('<zeebe:calledDecision decisionId="d" resultVariable="r" versionTag="v2" />')}</bpmn:businessRuleTask>` }]),
      /rule: <zeebe:calledDecision> versionTag is not supported/],
    ['job priority', chain('p', [{ id: 'work', xml: serviceTask('work', 'w', '<zeebe:jobPriorityDefinition priority="5" />') }]), /work: <zeebe:jobPriorityDefinition> is not supported/],
    ['task definition the engine does not read', chain('p', [{ id: 'plain', xml: `<bpmn:task id="plain">${ext('<zeebe:taskDefinition type="x" />')}</bpmn:task>` }]),
      /plain: <zeebe:taskDefinition> has no effect on a Task/],
    ['condition out of a task', bpmn('p', `<bpmn:startEvent id="s" />${serviceTask('work', 'w')}<bpmn:endEvent id="e" />${flow('a', 's', 'work')}${flow('b', 'work', 'e', '=x > 1')}`),
      /Element: b: a condition on a flow out of a serviceTask is not supported/],
    ['loop cardinality', chain('p', [{ id: 'many', xml: `<bpmn:serviceTask id="many">${ext('<zeebe:taskDefinition type="w" />')}<bpmn:multiInstanceLoopCharacteristics><bpmn:loopCardinality>3</bpmn:loopCardinality>${ext('<zeebe:loopCharacteristics inputCollection="=[1,2,3]" />')}</bpmn:multiInstanceLoopCharacteristics></bpmn:serviceTask>` }]),
      /many: a multi-instance loop cardinality is not supported/],
  ];
  for (const [what, xml, reason] of cases) {
    await t.rejects(deploy(client, xml), { code: 3, details: reason }, what);
  }
});

t.test('a job-worker user task and metadata (zeebe:properties, a start form) deploy and run', async (t) => {
  const xml = chain('job-worker-task', [{ id: 'review', xml: `<bpmn:userTask id="review">${ext('<zeebe:assignmentDefinition candidateGroups="clerks" /><zeebe:properties><zeebe:property name="note" value="x" /></zeebe:properties>')}</bpmn:userTask>` }])
    .replace('<bpmn:startEvent id="start" />', `<bpmn:startEvent id="start">${ext('<zeebe:formDefinition formId="start-form" />')}</bpmn:startEvent>`);
  await deploy(client, xml);
  const created = await client.createProcessInstance({ bpmnProcessId: 'job-worker-task', variables: {} });
  const [job] = await activate(client, 'io.camunda.zeebe:userTask');
  t.equal(job!.processInstanceKey, created.processInstanceKey);
  t.equal(job!.customHeaders['io.camunda.zeebe:candidateGroups'], '["clerks"]');
});

t.test('a diagram stored before a refusal existed still loads and runs', async (t) => {
  await deploy(client, chain('stored', [{ id: 'review', xml: '<bpmn:userTask id="review" />' }]));
  await client.createProcessInstance({ bpmnProcessId: 'stored', variables: {} });
  await engine.stop();
  // As if deployed by an engine that did not refuse Camunda user tasks yet.
  const row = await db('engine_resources').where({ resource_id: 'stored' }).first();
  await db('engine_resources').where({ key: row.key }).update({ content: row.content.replace('<bpmn:userTask id="review" />', `<bpmn:userTask id="review">${ext('<zeebe:userTask />')}</bpmn:userTask>`) });
  engine = await startEngine({ db, port: 0, logger });
  client = newClient(t, engine.port);
  const jobs = await activate(client, 'io.camunda.zeebe:userTask');
  t.ok(jobs.some((job) => job.bpmnProcessId === 'stored'), 'the waiting instance is served');
  t.ok(await client.createProcessInstance({ bpmnProcessId: 'stored', variables: {} }), 'and new instances start');
});
