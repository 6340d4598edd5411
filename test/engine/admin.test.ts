// Decisions, forms and the administrative RPCs: EvaluateDecision, business
// rule tasks, CancelProcessInstance, ModifyProcessInstance, SetVariables,
// DeleteResource, and the rejections of invalid requests and models.
import t from 'tap';
import { activate, bpmn, chain, deploy, flow, serviceTask, startTestEngine, userTask } from './helpers.ts';

const { client, db } = await startTestEngine(t);
const alive = async (key: string) => Boolean(await db('engine_process_instances').where({ key }).first());

const dmn = `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="fees" name="Fees" namespace="http://shahrdari">
  <decision id="permitFee" name="Permit fee">
    <informationRequirement id="ir"><requiredDecision href="#baseRate" /></informationRequirement>
    <decisionTable id="table" hitPolicy="FIRST">
      <input id="i1" label="Area"><inputExpression id="ie1" typeRef="number"><text>area</text></inputExpression></input>
      <input id="i2" label="Zone"><inputExpression id="ie2" typeRef="string"><text>zone</text></inputExpression></input>
      <output id="o1" name="fee" typeRef="number" />
      <rule id="r1"><inputEntry id="a1"><text>&gt; 100</text></inputEntry><inputEntry id="a2"><text>"commercial","industrial"</text></inputEntry><outputEntry id="b1"><text>baseRate * area * 2</text></outputEntry></rule>
      <rule id="r2"><inputEntry id="a3"><text>[1..100]</text></inputEntry><inputEntry id="a4"><text>-</text></inputEntry><outputEntry id="b2"><text>baseRate * area</text></outputEntry></rule>
    </decisionTable>
  </decision>
  <decision id="baseRate" name="Base rate"><variable name="baseRate" /><literalExpression id="le"><text>1000</text></literalExpression></decision>
</definitions>`;

t.test('DMN: deploy, evaluate with required decisions, business rule task', async (t) => {
  const deployed = await client.deployResource({ name: 'fees.dmn', decision: Buffer.from(dmn) });
  const kinds = deployed.deployments.map((d: any) => Object.keys(d).find((k) => d[k]));
  t.ok(kinds.includes('decisionRequirements') && kinds.includes('decision'), 'metadata for the graph and its decisions');
  const evaluated = await client.evaluateDecision({ decisionId: 'permitFee', variables: { area: 120, zone: 'commercial' } });
  t.equal(JSON.parse(evaluated.decisionOutput), 240000);
  t.equal(evaluated.evaluatedDecisions.length, 2);
  const small = await client.evaluateDecision({ decisionId: 'permitFee', variables: { area: 50, zone: 'residential' } });
  t.equal(JSON.parse(small.decisionOutput), 50000);
  await t.rejects(client.evaluateDecision({ decisionId: 'nope', variables: {} }), { code: 5 });

  const task = '<bpmn:businessRuleTask id="fee"><bpmn:extensionElements><zeebe:calledDecision decisionId="permitFee" resultVariable="fee" /></bpmn:extensionElements></bpmn:businessRuleTask>';
  await deploy(client, chain('fee-process', [{ id: 'fee', xml: task }]));
  const result = await client.createProcessInstanceWithResult({ bpmnProcessId: 'fee-process', variables: { area: 10, zone: 'x' } });
  t.equal(result.variables.fee, 10000);
});

t.test('forms deploy with versions and link to user tasks by form id', async (t) => {
  const form = JSON.stringify({ id: 'permit-form', type: 'default', components: [] });
  const first = await client.deployResource({ name: 'permit.form', form: Buffer.from(form) });
  const formMeta = (first.deployments[0] as any).form;
  t.equal(formMeta.formId, 'permit-form');
  t.equal(formMeta.version, 1);
  const user = userTask('fill', { formId: 'permit-form' });
  await deploy(client, chain('with-form', [{ id: 'fill', xml: user }]));
  await client.createProcessInstance({ bpmnProcessId: 'with-form', variables: {} });
  const [job] = await activate(client, 'io.camunda.zeebe:userTask');
  t.equal(job!.customHeaders['io.camunda.zeebe:formKey'], String(formMeta.formKey));
  await client.completeJob({ jobKey: job!.key, variables: {} });
});

