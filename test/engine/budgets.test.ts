// Budgets, never a frozen engine: a process looping without a wait state gets
// an incident naming the loop; a FEEL expression that would run for seconds
// and eat gigabytes gets an incident after its time budget; absurd diagrams
// are refused at deploy. While an instance misbehaves, other clients' calls
// keep their latency: the loop runs in slices between other commands.
import pino from 'pino';
import t from 'tap';
import { startEngine } from '../../engine/index.ts';
import { createTestDatabase } from '../helpers/database.ts';
import { activate, bpmn, chain, deploy, eventually, flow, newClient, serviceTask } from './helpers.ts';

const db = await createTestDatabase(t);
const stepsWithoutWait = 10_000; // the default
const engine = await startEngine({ db, port: 0, logger: pino({ level: process.env.ENGINE_LOG ?? 'silent' }) });
t.teardown(() => engine.stop());
const client = newClient(t, engine.port);
const incidentOf = (instanceKey: string) => db('engine_incidents').where({ process_instance_key: instanceKey }).first();

// gateway -> throw event -> gateway, leaving only once `done` is true: no wait state on the way.
const loop = bpmn('loop', `
  <bpmn:startEvent id="start" />
  <bpmn:exclusiveGateway id="gw" default="again" />
  <bpmn:intermediateThrowEvent id="throw" />
  <bpmn:endEvent id="end" />
  ${flow('f0', 'start', 'gw')}${flow('out', 'gw', 'end', '=done = true')}${flow('again', 'gw', 'throw')}${flow('back', 'throw', 'gw')}`);
const heavy = chain('heavy', [{ id: 'count', xml: '<bpmn:scriptTask id="count"><bpmn:extensionElements><zeebe:script expression="=count(for i in 1..10000000 return i)" resultVariable="n" /></bpmn:extensionElements></bpmn:scriptTask>' }]);
const work = chain('work', [{ id: 'task', xml: serviceTask('task', 'budget-work') }]);

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

t.test('a loop without a wait state and a heavy expression become incidents while other clients keep their latency', async (t) => {
  await deploy(client, loop);
  await deploy(client, heavy);
  await deploy(client, work);
  for (let i = 0; i < 40; i++) await client.createProcessInstance({ bpmnProcessId: 'work', variables: {} });
  const jobs = await activate(client, 'budget-work', 40);
  t.equal(jobs.length, 40);

  const rssBefore = process.memoryUsage().rss;
  const looping = await client.createProcessInstance({ bpmnProcessId: 'loop', variables: { done: false } });
  const counting = await client.createProcessInstance({ bpmnProcessId: 'heavy', variables: {} });
  // Another client's calls while both misbehave: creates and job completions, one after another.
  const latencies: number[] = [];
  let misbehaving = true;
  const others = (async () => {
    for (let i = 0; misbehaving || i < 10; i++) {
      let started = performance.now();
      await client.createProcessInstance({ bpmnProcessId: 'work', variables: { i } });
      latencies.push(performance.now() - started);
      const job = jobs[i % jobs.length]!;
      started = performance.now();
      if (i < jobs.length) await client.completeJob({ jobKey: job.key, variables: {} });
      else await client.setVariables({ elementInstanceKey: job.processInstanceKey, variables: { i }, local: false }).catch(() => undefined);
      latencies.push(performance.now() - started);
    }
  })();
  const loopIncident = await eventually(() => incidentOf(looping.processInstanceKey), 60_000);
  const heavyIncident = await eventually(() => incidentOf(counting.processInstanceKey), 60_000);
  misbehaving = false;
  await others;
  const rssGrowth = (process.memoryUsage().rss - rssBefore) / 1e6;

  t.equal(loopIncident.error_type, 'UNKNOWN');
  t.match(loopIncident.data.errorMessage, new RegExp(`within ${stepsWithoutWait} element activations.*loops through '(gw|throw)' \\d+ times, '(gw|throw)' \\d+ times`));
  t.equal(heavyIncident.error_type, 'EXTRACT_VALUE_ERROR');
  t.match(heavyIncident.data.errorMessage, /ran longer than the engine's FEEL time budget of 200 ms/);
  t.ok(rssGrowth < 500, `the heavy expression did not eat gigabytes (RSS grew ${rssGrowth.toFixed(0)} MB)`);

  const p50 = percentile(latencies, 50);
  const p95 = percentile(latencies, 95);
  const max = Math.max(...latencies);
  t.comment(`other client's calls during the misbehaviour: ${latencies.length} calls, p50 ${p50.toFixed(1)} ms, p95 ${p95.toFixed(1)} ms, max ${max.toFixed(1)} ms`);
  t.ok(latencies.length >= 20, 'the other client kept being answered');
  // Without slices the loop alone held the engine for seconds; a slice is milliseconds,
  // the heavy expression at most its 200 ms budget once.
  t.ok(p95 < 250, `p95 ${p95.toFixed(1)} ms stays low`);
  t.ok(max < 1_000, `max ${max.toFixed(1)} ms stays bounded`);

  // The way out: fix what the loop reads and resolve.
  await client.setVariables({ elementInstanceKey: looping.processInstanceKey, variables: { done: true }, local: false });
  await client.resolveIncident({ incidentKey: loopIncident.key });
  await eventually(async () => (await db('engine_process_instances').where({ key: looping.processInstanceKey })).length === 0);
  t.pass('the loop instance completes once its condition changed');
});

t.test('absurd diagrams are refused at deploy, quickly', async (t) => {
  const terms = Array.from({ length: 200_000 }, () => 'x').join(' + ');
  const started = Date.now();
  await t.rejects(deploy(client, chain('long', [{ id: 'script', xml: `<bpmn:scriptTask id="script"><bpmn:extensionElements><zeebe:script expression="=${terms}" resultVariable="r" /></bpmn:extensionElements></bpmn:scriptTask>` }])),
    { code: 3, details: /is \d+ characters long; the engine accepts at most 4000/ });
  t.ok(Date.now() - started < 5_000, 'refused before parsing the expression');
  const nested = `${'<bpmn:subProcess id="s">'.repeat(10_000)}${'</bpmn:subProcess>'.repeat(10_000)}`;
  await t.rejects(deploy(client, bpmn('deep', nested)), { code: 3, details: /nests XML elements more than 100 levels deep/ });
  let scopes = '<bpmn:startEvent id="start0" />';
  for (let i = 30; i > 0; i--) scopes = `<bpmn:startEvent id="start${i}" /><bpmn:subProcess id="sub${i}">${scopes}</bpmn:subProcess>${flow(`f${i}`, `start${i}`, `sub${i}`)}`;
  await t.rejects(deploy(client, bpmn('scopes', scopes)), { code: 3, details: /subprocesses are nested more than 25 deep/ });
  const many = Array.from({ length: 5_001 }, (_, i) => `<bpmn:task id="t${i}" />`).join('');
  await t.rejects(deploy(client, bpmn('many', many)), { code: 3, details: /more than 5000 flow elements/ });
  t.ok(await client.createProcessInstance({ bpmnProcessId: 'work', variables: {} }), 'the engine goes on');
});
