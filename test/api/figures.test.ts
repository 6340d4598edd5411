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
});
