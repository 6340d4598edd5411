// Budgets, never a frozen engine: a process looping without a wait state gets
// an incident naming the loop; a FEEL expression that would run for seconds
// and eat gigabytes gets an incident after its time budget; absurd diagrams
// are refused at deploy. While an instance misbehaves, other clients' calls
// keep their latency: the loop runs in slices between other commands. The
// latencies are judged against a baseline of the same calls measured just
// before in the same run and against the loop's own duration, never against
// absolute figures, so a loaded machine does not fail the test while a
// frozen engine still does.
import pino from 'pino';
import t from 'tap';
import { feelBudget } from '../../engine/feel.ts';
import { startEngine } from '../../engine/index.ts';
import { defaultStepBudget } from '../../engine/runtime/executor.ts';
import { createTestDatabase } from '../helpers/database.ts';
import { eventually } from '../helpers/eventually.ts';
import { activate, bpmn, chain, deploy, flow, newClient, serviceTask } from './helpers.ts';

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

/** Another client, one call after another: creates and job completions (then variable updates), each call's start and latency. */
function otherClient(jobs: Array<Record<string, any>>) {
  const calls: Array<{ at: number; ms: number }> = [];
  let stop = false;
  let completed = 0;
  const timed = async (call: () => Promise<unknown>) => {
    const at = performance.now();
    await call();
    calls.push({ at, ms: performance.now() - at });
  };
  const running = (async () => {
    for (let i = 0; !stop; i++) {
      await timed(() => client.createProcessInstance({ bpmnProcessId: 'work', variables: { i } }));
      const job = jobs[completed % jobs.length]!;
      if (completed < jobs.length) await timed(() => client.completeJob({ jobKey: job.key, variables: {} }));
      else await timed(() => client.setVariables({ elementInstanceKey: job.processInstanceKey, variables: { i }, local: false }).catch(() => undefined));
      completed++;
    }
  })();
  return { calls, stop: async () => { stop = true; await running; } };
}

t.test('a loop without a wait state and a heavy expression become incidents while other clients keep their latency', async (t) => {
  await deploy(client, loop);
  await deploy(client, heavy);
  await deploy(client, work);
  for (let i = 0; i < 60; i++) await client.createProcessInstance({ bpmnProcessId: 'work', variables: {} });
  const jobs = await activate(client, 'budget-work', 60);
  t.equal(jobs.length, 60);

  // Baseline: the same client's calls in this run, on this machine's load, with nobody misbehaving.
  const calm = otherClient(jobs.slice(0, 20));
  await eventually('40 calls before the misbehaviour', () => calm.calls.length >= 40, { timeoutMs: 60_000, intervalMs: 5 });
  await calm.stop();
  const baseline = calm.calls.map((call) => call.ms);

  // The same calls while one instance loops and another evaluates a 10-million-item expression.
  const busy = otherClient(jobs.slice(20));
  await eventually('the other client calling', () => busy.calls.length >= 4, { timeoutMs: 60_000, intervalMs: 5 });
  const rssBefore = process.memoryUsage().rss;
  const started = performance.now();
  const [looping, counting] = await Promise.all([
    client.createProcessInstance({ bpmnProcessId: 'loop', variables: { done: false } }),
    client.createProcessInstance({ bpmnProcessId: 'heavy', variables: {} }),
  ]);
  const loopIncident = await eventually('the looping instance\'s incident', () => incidentOf(looping.processInstanceKey), { timeoutMs: 60_000 });
  const loopEnded = performance.now();
  const heavyIncident = await eventually('the heavy expression\'s incident', () => incidentOf(counting.processInstanceKey), { timeoutMs: 60_000 });
  const ended = performance.now();
  const rssGrowth = (process.memoryUsage().rss - rssBefore) / 1e6;
  await busy.stop();
  // every call that was waiting at some moment of the misbehaviour, including one already in flight when it began
  const during = busy.calls.filter((call) => call.at < ended && call.at + call.ms > started).map((call) => call.ms);

  t.equal(loopIncident.error_type, 'UNKNOWN');
  t.match(loopIncident.data.errorMessage, new RegExp(`within ${stepsWithoutWait} element activations.*loops through '(gw|throw)' \\d+ times, '(gw|throw)' \\d+ times`));
  t.equal(heavyIncident.error_type, 'EXTRACT_VALUE_ERROR');
  t.match(heavyIncident.data.errorMessage, /ran longer than the engine's FEEL time budget of 200 ms/);
  t.ok(rssGrowth < 500, `the heavy expression did not eat gigabytes (RSS grew ${rssGrowth.toFixed(0)} MB)`);

  // Everything is measured against this run: the baseline just before and the loop's own duration, so a
  // loaded machine slows both sides alike. A frozen engine answers nobody while the loop runs: a handful of
  // calls, one of them waiting for the whole loop. Sliced, a call waits for at most a slice of the loop (and
  // once for the heavy expression's 200 ms FEEL budget, which one evaluation may take by design).
  const loopMs = loopEnded - started;
  const worst = Math.max(...during);
  const median = { calm: percentile(baseline, 50), busy: percentile(during, 50) };
  t.comment(`baseline: ${baseline.length} calls, p50 ${median.calm.toFixed(1)} ms, p95 ${percentile(baseline, 95).toFixed(1)} ms, max ${Math.max(...baseline).toFixed(1)} ms`);
  t.comment(`during: ${during.length} calls in ${(ended - started).toFixed(0)} ms (the loop alone ${loopMs.toFixed(0)} ms), p50 ${median.busy.toFixed(1)} ms, p95 ${percentile(during, 95).toFixed(1)} ms, max ${worst.toFixed(1)} ms`);
  t.ok(during.length >= 10, `the other client kept being answered while the instances misbehaved (${during.length} calls)`);
  t.ok(worst < feelBudget.timeMs + loopMs / 4, `its worst wait (${worst.toFixed(0)} ms) is far below the ${loopMs.toFixed(0)} ms the loop took, which an engine running it unsliced would have made it wait (bound: the FEEL budget + a quarter of the loop)`);
  t.ok(median.busy < 4 * (median.calm + defaultStepBudget.sliceMs), `its typical call (p50 ${median.busy.toFixed(1)} ms) costs about a slice more than at rest (p50 ${median.calm.toFixed(1)} ms; bound 4 x (rest + ${defaultStepBudget.sliceMs} ms slice))`);

  // The way out: fix what the loop reads and resolve.
  await client.setVariables({ elementInstanceKey: looping.processInstanceKey, variables: { done: true }, local: false });
  await client.resolveIncident({ incidentKey: loopIncident.key });
  await eventually('the loop instance to complete', async () => (await db('engine_process_instances').where({ key: looping.processInstanceKey })).length === 0);
  t.same(await db('engine_process_instances').where({ key: looping.processInstanceKey }), [], 'the loop instance completes once its condition changed');
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
