// The 137 desk finds a caller by the mobile they call from: every citizen
// registered with that number (a household may share one), in Persian or
// ASCII digits; a malformed number is a problem the agent can read.
import t from 'tap';
import { signInCitizen, signInStaff, startTestApi } from './helpers.ts';

t.test('citizens by mobile', async (t) => {
  const api = await startTestApi(t);
  const { app, db } = api;
  const mobile = '09151234567';
  const zahra = await signInCitizen(api, '0013542419', mobile);
  await db('citizens').insert([
    { national_code: '3974017844', mobile, name: 'علی رضایی' },
    { national_code: '7730942860', mobile: '09150000000', name: 'نفر دیگر' },
  ]);
  await db('citizens').where({ national_code: '0013542419' }).update({ name: 'زهرا رضایی' });
  const agent = await signInStaff(api, 'agent-1', 'agent-137', null);
  const clerk = await signInStaff(api, 'clerk-12', 'clerk', 12);

  await t.test('given a mobile in Persian digits, a 137 agent gets everyone registered with it, oldest first', async (t) => {
    const found = await app.inject({ url: `/api/citizens?mobile=${encodeURIComponent('۰۹۱۵۱۲۳۴۵۶۷')}`, headers: agent });
    t.equal(found.statusCode, 200);
    t.same(found.json(), [
      { nationalCode: '0013542419', mobile, name: 'زهرا رضایی' },
      { nationalCode: '3974017844', mobile, name: 'علی رضایی' },
    ]);
  });

  await t.test('the same mobile written as +98, with Arabic-Indic digits, for a clerk', async (t) => {
    const plus = await app.inject({ url: `/api/citizens?mobile=${encodeURIComponent('+989151234567')}`, headers: clerk });
    t.equal(plus.json().length, 2);
    const arabic = await app.inject({ url: `/api/citizens?mobile=${encodeURIComponent('٠٩١٥١٢٣٤٥٦٧')}`, headers: clerk });
    t.equal(arabic.json().length, 2);
  });

  await t.test('an unknown mobile finds nobody', async (t) => {
    const none = await app.inject({ url: '/api/citizens?mobile=09359999999', headers: agent });
    t.equal(none.statusCode, 200);
    t.same(none.json(), []);
  });

  await t.test('a malformed mobile is a 400 problem on the query field, in Persian too', async (t) => {
    for (const bad of ['123', '0915123456', '08151234567', 'abc']) {
      const response = await app.inject({ url: `/api/citizens?mobile=${encodeURIComponent(bad)}`, headers: agent });
      t.equal(response.statusCode, 400, bad);
      t.match(response.headers['content-type'], 'application/problem+json');
      t.match(response.json().errors, [{ path: '/query/mobile', messageFa: /[\u0600-\u06FF]/ }], bad);
    }
    const missing = await app.inject({ url: '/api/citizens', headers: agent });
    t.equal(missing.statusCode, 400, 'no mobile at all');
  });

  await t.test('only staff who take calls or serve the counter may look', async (t) => {
    t.equal((await app.inject({ url: `/api/citizens?mobile=${mobile}` })).statusCode, 401);
    t.equal((await app.inject({ url: `/api/citizens?mobile=${mobile}`, headers: zahra })).statusCode, 403, 'not citizens');
    const inspector = await signInStaff(api, 'inspector-12', 'inspector', 12);
    t.equal((await app.inject({ url: `/api/citizens?mobile=${mobile}`, headers: inspector })).statusCode, 403);
  });
});
