// Filing and following requests against PostgreSQL and the engine: the start
// form is enforced, an Idempotency-Key makes a retried submit return the same
// request, the instance starts once (also after a crash, by the sweeper),
// a correction is taken only while one is asked for, and each caller sees
// only what is theirs.
import t from 'tap';
import { createRequestHandlers } from '../../workers/request/handlers.ts';
import { signInCitizen, signInStaff, startTestApi } from './helpers.ts';
import { deployStandIn, recordJobs, treePruningForm } from './fixtures.ts';
import { eventually } from '../helpers/eventually.ts';

t.test('requests', async (t) => {
  const api = await startTestApi(t);
  const { app, db, zeebe } = api;
  await deployStandIn(zeebe, 'tree-pruning');
  const jobs = recordJobs(t, zeebe);
  const zahra = await signInCitizen(api, '0013542419', '09121234567');
  const reza = await signInCitizen(api, '3974017844', '09351234567');
  const submit = (headers: Record<string, string>, body: object) => app.inject({ method: 'POST', url: '/api/requests', headers, payload: body });
  const pruning = { serviceId: 'tree-pruning', districtId: 12, form: treePruningForm };

  let trackingCode = '';
  let requestId = '';

  await t.test('a valid submit returns a tracking code once committed and starts the process with the contract variables right after', async (t) => {
    const response = await submit(zahra, { ...pruning, form: { ...treePruningForm, nationalCode: '۰۰۱۳۵۴۲۴۱۹', citizenName: 'زهرا كريمي' } });
    t.equal(response.statusCode, 201, response.body);
    const accepted = response.json();
    t.match(accepted, { trackingCode: /^[0-9]{10}$/, status: 'received', started: Boolean, replayed: false });
    trackingCode = accepted.trackingCode;
    requestId = accepted.id;
    const started = await eventually('the started job', () => jobs.find((job) => job.type === 'test.started' && job.variables.requestId === requestId));
    t.match(started.variables, {
      requestId, trackingCode, serviceId: 'tree-pruning', districtId: 12, channel: 'portal',
      citizen: { nationalCode: '0013542419', mobile: '09121234567', name: 'زهرا کریمی' },
      form: { nationalCode: '0013542419', citizenName: 'زهرا کریمی', treeCount: 3 },
    });
    const key = await eventually('the recorded key', async () => (await db('requests').where({ id: requestId }).first()).process_instance_key ?? undefined);
    t.equal(key, started.processInstanceKey, 'the instance key is recorded');
    t.equal((await db('citizens').where({ id: zahra.id }).first()).name, 'زهرا کریمی', 'the citizen\'s name is kept');
  });

  await t.test('the same Idempotency-Key returns the same request; a different request under it is refused', async (t) => {
    const headers = { ...zahra, 'idempotency-key': 'form-1' };
    const first = (await submit(headers, pruning)).json();
    const again = await submit(headers, pruning);
    t.equal(again.statusCode, 201);
    t.match(again.json(), { id: first.id, trackingCode: first.trackingCode, replayed: true });
    t.equal((await db('requests').where({ idempotency_key: 'form-1' })).length, 1);
    await eventually('the instance', () => jobs.find((job) => job.variables.requestId === first.id));
    t.equal(jobs.filter((job) => job.type === 'test.started' && job.variables.requestId === first.id).length, 1, 'one instance');
    const changed = await submit(headers, { ...pruning, form: { ...treePruningForm, treeCount: 9 } });
    t.equal(changed.statusCode, 422);
    const otherCitizen = await submit({ ...reza, 'idempotency-key': 'form-1' }, { ...pruning, form: { ...treePruningForm, nationalCode: '3974017844' } });
    t.equal(otherCitizen.statusCode, 201, 'keys are per citizen');
    t.not(otherCitizen.json().id, first.id);
  });

  await t.test('the start form is enforced field by field, identity checked for real', async (t) => {
    const { citizenName: _name, ...withoutName } = treePruningForm;
    const response = await submit(zahra, { ...pruning, form: { ...withoutName, nationalCode: '1234567890', treeCount: 0, urgency: 'tomorrow' } });
    t.equal(response.statusCode, 400);
    const byPath = Object.fromEntries(response.json().errors.map((e: { path: string; messageFa: string }) => [e.path, e.messageFa]));
    t.match(byPath, {
      '/body/form/citizenName': String, '/body/form/nationalCode': /کد ملی/, '/body/form/treeCount': String, '/body/form/urgency': String,
    });
    t.equal((await submit(zahra, { ...pruning, form: { ...treePruningForm, extra: 1 } })).statusCode, 400, 'unknown fields refused');
    t.equal((await submit(zahra, { ...pruning, serviceId: 'no-such-service' })).statusCode, 404);
    t.equal((await submit(zahra, { serviceId: 'tree-pruning', form: treePruningForm })).json().errors[0].path, '/body/districtId');
  });

  await t.test('a district that does not offer the service refuses with a Persian explanation', async (t) => {
    const response = await submit(zahra, { ...pruning, districtId: 5 });
    t.equal(response.statusCode, 422);
    t.match(response.json(), { type: 'urn:shahrdari:problem:service-not-offered', detailFa: /هرس درختان.*منطقه ۵/ });
    t.equal((await submit(zahra, { ...pruning, districtId: 88 })).statusCode, 422);
  });

  await t.test('status and timeline: the owner and the district\'s staff see it; nobody else does', async (t) => {
    const get = (headers: Record<string, string>) => app.inject({ url: `/api/requests/${trackingCode}`, headers });
    const own = await get(zahra);
    t.equal(own.statusCode, 200);
    t.match(own.json(), { trackingCode, status: 'received', started: true, service: { id: 'tree-pruning', name: { fa: 'هرس درختان' } }, timeline: [{ kind: 'submitted' }] });
    t.equal((await get(reza)).statusCode, 404, 'another citizen');
    t.equal((await get({})).statusCode, 401, 'nobody');
    t.equal((await get(await signInStaff(api, 'clerk-12', 'clerk', 12))).statusCode, 200, 'a clerk of district 12');
    t.equal((await get(await signInStaff(api, 'clerk-5', 'clerk', 5))).statusCode, 404, 'a clerk of district 5');
    t.equal((await get(await signInStaff(api, 'agent-5', 'agent-137', 5))).statusCode, 200, '137 agents serve the whole city');
    t.equal((await get(await signInStaff(api, 'manager-city', 'manager', null))).statusCode, 200, 'city-wide staff');
    t.equal((await app.inject({ url: '/api/requests/12', headers: zahra })).statusCode, 400, 'a malformed tracking code');
    const mine = (await app.inject({ url: '/api/requests', headers: zahra })).json();
    t.ok(mine.length >= 2 && mine.every((r: { id: string }) => r.id !== undefined));
    const rezas = (await app.inject({ url: '/api/requests', headers: reza })).json();
    t.notOk(rezas.some((r: { trackingCode: string }) => r.trackingCode === trackingCode), 'lists hold only one\'s own');
  });

  await t.test('a correction is taken only while the request waits for one, and reaches the waiting process', async (t) => {
    const url = `/api/requests/${trackingCode}/resubmit`;
    const get = async () => (await app.inject({ url: `/api/requests/${trackingCode}`, headers: zahra })).json();
    t.equal((await get()).correction, null, 'no correction asked for');
    const early = await app.inject({ method: 'POST', url, headers: zahra, payload: { form: { ...treePruningForm, treeCount: 4 } } });
    t.equal(early.statusCode, 409);
    t.match(early.json(), { type: 'urn:shahrdari:problem:not-awaiting-correction', detailFa: /منتظر اصلاح نیست/ });

    // The clerk returns it: the correction process's request.status job, as the worker records it.
    const handlers = createRequestHandlers({ db, logger: app.log as never, zeebe });
    const row = await db('requests').where({ id: requestId }).first();
    await handlers.status({
      jobKey: '1', processInstanceKey: row.process_instance_key, elementInstanceKey: '2', elementId: 'Task_RecordAwaitingCorrection',
      bpmnProcessId: 'correction', retries: 3, headers: { status: 'awaiting-correction' }, variables: { requestId, reason: 'تصویر سند خوانا نیست' },
    });
    const waiting = await get();
    t.equal(waiting.status, 'awaiting-correction');
    t.match(waiting.correction, { note: 'تصویر سند خوانا نیست', requestedAt: waiting.timeline.at(-1).at });
    t.match(waiting.timeline.at(-1), { kind: 'awaiting-correction', data: { reason: 'تصویر سند خوانا نیست' } });

    t.equal((await app.inject({ method: 'POST', url, headers: reza, payload: { form: treePruningForm } })).statusCode, 404);
    t.equal((await app.inject({ method: 'POST', url, headers: await signInStaff(api, 'clerk-12b', 'clerk', 12), payload: { form: treePruningForm } })).statusCode, 403);
    const invalid = await app.inject({ method: 'POST', url, headers: zahra, payload: { form: { ...treePruningForm, treeCount: 'many' } } });
    t.equal(invalid.statusCode, 400);
    t.equal(invalid.json().errors[0].path, '/body/form/treeCount');
    t.equal((await get()).status, 'awaiting-correction', 'an invalid form changes nothing');
    const [response, twice] = await Promise.all([
      app.inject({ method: 'POST', url, headers: zahra, payload: { form: { ...treePruningForm, treeCount: 4 } } }),
      app.inject({ method: 'POST', url, headers: zahra, payload: { form: { ...treePruningForm, treeCount: 5 } } }),
    ]);
    t.same([response.statusCode, twice.statusCode].sort(), [202, 409], 'two resubmits at once: one is taken');
    const job = await eventually('the resubmitted job', () => jobs.find((j) => j.type === 'test.resubmitted' && j.variables.requestId === requestId));
    const taken = response.statusCode === 202 ? 4 : 5;
    t.match(job.variables.form, { treeCount: taken });
    const after = await get();
    t.equal(after.status, 'under-review');
    t.equal(after.correction, null, 'nothing to correct any more');
    t.match((await db('requests').where({ id: requestId }).first()).form, { treeCount: taken });
    t.equal((await db('request_events').where({ request_id: requestId, kind: 'resubmitted' })).length, 1);
  });

  await t.test('cancelling: a started request hears request-cancelled; an unstarted one closes at once', async (t) => {
    const accepted = (await submit(zahra, pruning)).json();
    await eventually('started', () => jobs.find((j) => j.type === 'test.started' && j.variables.requestId === accepted.id));
    const url = `/api/requests/${accepted.trackingCode}/cancel`;
    t.equal((await app.inject({ method: 'POST', url, headers: reza })).statusCode, 404);
    const response = await app.inject({ method: 'POST', url, headers: zahra });
    t.equal(response.statusCode, 202);
    t.equal(response.json().status, 'cancel-requested');
    await eventually('the cancelled job', () => jobs.find((j) => j.type === 'test.cancelled' && j.variables.requestId === accepted.id));

    const { request: unstarted } = await app.requests.submit({
      citizen: { id: zahra.id, nationalCode: '0013542419', mobile: '09121234567', name: null },
      serviceId: 'tree-pruning', districtId: 12, channel: 'portal', form: treePruningForm,
    });
    const cancelled = await app.inject({ method: 'POST', url: `/api/requests/${unstarted.tracking_code}/cancel`, headers: zahra });
    t.equal(cancelled.json().status, 'cancelled');
    t.equal(await app.requests.sweep({ graceSeconds: 0 }), 0, 'the sweeper leaves it alone');
    t.match(await db('requests').where({ id: unstarted.id }).first(), { outcome: 'cancelled', process_instance_key: null });
    t.equal((await app.inject({ method: 'POST', url: `/api/requests/${unstarted.tracking_code}/cancel`, headers: zahra })).statusCode, 409, 'closed already');
  });

  await t.test('rating: once, 1 to 5, after closing, by the owner', async (t) => {
    const url = `/api/requests/${trackingCode}/rating`;
    t.equal((await app.inject({ method: 'POST', url, headers: zahra, payload: { score: 5 } })).statusCode, 409, 'still open');
    await db('requests').where({ id: requestId }).update({ status: 'closed', outcome: 'completed', closed_at: db.fn.now() });
    t.equal((await app.inject({ method: 'POST', url, headers: zahra, payload: { score: 6 } })).statusCode, 400);
    t.equal((await app.inject({ method: 'POST', url, headers: zahra, payload: { score: '۴', comment: 'سریع بود' } })).statusCode, 201);
    t.equal((await app.inject({ method: 'POST', url, headers: zahra, payload: { score: 5 } })).statusCode, 409, 'once');
    t.equal((await app.inject({ method: 'POST', url, headers: reza, payload: { score: 1 } })).statusCode, 404);
    t.match((await app.inject({ url: `/api/requests/${trackingCode}`, headers: zahra })).json().rating, { score: 4, comment: 'سریع بود' });
    t.equal((await app.inject({ method: 'POST', url: `/api/requests/${trackingCode}/resubmit`, headers: zahra, payload: { form: treePruningForm } })).statusCode, 409, 'no corrections once closed');
  });

  await t.test('137 agents file on a citizen\'s behalf by phone; clerks at the counter; others may not', async (t) => {
    const agent = await signInStaff(api, 'agent-12', 'agent-137', 12);
    const withoutCitizen = await submit(agent, pruning);
    t.equal(withoutCitizen.statusCode, 400);
    t.equal(withoutCitizen.json().errors[0].path, '/body/citizen');
    const filed = await submit(agent, { ...pruning, citizen: { nationalCode: '7730942860', mobile: '09131112222', name: 'علی رضایی' } });
    t.equal(filed.statusCode, 201, filed.body);
    const row = await db('requests').where({ id: filed.json().id }).first();
    t.equal(row.channel, 'call-centre');
    t.ok(row.filed_by_staff_id);
    t.equal((await submit(await signInStaff(api, 'inspector-12', 'inspector', 12), { ...pruning, citizen: { nationalCode: '7730942860', mobile: '09131112222' } })).statusCode, 403);
    const counter = await submit(await signInStaff(api, 'clerk-12c', 'clerk', 12), { ...pruning, citizen: { nationalCode: '7730942860', mobile: '09131112222' } });
    t.equal(counter.statusCode, 422, 'tree pruning is not offered in person');
  });
});

