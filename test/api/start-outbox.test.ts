// The start outbox and the one-instance rule, against PostgreSQL and the
// engine: a request accepted just before its API process died is started by
// another API process's sweeper; a start that finds another instance recorded
// first cancels its own; and the correction gate end to end through the
// shared correction diagram and the real workers.
import fs from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import t from 'tap';
import { buildApp } from '../../api/app.ts';
import { readConfig } from '../../platform/config.ts';
import { processesDirectory } from '../../platform/deployment.ts';
import type { Logger } from '../../platform/logger.ts';
import { notificationWorkers } from '../../workers/notification/index.ts';
import { requestWorkers } from '../../workers/request/index.ts';
import { activate, chain, deploy, serviceTask } from '../engine/helpers.ts';
import { signInCitizen, startTestApi, testSecret } from './helpers.ts';
import { deployStandIn, recordJobs, treePruningForm } from './fixtures.ts';
import { eventually } from '../helpers/eventually.ts';

const silent = pino({ level: 'silent' }) as Logger;
const filing = { serviceId: 'tree-pruning', districtId: 12, form: treePruningForm };

t.test('a request accepted just before its API process died is started by the next one', async (t) => {
  const api = await startTestApi(t);
  const { app, db, zeebe } = api;
  const jobs = recordJobs(t, zeebe);
  const zahra = await signInCitizen(api, '0013542419', '09121234567');
  await deployStandIn(zeebe, 'tree-pruning');

  // The 201 went out; then the process died while its start queue held the lease.
  const accepted = await app.inject({ method: 'POST', url: '/api/requests', headers: zahra, payload: filing });
  t.equal(accepted.statusCode, 201);
  const { id } = accepted.json();
  await app.startQueue.drain();
  const started = await eventually('the first instance', async () => jobs.find((job) => job.type === 'test.started' && job.variables.requestId === id));
  // Undo that start as if it had never happened, and leave the lease of the dead process behind.
  await zeebe.cancelProcessInstance(started.processInstanceKey);
  jobs.length = 0;
  await db('requests').where({ id }).update({
    process_instance_key: null, created_at: db.raw("now() - interval '1 minute'"), start_leased_until: db.raw("now() + interval '1 second'"),
  });
  await app.close();

  const next = await buildApp({ config: readConfig({ JWT_SECRET: testSecret, DEMO_SEED: 'false', START_SWEEP_SECONDS: '1' }), db, zeebe, logger: silent });
  t.teardown(() => next.close());
  await next.ready();
  const restarted = await eventually('the sweeper\'s start', () => jobs.find((job) => job.type === 'test.started' && job.variables.requestId === id), { timeoutMs: 20_000 });
  const key = await eventually('the recorded key', async () => (await db('requests').where({ id }).first()).process_instance_key ?? undefined);
  t.equal(key, restarted.processInstanceKey, 'the sweeper recorded its instance');
  t.equal(await next.requests.sweep({ graceSeconds: 0 }), 0, 'a later sweep starts nothing');
  t.equal(await next.requests.sweep({ graceSeconds: 0 }), 0, 'nor the one after');
  // The engine's own table (Zeebe's gateway has no query): the cancelled first instance is gone, the sweeper's is there.
  t.same((await db('engine_process_instances').where({ bpmn_process_id: 'tree-pruning' })).map((row) => String(row.key)), [String(key)], 'one instance in the engine');
  t.equal(jobs.filter((job) => job.variables.requestId === id).length, 1, 'one instance, even after more sweeps');
});

