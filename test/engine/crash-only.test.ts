// Crash-only: an unexpected exception inside a command, a commit PostgreSQL
// refuses, or the loss of the connection holding the engine lock stops the
// engine at once (the gateway shuts, nothing more is committed); a new engine
// then takes over from the last commit, and nothing that was answered is
// missing. Topology answers only while the commit path works. The key counter
// on start is above every key stored, whatever the saved counter says.
import pino from 'pino';
import t from 'tap';
import { startEngine, type EngineOptions, type RunningEngine } from '../../engine/index.ts';
import { setLocal } from '../../engine/runtime/variables.ts';
import { firstKey } from '../../engine/store/state.ts';
import { createTestDatabase } from '../helpers/database.ts';
import { activate, chain, deploy, newClient, serviceTask } from './helpers.ts';
import { eventually } from '../helpers/eventually.ts';

const db = await createTestDatabase(t);
const logger = pino({ level: process.env.ENGINE_LOG ?? 'silent' });

/** An engine on the shared test database whose fatal stop is reported instead of exiting the process. */
async function engineWith(t: { teardown(fn: () => unknown): void }, hooks: EngineOptions['testHooks'] = {}) {
  let fatal: (error: Error) => void = () => {};
  const stopped = new Promise<Error>((resolve) => { fatal = resolve; });
  const engine: RunningEngine = await startEngine({ db, port: 0, logger, testHooks: hooks, onFatal: fatal });
  t.teardown(() => engine.stop());
  return { engine, client: newClient(t, engine.port), stopped };
}

const unavailable = { code: 14, details: /the engine stopped/ };
const instanceRows = (processId: string) => db('engine_process_instances').where({ bpmn_process_id: processId });

t.test('an exception inside a command stops the engine; the next one starts from the last commit', async (t) => {
  const first = await engineWith(t, {
    beforeEnter: (_instance, element) => {
      if (element.elementId === 'boom') throw new TypeError('a bug met in the middle of a step');
    },
  });
  await deploy(first.client, chain('bug', [{ id: 'work', xml: serviceTask('work', 'bug-work') }]));
  await deploy(first.client, chain('bug-boom', [{ id: 'boom', xml: serviceTask('boom', 'never') }]));
  const kept = await first.client.createProcessInstance({ bpmnProcessId: 'bug', variables: { n: 1 } });
  t.ok((await first.client.topology()).brokers.length, 'Topology answers while the commit path works');

  await t.rejects(first.client.createProcessInstance({ bpmnProcessId: 'bug-boom', variables: {} }), unavailable, 'the failing command is not acknowledged');
  const error = await first.stopped;
  t.match(error.message, /a command failed unexpectedly: a bug met in the middle of a step/);
  await t.rejects(first.client.topology(), 'the gateway is shut');
  t.same((await instanceRows('bug-boom')).length, 0, 'nothing of the half-done command was committed');

  const second = await engineWith(t);
  const [job] = await activate(second.client, 'bug-work');
  t.equal(job!.processInstanceKey, kept.processInstanceKey, 'what was acknowledged is there');
  await second.client.completeJob({ jobKey: job!.key, variables: {} });
  t.same((await instanceRows('bug')).length, 0);
  await second.engine.stop();
});

t.test('a commit PostgreSQL refuses stops the engine instead of retrying for ever', async (t) => {
  const first = await engineWith(t, {
    beforeEnter: (instance, element) => {
      if (element.elementId === 'poison') setLocal(instance, element.key, { smuggled: 'a\u0000b' }); // what no client can send
    },
  });
  await deploy(first.client, chain('refused', [{ id: 'poison', xml: serviceTask('poison', 'refused-work') }]));
  await t.rejects(first.client.createProcessInstance({ bpmnProcessId: 'refused', variables: {} }), unavailable);
  t.match((await first.stopped).message, /a commit failed: .*unsupported Unicode escape sequence|a commit failed: .*0x00/);
  t.same((await instanceRows('refused')).length, 0, 'the refused transaction left nothing');
  const second = await engineWith(t);
  t.ok((await second.client.createProcessInstance({ bpmnProcessId: 'refused', variables: {} })).processInstanceKey, 'a new engine runs');
  await second.engine.stop();
});

t.test('losing the lock\'s connection stops the engine; a second engine takes over and the first writes nothing more', async (t) => {
  const first = await engineWith(t);
  await deploy(first.client, chain('fenced', [{ id: 'work', xml: serviceTask('work', 'fenced-work') }]));
  const acknowledged = await first.client.createProcessInstance({ bpmnProcessId: 'fenced', variables: {} });
  const [lock] = (await db.raw(`SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`)).rows;
  t.ok(lock, 'the engine holds its advisory lock');
  await db.raw('SELECT pg_terminate_backend(?)', [lock.pid]);
  t.match((await first.stopped).message, /lost the database connection that holds the engine lock/);
  await t.rejects(first.client.createProcessInstance({ bpmnProcessId: 'fenced', variables: {} }), 'the first engine answers no more');

  const second = await engineWith(t);
  const rows = (await instanceRows('fenced')).length;
  t.equal(rows, 1, 'the acknowledged instance, nothing else');
  const [job] = await activate(second.client, 'fenced-work');
  t.equal(job!.processInstanceKey, acknowledged.processInstanceKey);
  await second.client.completeJob({ jobKey: job!.key, variables: {} });
  await eventually('the fenced instance to complete', async () => (await instanceRows('fenced')).length === 0);
  await second.engine.stop();
});

t.test('the next key on start is above every key stored, whatever the saved counter says', async (t) => {
  const first = await engineWith(t);
  await deploy(first.client, chain('keys', [{ id: 'work', xml: serviceTask('work', 'keys-work') }]));
  for (let i = 0; i < 3; i++) await first.client.createProcessInstance({ bpmnProcessId: 'keys', variables: {} });
  await first.engine.stop();
  const highest = async () => {
    let max = 0;
    for (const table of ['engine_resources', 'engine_process_instances', 'engine_jobs', 'engine_timers', 'engine_subscriptions', 'engine_messages', 'engine_incidents']) {
      const [row] = (await db.raw(`SELECT max(key) AS max FROM ${table}`)).rows;
      max = Math.max(max, Number(row.max ?? 0));
    }
    return max;
  };
  const before = await highest();
  await db('engine_meta').where({ name: 'next_key' }).update({ value: firstKey }); // a counter saved before those keys
  const second = await engineWith(t);
  const created = await second.client.createProcessInstance({ bpmnProcessId: 'keys', variables: {} });
  t.ok(Number(created.processInstanceKey) > before, `new key ${created.processInstanceKey} above ${before}`);
  await second.engine.stop();
});
