// Gateway basics through zeebe-node: topology, deploy and versions, instances,
// service tasks with workers, gateways, user tasks, with-result creation.
import t from 'tap';
import { activate, bpmn, chain, deploy, flow, serviceTask, startTestEngine, waitingAtEngine } from './helpers.ts';

const { client, db, engine } = await startTestEngine(t);

t.test('topology answers like a one-broker cluster', async (t) => {
  const topology = await client.topology();
  t.equal(topology.clusterSize, 1);
  t.equal(topology.partitionsCount, 1);
  t.equal(topology.brokers[0]!.partitions[0]!.role, 'LEADER');
});

t.test('deploy keeps the version of an unchanged resource and bumps a changed one', async (t) => {
  const xml = chain('versions', [{ id: 'a', xml: serviceTask('a', 'versions-a') }]);
  const first = await deploy(client, xml);
  const again = await deploy(client, xml);
  const changed = await deploy(client, xml.replace('versions-a', 'versions-b'));
  const meta = (r: typeof first) => (r.deployments[0] as any).process;
  t.equal(meta(first).version, 1);
  t.equal(meta(again).version, 1);
  t.equal(meta(again).processDefinitionKey, meta(first).processDefinitionKey);
  t.equal(meta(changed).version, 2);
  t.ok(BigInt(meta(first).processDefinitionKey) >= 2251799813685249n, 'partition-1 style keys');
  const legacy = await client.deployProcess({ name: 'legacy.bpmn', definition: Buffer.from(chain('legacy', [])) } as never);
  t.equal(legacy.processes[0]!.bpmnProcessId, 'legacy');
  const rows = await db('engine_resources').where({ resource_id: 'versions' }).orderBy('version');
  t.same(rows.map((r) => r.version), [1, 2]);
});

t.test('a service task runs through a zeebe-node worker with variables and headers', async (t) => {
  await deploy(client, chain('service', [{ id: 'charge', xml: serviceTask('charge', 'charge', '<zeebe:taskHeaders><zeebe:header key="fee" value="12" /></zeebe:taskHeaders>') }]));
  const seen: Array<{ amount: number; fee: string }> = [];
  const worker = client.createWorker({
    taskType: 'charge',
    taskHandler: (job) => {
      seen.push({ amount: (job.variables as any).amount, fee: (job.customHeaders as any).fee });
      return job.complete({ charged: true });
    },
  });
  t.teardown(() => worker.close());
  const result = await client.createProcessInstanceWithResult({ bpmnProcessId: 'service', variables: { amount: 40 }, requestTimeout: 5_000 });
  t.same(result.variables, { amount: 40, charged: true });
  t.same(seen, [{ amount: 40, fee: '12' }]);
  const remaining = await db('engine_process_instances').where({ bpmn_process_id: 'service' });
  t.equal(remaining.length, 0, 'finished instances leave no state behind');
});

t.test('exclusive gateway takes the first true condition, else the default flow', async (t) => {
  const xml = bpmn('route', `
    <bpmn:startEvent id="start" />
    <bpmn:exclusiveGateway id="gw" default="toSmall" />
    <bpmn:scriptTask id="big"><bpmn:extensionElements><zeebe:script expression="=&quot;big&quot;" resultVariable="size" /></bpmn:extensionElements></bpmn:scriptTask>
    <bpmn:scriptTask id="small"><bpmn:extensionElements><zeebe:script expression="=&quot;small&quot;" resultVariable="size" /></bpmn:extensionElements></bpmn:scriptTask>
    <bpmn:endEvent id="end1" /><bpmn:endEvent id="end2" />
    ${flow('f1', 'start', 'gw')}
    ${flow('toBig', 'gw', 'big', '=area > 100')}
    ${flow('toSmall', 'gw', 'small')}
    ${flow('f2', 'big', 'end1')}${flow('f3', 'small', 'end2')}`);
  await deploy(client, xml);
  const big = await client.createProcessInstanceWithResult({ bpmnProcessId: 'route', variables: { area: 150 } });
  const small = await client.createProcessInstanceWithResult({ bpmnProcessId: 'route', variables: { area: 50 } });
  t.equal(big.variables.size, 'big');
  t.equal(small.variables.size, 'small');
});

t.test('parallel gateway forks and joins', async (t) => {
  const xml = bpmn('parallel', `
    <bpmn:startEvent id="start" />
    <bpmn:parallelGateway id="fork" /><bpmn:parallelGateway id="join" />
    ${serviceTask('a', 'par-a')}${serviceTask('b', 'par-b')}
    <bpmn:endEvent id="end" />
    ${flow('f1', 'start', 'fork')}${flow('f2', 'fork', 'a')}${flow('f3', 'fork', 'b')}
    ${flow('f4', 'a', 'join')}${flow('f5', 'b', 'join')}${flow('f6', 'join', 'end')}`);
  await deploy(client, xml);
  const created = await client.createProcessInstance({ bpmnProcessId: 'parallel', variables: {} });
  const [a] = await activate(client, 'par-a');
  const [b] = await activate(client, 'par-b');
  t.ok(a && b, 'both branches have a job');
  await client.completeJob({ jobKey: a!.key, variables: { a: 1 } });
  t.ok(await db('engine_process_instances').where({ key: created.processInstanceKey }).first(), 'still waiting for b');
  await client.completeJob({ jobKey: b!.key, variables: { b: 2 } });
  t.notOk(await db('engine_process_instances').where({ key: created.processInstanceKey }).first(), 'joined and completed');
});

t.test('user tasks are jobs of type io.camunda.zeebe:userTask with Zeebe headers', async (t) => {
  const userTask = `<bpmn:userTask id="review"><bpmn:extensionElements>
      <zeebe:assignmentDefinition assignee="=clerk" candidateGroups="district-12:clerk, district-12:manager" />
      <zeebe:formDefinition formKey="camunda-forms:bpmn:reviewForm" />
      <zeebe:taskSchedule dueDate="=&quot;2026-12-01T10:00:00Z&quot;" />
    </bpmn:extensionElements></bpmn:userTask>`;
  await deploy(client, chain('usertask', [{ id: 'review', xml: userTask }]));
  await client.createProcessInstance({ bpmnProcessId: 'usertask', variables: { clerk: 'maryam' } });
  const [job] = await activate(client, 'io.camunda.zeebe:userTask');
  t.equal(job!.customHeaders['io.camunda.zeebe:assignee'], 'maryam');
  t.same(JSON.parse(job!.customHeaders['io.camunda.zeebe:candidateGroups']), ['district-12:clerk', 'district-12:manager']);
  t.equal(job!.customHeaders['io.camunda.zeebe:formKey'], 'camunda-forms:bpmn:reviewForm');
  t.equal(job!.customHeaders['io.camunda.zeebe:dueDate'], '2026-12-01T10:00:00Z');
  await client.completeJob({ jobKey: job!.key, variables: { approved: true } });
});

t.test('activateJobs long-polls and answers as soon as a job exists', async (t) => {
  await deploy(client, chain('longpoll', [{ id: 'task', xml: serviceTask('task', 'late-type') }]));
  const started = Date.now();
  const pending = activate(client, 'late-type', 5, 5_000);
  await waitingAtEngine(engine, 'late-type');
  await client.createProcessInstance({ bpmnProcessId: 'longpoll', variables: {} });
  const jobs = await pending;
  t.equal(jobs.length, 1);
  t.ok(Date.now() - started < 3_000, 'answered before the request timeout');
  const none = await activate(client, 'nobody-type', 5, -1);
  t.same(none, [], 'requestTimeout -1 answers at once');
});
