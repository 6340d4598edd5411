// The engine's clock control, as Camunda's PUT /v2/clock and POST /v2/clock/reset:
// pinning it forward fires timers, expires job deadlines and message TTLs, and
// FEEL's now() reads it; the HTTP control exists only when a port is given.
import t from 'tap';
import { activate, bpmn, chain, deploy, flow, message, serviceTask, startTestEngine } from './helpers.ts';

const { client, db, engine } = await startTestEngine(t, { clockPort: 0 });
const hour = 3_600_000;
const day = 24 * hour;
const put = (body: unknown) => fetch(`${engine.clockUrl}/v2/clock`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });
const reset = () => fetch(`${engine.clockUrl}/v2/clock/reset`, { method: 'POST' });
const alive = async (key: string) => Boolean(await db('engine_process_instances').where({ key }).first());

t.test('pinning the clock forward over HTTP fires a three-day timer; before that nothing moves', async (t) => {
  await deploy(client, chain('payment-window', [
    { id: 'window', xml: '<bpmn:intermediateCatchEvent id="window"><bpmn:timerEventDefinition><bpmn:timeDuration>P3D</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>' },
    { id: 'lapse', xml: serviceTask('lapse', 'clock.lapse') },
  ]));
  const start = Date.now();
  await client.createProcessInstance({ bpmnProcessId: 'payment-window', variables: {} });
  let response = await put({ timestamp: start + 2 * day });
  t.equal(response.status, 204, 'pinned');
  t.equal(engine.clock.pinned(), start + 2 * day);
  t.same(await activate(client, 'clock.lapse', 5, -1), [], 'two days on: the window is still open');
  response = await put({ timestamp: start + 3 * day + 1_000 });
  t.equal(response.status, 204);
  const jobs = await activate(client, 'clock.lapse', 5, -1);
  t.equal(jobs.length, 1, 'three days on: the timer fired before the answer came');
  await new Promise((resolve) => setTimeout(resolve, 300)); // time deliberately let pass on the wall clock
  t.equal(engine.clock.now(), start + 3 * day + 1_000, 'a pinned clock stands still');
  await client.completeJob({ jobKey: jobs[0]!.key, variables: {} });
});

t.test('job deadlines and message time-to-live follow the pinned clock', async (t) => {
  const base = Date.now() + 10 * day;
  await engine.clock.pin(base);
  await deploy(client, chain('clocked-job', [{ id: 'work', xml: serviceTask('work', 'clock.work') }]));
  const { processInstanceKey } = await client.createProcessInstance({ bpmnProcessId: 'clocked-job', variables: {} });
  const [job] = await activate(client, 'clock.work', 1, -1, [], 10 * 60_000);
  t.equal(Number(job!.deadline), base + 10 * 60_000, 'the deadline is on the engine clock');
  await engine.clock.pin(base + 9 * 60_000);
  t.same(await activate(client, 'clock.work', 1, -1), [], 'before its deadline the job stays with its worker');
  await engine.clock.pin(base + 11 * 60_000);
  const again = await activate(client, 'clock.work', 1, -1);
  t.equal(again[0]?.key, job!.key, 'after its deadline the job is activatable again');
  await client.completeJob({ jobKey: job!.key, variables: {} });
  t.notOk(await alive(processInstanceKey));

  await deploy(client, chain('clocked-message', [{ id: 'wait', xml: '<bpmn:intermediateCatchEvent id="wait"><bpmn:messageEventDefinition messageRef="m" /></bpmn:intermediateCatchEvent>' }],
    message('m', 'clock.paid', '=id')));
  await client.publishMessage({ name: 'clock.paid', correlationKey: 'early', variables: {}, timeToLive: hour });
  await client.publishMessage({ name: 'clock.paid', correlationKey: 'late', variables: {}, timeToLive: hour });
  const early = await client.createProcessInstance({ bpmnProcessId: 'clocked-message', variables: { id: 'early' } });
  t.notOk(await alive(early.processInstanceKey), 'within its TTL the buffered message correlates');
  await engine.clock.pin(base + 11 * 60_000 + 2 * hour);
  const late = await client.createProcessInstance({ bpmnProcessId: 'clocked-message', variables: { id: 'late' } });
  t.ok(await alive(late.processInstanceKey), 'two hours on, the one-hour message has expired');
  t.equal(await db('engine_messages').where({ correlation_key: 'late' }).count().then((rows) => Number(rows[0]!.count)), 0, 'and is gone from the table');
});

t.test("FEEL's now() reads the pinned clock", async (t) => {
  const at = Date.UTC(2027, 2, 21, 8, 30); // Nowruz 1406, 08:30 UTC
  await engine.clock.pin(at);
  await deploy(client, bpmn('clocked-feel', `<bpmn:startEvent id="start" />
    <bpmn:scriptTask id="stamp"><bpmn:extensionElements><zeebe:script expression="=string(now())" resultVariable="stampedAt" /></bpmn:extensionElements></bpmn:scriptTask>
    <bpmn:endEvent id="end" />${flow('f1', 'start', 'stamp')}${flow('f2', 'stamp', 'end')}`));
  const result = await client.createProcessInstanceWithResult({ bpmnProcessId: 'clocked-feel', variables: {}, requestTimeout: 5_000 });
  t.equal(Date.parse(String(result.variables.stampedAt).replace(/@.*$/, '')), at, `now() = ${result.variables.stampedAt}`);
});

t.test('reset returns to system time; bad requests are 4xx problem documents', async (t) => {
  let response = await reset();
  t.equal(response.status, 204);
  t.equal(engine.clock.pinned(), null);
  t.ok(Math.abs(engine.clock.now() - Date.now()) < 1_000, 'system time again');
  for (const [body, why] of [[{ timestamp: -1 }, 'negative'], [{}, 'missing'], [{ timestamp: 1.5 }, 'fraction'], [{ timestamp: '1767225600000' }, 'a string'],
    [{ timestamp: 9e15 }, 'past the last date'], ['{"timestamp":', 'not JSON'], [[1], 'an array'], [`{"timestamp":1,"pad":"${'x'.repeat(2_000)}"}`, 'too large']] as const) {
    response = await put(body);
    t.ok(response.status === 400 || response.status === 413, `${why}: ${response.status}`);
    t.equal(response.headers.get('content-type'), 'application/problem+json');
    const problem = await response.json() as { status: number; detail: string };
    t.equal(problem.status, response.status);
    t.ok(problem.detail.length > 0, problem.detail);
  }
  t.equal(engine.clock.pinned(), null, 'nothing bad pinned the clock');
  t.equal((await fetch(`${engine.clockUrl}/v2/clock`)).status, 405, 'GET is not a pin');
  t.equal((await fetch(`${engine.clockUrl}/v2/topology`)).status, 404);
  t.match(engine.clockUrl, /^http:\/\/127\.0\.0\.1:\d+$/, 'loopback only');
});

t.test('without a clock port there is no HTTP control', async (t) => {
  const other = await startTestEngine(t);
  t.equal(other.engine.clockUrl, undefined);
});
