// Durability: an engine process killed with SIGKILL mid-flight loses nothing it
// acknowledged, and the instances finish after a restart — timers that fell
// due while it was down fire on start-up, buffered messages still correlate,
// activated jobs come back after their deadline, nothing completes twice.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { createKnex } from '../../platform/database.ts';
import { createTestDatabaseUrl } from '../helpers/database.ts';
import { eventually } from '../helpers/eventually.ts';
import { activate, bpmn, deploy, flow, message, newClient, serviceTask } from './helpers.ts';

const childScript = fileURLToPath(new URL('./fixtures/engine-child.ts', import.meta.url));
const url = await createTestDatabaseUrl(t);
const db = createKnex(url);
t.teardown(() => db.destroy());

function startChild(): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, ['--import', 'tsx', childScript], { env: { ...process.env, DATABASE_URL: url, PORT: '0' }, stdio: ['ignore', 'pipe', 'inherit'] });
  t.teardown(() => { if (child.exitCode === null) child.kill('SIGKILL'); });
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout!.on('data', (chunk) => {
      output += chunk;
      const match = /listening (\d+)/.exec(output);
      if (match) resolve({ child, port: Number(match[1]) });
    });
    child.on('exit', (code) => reject(new Error(`engine child exited with ${code}`)));
  });
}

const killed = (child: ChildProcess) => new Promise((resolve) => { child.once('exit', resolve); child.kill('SIGKILL'); });

const xml = bpmn('durable', `
  <bpmn:startEvent id="start" />${serviceTask('work', 'durable-work')}
  <bpmn:intermediateCatchEvent id="pause"><bpmn:timerEventDefinition><bpmn:timeDuration>PT1S</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>
  <bpmn:intermediateCatchEvent id="confirm"><bpmn:messageEventDefinition messageRef="m" /></bpmn:intermediateCatchEvent>
  ${serviceTask('final', 'durable-final')}<bpmn:endEvent id="end" />
  ${flow('f1', 'start', 'work')}${flow('f2', 'work', 'pause')}${flow('f3', 'pause', 'confirm')}${flow('f4', 'confirm', 'final')}${flow('f5', 'final', 'end')}`,
message('m', 'confirmed', '=id'));

t.test('kill -9 mid-flight, restart, finish every acknowledged instance exactly once', async (t) => {
  const first = await startChild();
  let client = newClient(t, first.port);
  await deploy(client, xml);
  const total = 60;
  const keys: string[] = [];
  for (let i = 0; i < total; i++) keys.push((await client.createProcessInstance({ bpmnProcessId: 'durable', variables: { id: `c${i}` } })).processInstanceKey);
  // Messages for every instance, buffered because nobody waits for them yet.
  for (let i = 0; i < total; i++) await client.publishMessage({ name: 'confirmed', correlationKey: `c${i}`, variables: { confirmedBy: 'citizen' }, timeToLive: 600_000 });
  const jobs = await activate(client, 'durable-work', total, 2_000, [], 1_500);
  t.equal(jobs.length, total);
  // Complete half and acknowledge; fire the rest without waiting, then kill mid-flight.
  const acknowledged = new Set<string>();
  for (const job of jobs.slice(0, total / 2)) {
    await client.completeJob({ jobKey: job.key, variables: { worked: 1 } });
    acknowledged.add(job.key);
  }
  const inFlight = jobs.slice(total / 2).map((job) => client.completeJob({ jobKey: job.key, variables: { worked: 1 } }).then(() => acknowledged.add(job.key), () => undefined));
  await new Promise((resolve) => setTimeout(resolve, 5)); // deliberately a moment, so some completions are mid-way when the kill lands
  await killed(first.child);
  await Promise.allSettled(inFlight);
  await client.close(500).catch(() => undefined);
  t.ok(acknowledged.size >= total / 2, `${acknowledged.size} completions acknowledged before the kill`);

  await new Promise((resolve) => setTimeout(resolve, 1_200)); // the 1 s timers fall due while the engine is down
  const second = await startChild();
  client = newClient(t, second.port);
  const instances = await db('engine_process_instances').where({ bpmn_process_id: 'durable' });
  t.equal(instances.length, total, 'every acknowledged instance is still there');

  // Unacknowledged completions may or may not have committed; their jobs come back after the deadline otherwise.
  // Timers due during the outage fire at start-up; buffered messages then correlate; the final jobs appear.
  const finals: Array<Record<string, any>> = [];
  const repeated: string[] = [];
  await eventually('every instance at its final task', async () => {
    for (const job of await activate(client, 'durable-work', total, -1)) {
      if (acknowledged.has(job.key)) repeated.push(job.key);
      await client.completeJob({ jobKey: job.key, variables: { worked: 1 } });
    }
    finals.push(...await activate(client, 'durable-final', total, 300));
    return finals.length >= total;
  }, { timeoutMs: 20_000, intervalMs: 0 });
  t.same(repeated, [], 'an acknowledged completion never comes back');
  t.equal(finals.length, total, 'every instance reached its final task once');
  t.equal(new Set(finals.map((job) => job.processInstanceKey)).size, total, 'no instance twice');
  t.ok(finals.every((job) => job.variables.worked === 1 && job.variables.confirmedBy === 'citizen'), 'variables survived');
  for (const job of finals) await client.completeJob({ jobKey: job.key, variables: {} });
  t.equal((await db('engine_process_instances').where({ bpmn_process_id: 'durable' })).length, 0, 'all finished');
  t.equal((await db('engine_jobs')).length, 0);
  await killed(second.child);
});
