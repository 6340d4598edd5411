// Scopes and structure: embedded subprocesses, call activities, multi-instance,
// inclusive gateways, terminate end events, io mappings and variable scoping.
import t from 'tap';
import { activate, bpmn, chain, deploy, flow, serviceTask, startTestEngine } from './helpers.ts';

const { client, db } = await startTestEngine(t);
const incidents = (key: string) => db('engine_incidents').where({ process_instance_key: key });

const script = (id: string, expression: string, result: string) =>
  `<bpmn:scriptTask id="${id}"><bpmn:extensionElements><zeebe:script expression="${expression.replace(/"/g, '&quot;')}" resultVariable="${result}" /></bpmn:extensionElements></bpmn:scriptTask>`;

t.test('io mappings: inputs are local, outputs reach the process', async (t) => {
  const io = '<zeebe:ioMapping><zeebe:input source="=price * 2" target="doubled" /><zeebe:output source="=doubled + bonus" target="total" /></zeebe:ioMapping>';
  await deploy(client, chain('mapped', [{ id: 'calc', xml: serviceTask('calc', 'calc', io) }]));
  const pending = client.createProcessInstanceWithResult({ bpmnProcessId: 'mapped', variables: { price: 10 }, requestTimeout: 5_000 });
  const [job] = await activate(client, 'calc');
  t.equal(job!.variables.doubled, 20, 'input mapping visible to the job');
  await client.completeJob({ jobKey: job!.key, variables: { bonus: 1 } });
  const result = await pending;
  t.equal(result.variables.total, 21);
  t.notOk('doubled' in result.variables, 'local input stays local');
  t.notOk('bonus' in result.variables, 'with output mappings, job variables stay local');
});

t.test('io mappings read the results of the mappings before them, dotted targets included', async (t) => {
  const io = '<zeebe:ioMapping>'
    + '<zeebe:input source="=price * 2" target="price" /><zeebe:input source="=price + 1" target="next" />'
    + '<zeebe:input source="=1" target="order.count" /><zeebe:input source="=order.count + 1" target="order.more" /><zeebe:input source="=order.id" target="kept" />'
    + '<zeebe:output source="=next * 10" target="report.total" /><zeebe:output source="=report.total + 1" target="report.after" /><zeebe:output source="=report.x" target="gone" />'
    + '</zeebe:ioMapping>';
  await deploy(client, chain('chained', [{ id: 'calc', xml: serviceTask('calc', 'chained', io) }]));
  const pending = client.createProcessInstanceWithResult({ bpmnProcessId: 'chained', variables: { price: 10, order: { id: 'o-1' }, report: { x: 'old' } }, requestTimeout: 5_000 });
  const [job] = await activate(client, 'chained');
  t.equal(job!.variables.price, 20, 'an input may replace a visible variable');
  t.equal(job!.variables.next, 21, 'a later input reads the earlier one');
  t.same(job!.variables.order, { count: 1, more: 2 }, 'a dotted target builds a new local object, read by the next input');
  t.equal(job!.variables.kept, null, 'the visible object of that name is hidden once a mapping set it');
  await client.completeJob({ jobKey: job!.key, variables: {} });
  const result = await pending;
  t.same(result.variables.report, { total: 210, after: 211 }, 'outputs read the earlier outputs, dotted targets included');
  t.equal(result.variables.gone, null, 'the earlier output hides the visible object of the same name');
  t.equal(result.variables.price, 10, 'inputs stay local');
});

t.test('embedded subprocess and terminate end event', async (t) => {
  const xml = bpmn('sub', `
    <bpmn:startEvent id="start" />
    <bpmn:subProcess id="inner"><bpmn:startEvent id="is" />${script('x', '=1', 'x')}<bpmn:endEvent id="ie" />${flow('i1', 'is', 'x')}${flow('i2', 'x', 'ie')}</bpmn:subProcess>
    <bpmn:parallelGateway id="fork" />${serviceTask('forever', 'forever')}
    <bpmn:endEvent id="kill"><bpmn:terminateEventDefinition /></bpmn:endEvent>
    <bpmn:endEvent id="end" />
    ${flow('f1', 'start', 'inner')}${flow('f2', 'inner', 'fork')}${flow('f3', 'fork', 'forever')}${flow('f4', 'fork', 'kill')}${flow('f5', 'forever', 'end')}`);
  await deploy(client, xml);
  const result = await client.createProcessInstanceWithResult({ bpmnProcessId: 'sub', variables: {}, requestTimeout: 5_000 });
  t.equal(result.variables.x, 1);
  t.same(await activate(client, 'forever', 5, -1), [], 'terminate end event cancelled the other branch');
});