t.test('cancel, set variables (local and propagated), modify', async (t) => {
  await deploy(client, chain('admin', [{ id: 'one', xml: serviceTask('one', 'admin-one') }, { id: 'two', xml: serviceTask('two', 'admin-two') }]));
  const cancelled = await client.createProcessInstance({ bpmnProcessId: 'admin', variables: {} });
  await client.cancelProcessInstance(cancelled.processInstanceKey);
  t.notOk(await alive(cancelled.processInstanceKey));
  t.same(await activate(client, 'admin-one', 5, -1), [], 'its job is gone');
  await t.rejects(client.cancelProcessInstance(cancelled.processInstanceKey), { code: 5 });

  const instance = await client.createProcessInstance({ bpmnProcessId: 'admin', variables: { a: 1 } });
  const [job] = await activate(client, 'admin-one');
  await client.setVariables({ elementInstanceKey: job!.elementInstanceKey, variables: { onlyHere: true }, local: true });
  await client.setVariables({ elementInstanceKey: job!.elementInstanceKey, variables: { a: 2 }, local: false });
  const row = await db('engine_process_instances').where({ key: instance.processInstanceKey }).first();
  t.equal(row.state.variables[job!.elementInstanceKey].onlyHere, true);
  t.equal(row.state.variables[instance.processInstanceKey].a, 2, 'propagated to the process scope');
  await t.rejects(client.setVariables({ elementInstanceKey: '2251799813999999', variables: {}, local: false }), { code: 5 });

  await client.modifyProcessInstance({
    processInstanceKey: instance.processInstanceKey,
    activateInstructions: [{ elementId: 'two', ancestorElementInstanceKey: '0', variableInstructions: [{ variables: { moved: true }, scopeId: '' }] }],
    terminateInstructions: [{ elementInstanceKey: job!.elementInstanceKey }],
  } as never);
  t.same(await activate(client, 'admin-one', 5, -1), [], 'terminated');
  const [two] = await activate(client, 'admin-two');
  t.equal(two!.variables.moved, true);
  await client.completeJob({ jobKey: two!.key, variables: {} });
  t.notOk(await alive(instance.processInstanceKey));
});

t.test('create instance: start instructions, unknown process, bad variables', async (t) => {
  await deploy(client, chain('skip', [{ id: 'first', xml: serviceTask('first', 'skip-first') }, { id: 'second', xml: serviceTask('second', 'skip-second') }]));
  await client.createProcessInstance({ bpmnProcessId: 'skip', variables: {}, startInstructions: [{ elementId: 'second' }] } as never);
  t.same(await activate(client, 'skip-first', 5, -1), []);
  t.equal((await activate(client, 'skip-second', 5, -1)).length, 1);
  await t.rejects(client.createProcessInstance({ bpmnProcessId: 'no-such-process', variables: {} }), { code: 5 });
  await t.rejects(client.createProcessInstance({ bpmnProcessId: 'skip', version: 9, variables: {} } as never), { code: 5 });
  await t.rejects((client as any).grpc.createProcessInstanceSync({ bpmnProcessId: 'skip', version: -1, variables: '[1]' }), { code: 3 });
});

t.test('delete resource (zeebe-node 8.3 has no wrapper: its generated gRPC method)', async (t) => {
  const v1 = await deploy(client, chain('deletable', []));
  const v2 = await deploy(client, chain('deletable', [{ id: 'x', xml: '<bpmn:task id="x" />' }]));
  const key2 = (v2.deployments[0] as any).process.processDefinitionKey;
  await (client as any).grpc.deleteResourceSync({ resourceKey: key2 });
  const created = await client.createProcessInstance({ bpmnProcessId: 'deletable', variables: {} });
  t.equal(created.processDefinitionKey, (v1.deployments[0] as any).process.processDefinitionKey, 'the previous version is the latest again');
  await t.rejects((client as any).grpc.deleteResourceSync({ resourceKey: key2 }), { code: 5 });
});

t.test('invalid deployments are rejected with the element and the reason', async (t) => {
  const cases: Array<[string, string, RegExp]> = [
    ['bad XML', '<bpmn:definitions', /parse|XML|unparsable/i],
    ['service task without type', chain('p1', [{ id: 'naked', xml: '<bpmn:serviceTask id="naked" />' }]), /naked.*taskDefinition/],
    ['static correlation key', chain('p2', [{ id: 'w', xml: '<bpmn:intermediateCatchEvent id="w"><bpmn:messageEventDefinition messageRef="m" /></bpmn:intermediateCatchEvent>' }],
      '<bpmn:message id="m" name="m"><bpmn:extensionElements><zeebe:subscription correlationKey="static" /></bpmn:extensionElements></bpmn:message>'), /w.*correlation key.*expression/],
    ['unsupported element', chain('p3', [{ id: 'cx', xml: '<bpmn:complexGateway id="cx" />' }]), /cx.*ComplexGateway.*not supported/],
    ['FEEL syntax error', bpmn('p4', `<bpmn:startEvent id="s" /><bpmn:exclusiveGateway id="g" /><bpmn:endEvent id="e" /><bpmn:endEvent id="e2" />${flow('a', 's', 'g')}${flow('b', 'g', 'e', '=x >')}${flow('c', 'g', 'e2', '=true')}`), /b.*condition/],
    ['unknown resource type', 'hello', /not supported/],
  ];
  for (const [what, content, reason] of cases) {
    const name = what === 'unknown resource type' ? 'notes.txt' : 'bad.bpmn';
    await t.rejects(client.deployResource({ name, process: Buffer.from(content) }), { code: 3, details: reason }, what);
  }
  await t.rejects(client.deployResource({ name: 'ok.bpmn', process: Buffer.from(chain('tenanted', [])), tenantId: 'other' }), { code: 3 }, 'no multi-tenancy');
});