t.test('a start that finds another instance recorded first cancels its own', async (t) => {
  const api = await startTestApi(t);
  const { app, db, zeebe } = api;
  // The request's first job is one nobody takes, so an instance that runs stays visible as a waiting job.
  await deploy(zeebe, chain('tree-pruning', [{ id: 'Task_Wait', xml: serviceTask('Task_Wait', 'test.wait') }]), 'tree-pruning.bpmn');
  const zahra = await signInCitizen(api, '0013542419', '09121234567');
  const { request } = await app.requests.submit({
    citizen: { id: zahra.id, nationalCode: '0013542419', mobile: '09121234567', name: null },
    serviceId: 'tree-pruning', districtId: 12, channel: 'portal', form: treePruningForm,
  });
  const first = await zeebe.createProcessInstance({ bpmnProcessId: 'tree-pruning', variables: { requestId: request.id } });
  const firstKey = String(first.processInstanceKey);
  // Another process records its instance while this one is creating its own (between lease and record).
  await db.raw(`create function record_other_instance() returns trigger language plpgsql as $$
    begin
      if old.start_leased_until is null and new.start_leased_until is not null then new.process_instance_key := '${firstKey}'; end if;
      return new;
    end $$`);
  await db.raw('create trigger record_other_instance before update on requests for each row execute function record_other_instance()');

  t.equal(await app.requests.start(request.id), null, 'this call did not start the request');
  t.equal((await db('requests').where({ id: request.id }).first()).process_instance_key, firstKey, 'the first recorded key stands');
  const waiting = await activate(zeebe, 'test.wait', 10, 2_000);
  t.same(waiting.map((job) => String(job.processInstanceKey)), [firstKey], 'the second instance is gone');
});

t.test('correction gate end to end: the clerk\'s note, the resubmit, under review again', async (t) => {
  const api = await startTestApi(t);
  const { app, db, zeebe } = api;
  const deps = { zeebe, db, logger: silent, publicUrl: 'http://localhost:3000' };
  for (const family of [requestWorkers(deps), notificationWorkers(deps)]) t.teardown(() => family.close());
  await zeebe.deployResource({ name: 'correction.bpmn', process: fs.readFileSync(path.join(processesDirectory, 'shared', 'correction.bpmn')) });
  await deployStandIn(zeebe, 'tree-pruning');
  const zahra = await signInCitizen(api, '0013542419', '09121234567');
  const accepted = (await app.inject({ method: 'POST', url: '/api/requests', headers: zahra, payload: filing })).json();
  await app.startQueue.drain();
  const get = async () => (await app.inject({ url: `/api/requests/${accepted.trackingCode}`, headers: zahra })).json();

  // The document check returned it: the called correction process, with the clerk's reason.
  await zeebe.createProcessInstance({
    bpmnProcessId: 'correction',
    variables: {
      requestId: accepted.id, trackingCode: accepted.trackingCode, serviceId: 'tree-pruning', districtId: 12,
      citizen: { nationalCode: '0013542419', mobile: '09121234567', name: 'زهرا کریمی' }, correctionReason: 'نشانی کامل نیست',
    },
  });
  const waiting = await eventually('awaiting-correction', async () => { const view = await get(); return view.status === 'awaiting-correction' ? view : undefined; });
  t.match(waiting.correction, { note: 'نشانی کامل نیست', requestedAt: String });
  t.ok(Math.abs(Date.parse(waiting.correction.requestedAt) - Date.now()) < 60_000);

  const url = `/api/requests/${accepted.trackingCode}/resubmit`;
  const resubmitted = await app.inject({ method: 'POST', url, headers: zahra, payload: { form: { ...treePruningForm, address: 'مشهد، بلوار پیروزی، پلاک ۴' } } });
  t.equal(resubmitted.statusCode, 202, resubmitted.body);
  t.equal((await app.inject({ method: 'POST', url, headers: zahra, payload: { form: treePruningForm } })).statusCode, 409, 'one correction per request for one');
  const underReview = await eventually('the process heard the correction', async () => {
    const events = await db('request_events').where({ request_id: accepted.id, kind: 'under-review' });
    return events.length > 0 ? events : undefined;
  });
  t.equal(underReview[0].element_id, 'Task_RecordResubmitted');
  const after = await get();
  t.equal(after.status, 'under-review');
  t.equal(after.correction, null);
  t.same(after.timeline.map((event: { kind: string }) => event.kind).filter((kind: string) => kind !== 'submitted'),
    ['awaiting-correction', 'resubmitted', 'under-review']);
});
