// The 137 look-up and the managers' figures, with who may see them.
import t from 'tap';
import { signInCitizen, signInStaff, startTestApi } from './helpers.ts';
import { treePruningForm } from './fixtures.ts';

t.test('137 look-up and figures', async (t) => {
  const api = await startTestApi(t);
  const { app, db } = api;
  const zahra = await signInCitizen(api, '0013542419', '09121234567');
  const agent = await signInStaff(api, 'agent-12', 'agent-137', 12);
  const mine = (await app.inject({ method: 'POST', url: '/api/requests', headers: zahra, payload: { serviceId: 'tree-pruning', districtId: 12, form: treePruningForm } })).json();
  const byPhone = (await app.inject({
    method: 'POST', url: '/api/requests', headers: agent,
    payload: { serviceId: 'tree-pruning', districtId: 12, form: treePruningForm, citizen: { nationalCode: '0013542419', mobile: '09121234567' } },
  })).json();
  await db('requests').where({ id: mine.id }).update({ status: 'closed', outcome: 'completed', closed_at: db.raw("created_at + interval '10 hours'") });
  await db('requests').where({ id: byPhone.id }).update({ status: 'closed', outcome: 'completed', closed_at: db.raw("created_at + interval '20 hours'") });
  await app.inject({ method: 'POST', url: `/api/requests/${mine.trackingCode}/rating`, headers: zahra, payload: { score: 4 } });

  await t.test('a 137 agent finds a citizen\'s requests by national code', async (t) => {
    const found = await app.inject({ url: '/api/citizens/۰۰۱۳۵۴۲۴۱۹/requests', headers: agent });
    t.equal(found.statusCode, 200);
    t.match(found.json(), { citizen: { nationalCode: '0013542419', mobile: '09121234567' } });
    t.equal(found.json().requests.length, 2);
    t.equal((await app.inject({ url: '/api/citizens/3974017844/requests', headers: agent })).statusCode, 404);
    t.equal((await app.inject({ url: '/api/citizens/1234567890/requests', headers: agent })).statusCode, 400);
    t.equal((await app.inject({ url: '/api/citizens/0013542419/requests', headers: zahra })).statusCode, 403, 'not citizens');
    t.equal((await app.inject({ url: '/api/citizens/0013542419/requests', headers: await signInStaff(api, 'inspector-12', 'inspector', 12) })).statusCode, 403);
    const clerk5 = await app.inject({ url: '/api/citizens/0013542419/requests', headers: await signInStaff(api, 'clerk-5', 'clerk', 5) });
    t.same(clerk5.json().requests, [], 'a clerk sees their district\'s requests only');
    const byMobile = await app.inject({ url: '/api/citizens?mobile=%2B989121234567', headers: agent });
    t.match(byMobile.json(), [{ nationalCode: '0013542419' }]);
    t.equal((await app.inject({ url: '/api/citizens?mobile=123', headers: agent })).statusCode, 400);
    t.equal((await app.inject({ url: '/api/citizens?mobile=09121234567', headers: zahra })).statusCode, 403);
  });

  await t.test('figures for managers and analysts', async (t) => {
    const manager = await signInStaff(api, 'manager-12', 'manager', 12);
    const response = await app.inject({ url: '/api/figures', headers: manager });
    t.equal(response.statusCode, 200, response.body);
    const figures = response.json();
    t.equal(figures.total, 2);
    t.same(figures.byChannel.map((c: { key: string }) => c.key).sort(), ['call-centre', 'portal']);
    t.same(figures.withoutOfficeVisit, { count: 2, share: 1 });
    t.match(figures.timeToClose, [{ serviceId: 'tree-pruning', closed: 2, medianHours: 15, p90Hours: 19 }]);
    t.same(figures.satisfaction, { ratings: 1, average: 4 });
    t.equal((await app.inject({ url: '/api/figures', headers: await signInStaff(api, 'manager-5', 'manager', 5) })).json().total, 0, 'a district manager sees their district');
    t.equal((await app.inject({ url: '/api/figures?district=12', headers: await signInStaff(api, 'analyst', 'analyst', null) })).json().total, 2);
    t.equal((await app.inject({ url: '/api/figures', headers: await signInStaff(api, 'clerk-12', 'clerk', 12) })).statusCode, 403);
    t.equal((await app.inject({ url: '/api/figures', headers: zahra })).statusCode, 403);
    t.equal((await app.inject({ url: '/api/figures?from=yesterday', headers: manager })).statusCode, 400);
  });

  await t.test('per request: outcomes, SLA met and missed, payments; per role: waits, handling and utilisation', async (t) => {
    // Filed on Saturday 2026-11-28 08:30 Tehran, both due the Monday after at 14:30 (11:00 UTC).
    const filed = '2026-11-28T05:00:00Z';
    const due = '2026-11-30T11:00:00Z';
    await db('requests').whereIn('id', [mine.id, byPhone.id]).update({ created_at: filed, due_at: due });
    await db('requests').where({ id: mine.id }).update({ closed_at: '2026-11-29T05:00:00Z' });
    await db('requests').where({ id: byPhone.id }).update({ closed_at: '2026-12-01T05:00:00Z' });
    await db('payments').insert([
      { request_id: mine.id, business_key: 'p1', amount: 500_000, gateway: 'sandbox', status: 'failed' },
      { request_id: mine.id, business_key: 'p2', amount: 500_000, gateway: 'sandbox', status: 'paid' },
    ]);
    const task = (key: string, requestId: string, times: { created: string; claimed?: string; completed?: string }) => ({
      job_key: key, request_id: requestId, process_instance_key: '1', element_id: 'UserTask_CheckDocuments', name: 'بررسی مدارک',
      candidate_groups: ['district-12:clerk'], variables: { serviceId: 'tree-pruning' }, created_at: times.created,
      claimed_at: times.claimed ?? null, completed_at: times.completed ?? null, status: times.completed ? 'completed' : 'open',
    });
    await db('user_tasks').insert([
      // Waited an hour, then two office hours of work (08:30 → 09:30 → 11:30 Tehran).
      task('11', mine.id, { created: filed, claimed: '2026-11-28T06:00:00Z', completed: '2026-11-28T08:00:00Z' }),
      // Waited three hours, then worked from 11:30 to the next day's 08:30: three office hours that day, one the next.
      task('12', byPhone.id, { created: filed, claimed: '2026-11-28T08:00:00Z', completed: '2026-11-29T05:00:00Z' }),
      task('13', byPhone.id, { created: '2026-11-29T05:00:00Z' }),
    ]);
    const manager = await signInStaff(api, 'manager-12b', 'manager', 12);
    const figures = (await app.inject({ url: '/api/figures?from=2026-11-28&to=2026-11-29', headers: manager })).json();
    t.same(figures.outcomes, { open: 0, completed: 2, rejected: 0, lapsed: 0, cancelled: 0 });
    t.same(figures.sla, { met: 1, missed: 1, pending: 0, share: 0.5 }, 'closed before the due date is met, after it missed');
    t.match(figures.services, [{ serviceId: 'tree-pruning', filed: 2, completed: 2, slaMet: 1, slaMissed: 1, paymentsAsked: 1, paymentsPaid: 1, withoutOfficeVisit: 2 }]);
    t.same(figures.payments, { asked: 1, paid: 1, share: 1, attempts: 2, failedAttempts: 1 });
    const clerk = figures.roles.find((row: { role: string }) => row.role === 'clerk');
    t.match(clerk, { role: 'clerk', staff: 1, tasks: 3, completed: 2, open: 1, waitMedianHours: 2, waitP90Hours: 2.8, handleMedianHours: 3, busyHours: 6 });
    // Saturday and Sunday, 7 office hours each, one clerk (clerk-12, signed in above).
    t.equal(clerk.availableHours, 14);
    t.equal(clerk.utilisation, 6 / 14);
    t.notOk(figures.roles.some((row: { role: string }) => row.role === 'agent-137'), 'roles are the roles tasks go to');
    const series = figures.series.roles.find((row: { role: string }) => row.role === 'clerk');
    t.same(figures.series.days, ['2026-11-28', '2026-11-29', '2026-11-30']);
    t.equal(figures.series.stepHours, 1);
    const at = (iso: string) => (Date.parse(iso) - Date.parse(figures.series.from)) / 3_600_000;
    t.equal(series.open[at('2026-11-28T07:00:00Z')], 2, 'both open at 10:30 Tehran');
    t.equal(series.waiting[at('2026-11-28T07:00:00Z')], 1, 'one of them claimed by then');
    t.equal(series.open[at('2026-11-29T12:00:00Z')], 1, 'the third open the next afternoon');
    t.same(series.waitMedianHours, [2, null, null], 'claimed on the Saturday after one and three hours');
  });
});
