// A request's appointment: the citizen sees it; district staff record whether
// the citizen came, once.
import t from 'tap';
import { signInCitizen, signInStaff, startTestApi } from './helpers.ts';
import { treePruningForm } from './fixtures.ts';

t.test('appointments', async (t) => {
  const api = await startTestApi(t);
  const { app, db } = api;
  const zahra = await signInCitizen(api, '0013542419', '09121234567');
  const reza = await signInCitizen(api, '3974017844', '09351234567');
  const filed = (await app.inject({ method: 'POST', url: '/api/requests', headers: zahra, payload: { serviceId: 'tree-pruning', districtId: 12, form: treePruningForm } })).json();
  const base = `/api/requests/${filed.trackingCode}/appointment`;
  t.equal((await app.inject({ url: base, headers: zahra })).statusCode, 404, 'none booked yet');

  // What appointment.book does when the process reaches its appointment step.
  await db('appointments').insert({
    request_id: filed.id, district_id: 12, business_key: 'test:1', starts_at: '2026-12-01T06:00:00Z', ends_at: '2026-12-01T06:15:00Z',
  });
  t.match((await app.inject({ url: base, headers: zahra })).json(), { startsAt: '2026-12-01T06:00:00.000Z', status: 'booked' });
  t.equal((await app.inject({ url: base, headers: reza })).statusCode, 404);

  const attend = (headers: Record<string, string>, attended: boolean) => app.inject({ method: 'POST', url: `${base}/attendance`, headers, payload: { attended } });
  t.equal((await attend(zahra, true)).statusCode, 403, 'citizens do not record their own attendance');
  t.equal((await attend(await signInStaff(api, 'clerk-5', 'clerk', 5), true)).statusCode, 404, 'another district');
  const clerk = await signInStaff(api, 'clerk-12', 'clerk', 12);
  const recorded = await attend(clerk, true);
  t.equal(recorded.statusCode, 200, recorded.body);
  t.equal(recorded.json().status, 'attended');
  t.equal((await attend(clerk, true)).statusCode, 200, 'recording the same again is harmless');
  t.equal((await attend(clerk, false)).statusCode, 409, 'but it cannot be changed to missed');
});
