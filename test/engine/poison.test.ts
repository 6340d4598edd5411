// Values PostgreSQL cannot store (NUL, lone surrogates), numbers JavaScript
// cannot hold, nesting that would overflow a stack: every way into the engine
// refuses them with INVALID_ARGUMENT naming the variable or the field, an
// expression producing one raises an incident on its instance, and the
// engine goes on serving everyone (the commit path is never poisoned).
import t from 'tap';
import { activate, bpmn, chain, deploy, flow, message, serviceTask, startTestEngine } from './helpers.ts';
import { eventually } from '../helpers/eventually.ts';

const { db, client } = await startTestEngine(t);
const grpc = (client as any).grpc;
const invalid = (details: RegExp) => ({ code: 3, details });

await deploy(client, chain('poison', [{ id: 'work', xml: serviceTask('work', 'poison-work') }]));
await deploy(client, bpmn('poison-wait', `<bpmn:startEvent id="start" /><bpmn:intermediateCatchEvent id="wait"><bpmn:messageEventDefinition messageRef="m" /></bpmn:intermediateCatchEvent><bpmn:endEvent id="end" />${flow('f1', 'start', 'wait')}${flow('f2', 'wait', 'end')}`, message('m', 'poison-message', '=id')));

t.test('variables with NUL, lone surrogates, huge numbers or deep nesting are refused, naming the variable', async (t) => {
  const create = (variables: string) => grpc.createProcessInstanceSync({ bpmnProcessId: 'poison', version: -1, variables });
  await t.rejects(client.createProcessInstance({ bpmnProcessId: 'poison', variables: { note: 'a\u0000b' } }), invalid(/'note' contains a NUL character/));
  await t.rejects(client.createProcessInstance({ bpmnProcessId: 'poison', variables: { s: 'x\ud800' } }), invalid(/'s' contains a lone UTF-16 surrogate \(U\+D800\)/));
  await t.rejects(client.createProcessInstance({ bpmnProcessId: 'poison', variables: { form: { rows: [1, { 'low\udc00': 1 }] } } }), invalid(/form\.rows\[1\]\["low\?"\]' has a name that contains a lone UTF-16 surrogate/));
  await t.rejects(create('{"big": 123456789012345678901234567890}'), invalid(/'big' is the integer 123456789012345678901234567890, past 2\^53 - 1/));
  await t.rejects(create('{"huge": 1e400}'), invalid(/'huge' is a number out of range/));
  await t.rejects(create('{"form": {"__proto__": {"admin": true}}}'), invalid(/'form.__proto__' has a name that is __proto__/));
  const deep = `{"deep": ${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
  await t.rejects(create(deep), invalid(/'deep(\[0\])+' nests objects and lists deeper than 100 levels/));
  const fine = await create('{"fine": 9007199254740991, "float": 1e300, "text": "سلام 😀 \\\\u0000 is text"}');
  t.ok(fine.processInstanceKey, 'safe integers, big floats, Persian text with emoji and an escaped backslash pass');
});

t.test('every request carrying text or variables refuses them; the engine keeps serving', async (t) => {
  const created = await client.createProcessInstance({ bpmnProcessId: 'poison', variables: { id: 'ok' } });
  const job = (await activate(client, 'poison-work')).find((j) => j.processInstanceKey === created.processInstanceKey);
  t.ok(job, 'the job to answer');
  await t.rejects(client.completeJob({ jobKey: job!.key, variables: { answer: 'x\u0000' } }), invalid(/'answer' contains a NUL/), 'CompleteJob');
  await t.rejects(client.setVariables({ elementInstanceKey: created.processInstanceKey, variables: { v: '\udfff' }, local: false }), invalid(/'v' contains a lone/), 'SetVariables');
  await t.rejects(client.failJob({ jobKey: job!.key, errorMessage: 'bad\u0000news', retries: 1, retryBackOff: 0 }), invalid(/Property 'errorMessage' is invalid: it contains a NUL/), 'FailJob error message');
  await t.rejects(client.throwError({ jobKey: job!.key, errorCode: 'E\u0000', errorMessage: '' }), invalid(/'errorCode'/), 'ThrowError code');
  await t.rejects(client.throwError({ jobKey: job!.key, errorCode: 'E', errorMessage: '', variables: { v: '\u0000' } } as never), invalid(/'v' contains a NUL/), 'ThrowError variables');
  await t.rejects(client.publishMessage({ name: 'poison-message', correlationKey: 'k\u0000', variables: {} }), invalid(/'correlationKey'/), 'PublishMessage correlation key');
  await t.rejects(client.publishMessage({ name: 'poison-message', correlationKey: 'k', variables: { v: 'a\ud800' } }), invalid(/'v' contains a lone/), 'PublishMessage variables');
  await t.rejects(client.broadcastSignal({ signalName: 'sig', variables: { v: '\u0000' } }), invalid(/'v' contains a NUL/), 'BroadcastSignal variables');
  await t.rejects(activate(client, 'poison-work\u0000'), invalid(/'type'/), 'ActivateJobs type');
  await t.rejects(grpc.activateJobsStream({ type: 'poison-work', worker: 'w\u0000', timeout: 1000, maxJobsToActivate: 1, requestTimeout: -1 }).then((s: any) => new Promise((resolve, reject) => { s.on('error', reject); s.on('end', resolve); })), invalid(/'worker'/), 'ActivateJobs worker name (stored with the job)');

  // Nothing was poisoned: the job completes, the engine commits, other clients go on.
  await client.completeJob({ jobKey: job!.key, variables: { answer: 'سلام' } });
  const other = await client.createProcessInstance({ bpmnProcessId: 'poison-wait', variables: { id: 'c1' } });
  await client.publishMessage({ name: 'poison-message', correlationKey: 'c1', variables: { v: '😀' }, timeToLive: 0 });
  await eventually('the other instance to complete', async () => (await db('engine_process_instances').where({ key: other.processInstanceKey })).length === 0);
  t.same((await client.topology()).brokers[0]!.partitions[0]!.health, 'HEALTHY');
});

t.test('a diagram that would carry NUL or a surrogate into the engine is refused at deploy', async (t) => {
  const withName = (name: string) => chain('poison-name', [{ id: 'work', xml: serviceTask('work', name) }]);
  await t.rejects(deploy(client, withName('a&#0;b')), invalid(/character reference '&#0;'/));
  await t.rejects(deploy(client, withName('a&#xD800;b')), invalid(/character reference '&#xD800;'/));
  await t.rejects(deploy(client, withName('a\u0000b')), invalid(/contains a NUL/));
  await t.rejects(client.deployResource({ name: 'f.form', form: Buffer.from('{"id": "form\\u0000", "components": []}') } as never), invalid(/form's id contains a NUL/));
});

t.test('an expression whose result cannot be stored raises an incident on its instance', async (t) => {
  await deploy(client, chain('poison-script', [{ id: 'script', xml: '<bpmn:scriptTask id="script"><bpmn:extensionElements><zeebe:script expression="=&quot;\\ud800&quot;" resultVariable="r" /></bpmn:extensionElements></bpmn:scriptTask>' }]));
  const created = await client.createProcessInstance({ bpmnProcessId: 'poison-script', variables: {} });
  const incident = await eventually('the expression\'s incident', async () => (await db('engine_incidents').where({ process_instance_key: created.processInstanceKey }))[0]);
  t.equal(incident.error_type, 'EXTRACT_VALUE_ERROR');
  t.match(incident.data.errorMessage, /to be a value the engine can keep, but it contains a lone UTF-16 surrogate/);
  t.ok(await client.createProcessInstance({ bpmnProcessId: 'poison', variables: {} }), 'others go on');
});

t.test('times past what a date can hold are refused or become incidents, never a commit that fails', async (t) => {
  await t.rejects(client.publishMessage({ name: 'poison-message', correlationKey: 'k', variables: {}, timeToLive: 9_007_199_254_740_991 }), invalid(/time to live to be at most/));
  const timer = (value: string) => chain('poison-timer', [{ id: 'wait', xml: `<bpmn:intermediateCatchEvent id="wait"><bpmn:timerEventDefinition><bpmn:timeDuration>${value}</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>` }]);
  await t.rejects(deploy(client, timer('P99999999Y')), invalid(/falls beyond the dates the engine can hold/));
  await deploy(client, timer('=wait'));
  const created = await client.createProcessInstance({ bpmnProcessId: 'poison-timer', variables: { wait: 'P99999999Y' } });
  const incident = await eventually('the timer\'s incident', async () => (await db('engine_incidents').where({ process_instance_key: created.processInstanceKey }))[0]);
  t.match(incident.data.errorMessage, /falls beyond the dates the engine can hold/);
  t.ok((await client.topology()).brokers.length, 'the commit path is fine');
});