t.test('crash-safe start: the sweeper starts what was left unstarted, once', async (t) => {
  const api = await startTestApi(t);
  const { app, db, zeebe } = api;
  const jobs = recordJobs(t, zeebe);
  const zahra = await signInCitizen(api, '0013542419', '09121234567');

  // Not deployed yet: the engine refuses the start, the request is still accepted.
  const accepted = await app.inject({ method: 'POST', url: '/api/requests', headers: zahra, payload: { serviceId: 'tree-pruning', districtId: 12, form: treePruningForm } });
  t.equal(accepted.statusCode, 201);
  t.equal(accepted.json().started, false);
  const { id } = accepted.json();
  await app.startQueue.drain();
  t.match(await db('requests').where({ id }).first(), { process_instance_key: null, start_leased_until: null }, 'the failed start freed its lease');

  await deployStandIn(zeebe, 'tree-pruning');
  t.equal(await app.requests.sweep({ graceSeconds: 60 }), 0, 'fresh requests are left to the submit path');
  // As if the API died between the commit and the start, holding the lease.
  await db('requests').where({ id }).update({ start_leased_until: db.raw("now() + interval '1 minute'") });
  t.equal(await app.requests.sweep({ graceSeconds: 0 }), 0, 'a live lease is respected');
  await db('requests').where({ id }).update({ start_leased_until: db.raw("now() - interval '1 second'") });
  const [a, b] = await Promise.all([app.requests.sweep({ graceSeconds: 0 }), app.requests.start(id)]);
  t.equal(a + (b ? 1 : 0), 1, 'two starters at once start it once');
  t.equal(await app.requests.sweep({ graceSeconds: 0 }), 0, 'and never again');
  t.equal(await app.requests.start(id), null);
  await eventually('the instance', () => jobs.find((job) => job.variables.requestId === id));
  // The engine's own table (Zeebe's gateway has no query) holds every instance the starts created, answered or not.
  t.equal((await db('engine_process_instances').where({ bpmn_process_id: 'tree-pruning' })).length, 1, 'one instance in the engine');
  t.equal(jobs.filter((job) => job.variables.requestId === id).length, 1, 'one instance ran');
  t.ok((await db('requests').where({ id }).first()).process_instance_key);
});
