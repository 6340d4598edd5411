// The catalogue routes serve processes/catalogue with each start form and its
// JSON Schema; district 12 (the pilot) offers everything; admins roll out.
import t from 'tap';
import { signInCitizen, signInStaff, startTestApi } from './helpers.ts';
import { services } from '../../processes/catalogue/index.ts';

t.test('catalogue and rollout', async (t) => {
  const api = await startTestApi(t);
  const { app } = api;

  await t.test('the list has every service, filtered by heading, channel and district', async (t) => {
    const all = (await app.inject({ url: '/api/services' })).json();
    t.equal(all.services.length, services.length);
    t.equal(all.headings.length, 5);
    const transport = (await app.inject({ url: '/api/services?heading=transport' })).json();
    t.ok(transport.services.length > 0 && transport.services.every((s: { heading: string }) => s.heading === 'transport'));
    const byPhone = (await app.inject({ url: '/api/services?channel=call-centre' })).json();
    t.ok(byPhone.services.every((s: { channels: string[] }) => s.channels.includes('call-centre')));
    t.equal((await app.inject({ url: '/api/services?district=12' })).json().services.length, services.length, 'the pilot offers all');
    t.equal((await app.inject({ url: '/api/services?district=۵' })).json().services.length, 0, 'district 5 nothing yet (Persian digits accepted)');
    const bad = await app.inject({ url: '/api/services?heading=cooking' });
    t.equal(bad.statusCode, 400);
    t.equal(bad.json().errors[0].path, '/query/heading');
  });

  await t.test('one service carries its form and a schema that checks identity for real', async (t) => {
    const response = await app.inject({ url: '/api/services/tree-pruning' });
    t.equal(response.statusCode, 200);
    const service = response.json();
    t.equal(service.form.id, 'tree-pruning-start');
    t.equal(service.schema.properties.nationalCode.format, 'national-code');
    t.same(service.districts, [12]);
    t.equal((await app.inject({ url: '/api/services/no-such-service' })).statusCode, 404);
    t.equal((await app.inject({ url: '/api/services/Not_A_Slug' })).statusCode, 400);
  });

  await t.test('only admins switch services on, and the district then offers them', async (t) => {
    const admin = await signInStaff(api, 'admin-1', 'admin', null);
    const clerk = await signInStaff(api, 'clerk-1', 'clerk', 12);
    const citizen = await signInCitizen(api, '0013542419', '09121234567');
    const put = (headers: Record<string, string>, enabled: boolean) => app.inject({ method: 'PUT', url: '/api/districts/5/services/tree-pruning', headers, payload: { enabled } });
    t.equal((await put({}, true)).statusCode, 401);
    t.equal((await put(clerk, true)).statusCode, 403);
    t.equal((await put(citizen, true)).statusCode, 403);
    const on = await put(admin, true);
    t.equal(on.statusCode, 200);
    t.same(on.json().services, ['tree-pruning']);
    t.same((await app.inject({ url: '/api/services/tree-pruning' })).json().districts, [5, 12]);
    t.same((await put(admin, false)).json().services, []);
    t.equal((await app.inject({ method: 'PUT', url: '/api/districts/5/services/no-such', headers: admin, payload: { enabled: true } })).statusCode, 404);
    t.equal((await app.inject({ method: 'PUT', url: '/api/districts/77/services/tree-pruning', headers: admin, payload: { enabled: true } })).statusCode, 404);

    const off12 = await app.inject({ method: 'PUT', url: '/api/districts/12/services/tree-pruning', headers: admin, payload: { enabled: false } });
    t.notOk(off12.json().services.includes('tree-pruning'));
    await app.catalogue.enablePilots();
    t.notOk((await app.catalogue.offeredIn(12)).has('tree-pruning'), 'a restart does not switch back on what an admin switched off');
  });

  await t.test('districts are listed with their services', async (t) => {
    const districts = (await app.inject({ url: '/api/districts' })).json();
    t.equal(districts.length, 14);
    t.match(districts[11], { id: 12, isPilot: true });
    t.equal((await app.inject({ url: '/api/districts/99' })).statusCode, 404);
  });
});