t.test('call activity passes variables both ways; a missing child process is an incident', async (t) => {
  await deploy(client, chain('child', [{ id: 'c', xml: script('c', '=input * 3', 'output') }]));
  const parent = chain('parent', [{ id: 'call', xml: '<bpmn:callActivity id="call"><bpmn:extensionElements><zeebe:calledElement processId="child" /></bpmn:extensionElements></bpmn:callActivity>' }]);
  await deploy(client, parent);
  const result = await client.createProcessInstanceWithResult({ bpmnProcessId: 'parent', variables: { input: 7 }, requestTimeout: 5_000 });
  t.equal(result.variables.output, 21);

  await deploy(client, chain('missing-child', [{ id: 'call', xml: '<bpmn:callActivity id="call"><bpmn:extensionElements><zeebe:calledElement processId="=childId" /></bpmn:extensionElements></bpmn:callActivity>' }]));
  const broken = await client.createProcessInstance({ bpmnProcessId: 'missing-child', variables: { childId: 'nope' } });
  const [incident] = await incidents(broken.processInstanceKey);
  t.equal(incident.error_type, 'CALLED_ELEMENT_ERROR');
});

t.test('multi-instance: parallel and sequential with input and output collections', async (t) => {
  for (const sequential of [false, true]) {
    const id = sequential ? 'mi-seq' : 'mi-par';
    const loop = `<bpmn:multiInstanceLoopCharacteristics isSequential="${sequential}"><bpmn:extensionElements><zeebe:loopCharacteristics inputCollection="=items" inputElement="item" outputCollection="results" outputElement="=item * 10" /></bpmn:extensionElements></bpmn:multiInstanceLoopCharacteristics>`;
    const task = `<bpmn:serviceTask id="each"><bpmn:extensionElements><zeebe:taskDefinition type="${id}" /></bpmn:extensionElements>${loop}</bpmn:serviceTask>`;
    await deploy(client, chain(id, [{ id: 'each', xml: task }]));
    const pending = client.createProcessInstanceWithResult({ bpmnProcessId: id, variables: { items: [1, 2, 3] }, requestTimeout: 5_000 });
    const seen: number[] = [];
    for (let round = 0; round < 3 && seen.length < 3; round++) {
      const jobs = await activate(client, id, 10, 1_000);
      if (!sequential) t.equal(jobs.length, 3, 'parallel: all at once');
      for (const job of jobs) {
        seen.push(job.variables.item);
        t.equal(job.variables.loopCounter, job.variables.item);
        await client.completeJob({ jobKey: job.key, variables: {} });
      }
    }
    t.same(seen, [1, 2, 3]);
    t.same((await pending).variables.results, [10, 20, 30]);
  }
  const empty = `<bpmn:scriptTask id="each"><bpmn:extensionElements><zeebe:script expression="=1" resultVariable="r" /></bpmn:extensionElements><bpmn:multiInstanceLoopCharacteristics><bpmn:extensionElements><zeebe:loopCharacteristics inputCollection="=items" /></bpmn:extensionElements></bpmn:multiInstanceLoopCharacteristics></bpmn:scriptTask>`;
  await deploy(client, chain('mi-bad', [{ id: 'each', xml: empty }]));
  const none = await client.createProcessInstanceWithResult({ bpmnProcessId: 'mi-bad', variables: { items: [] } });
  t.ok(none, 'an empty collection completes at once');
  const bad = await client.createProcessInstance({ bpmnProcessId: 'mi-bad', variables: { items: 'not a list' } });
  const [incident] = await incidents(bad.processInstanceKey);
  t.equal(incident.error_type, 'EXTRACT_VALUE_ERROR', 'a non-list input collection is an incident');
});

t.test('inclusive gateway forks on every true condition and joins them', async (t) => {
  const xml = bpmn('inclusive', `
    <bpmn:startEvent id="start" /><bpmn:inclusiveGateway id="split" default="fNone" /><bpmn:inclusiveGateway id="merge" />
    ${script('a', '="a"', 'a')}${script('b', '="b"', 'b')}${script('n', '="none"', 'n')}
    <bpmn:endEvent id="end" />
    ${flow('f1', 'start', 'split')}${flow('fa', 'split', 'a', '=x > 1')}${flow('fb', 'split', 'b', '=x > 2')}${flow('fNone', 'split', 'n')}
    ${flow('ga', 'a', 'merge')}${flow('gb', 'b', 'merge')}${flow('gn', 'n', 'merge')}${flow('f9', 'merge', 'end')}`);
  await deploy(client, xml);
  const both = await client.createProcessInstanceWithResult({ bpmnProcessId: 'inclusive', variables: { x: 5 } });
  t.same([both.variables.a, both.variables.b, both.variables.n], ['a', 'b', undefined]);
  const one = await client.createProcessInstanceWithResult({ bpmnProcessId: 'inclusive', variables: { x: 2 } });
  t.same([one.variables.a, one.variables.b], ['a', undefined]);
  const fallback = await client.createProcessInstanceWithResult({ bpmnProcessId: 'inclusive', variables: { x: 0 } });
  t.equal(fallback.variables.n, 'none');
});
