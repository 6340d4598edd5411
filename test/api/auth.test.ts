// Signing in: SMS codes are hashed, expire, allow a few guesses and a few
// sends per mobile; staff passwords are scrypt; tokens carry role and district.
import t from 'tap';
import { latestCode, signInCitizen, signInStaff, startTestApi, type TestApi } from './helpers.ts';
import { demoPassword, demoStaff, seedDemoStaff } from '../../api/plugins/app/demo-seed.ts';

t.test('citizen sign-in by SMS code', async (t) => {
  const api = await startTestApi(t);
  const { app, db } = api;
  const mobile = '09121110000';
  const nationalCode = '0013542419';

  const sent = await app.inject({ method: 'POST', url: '/api/auth/citizen/code', payload: { nationalCode, mobile: '+989121110000' } });
  t.equal(sent.statusCode, 202);
  const row = await db('sign_in_codes').where({ mobile }).first();
  const code = await latestCode(db, mobile);
  t.notOk(JSON.stringify(row).includes(code), 'the code itself is not stored with the sign-in row, only its hash');

  const wrong = code === '000000' ? '111111' : '000000';
  const refused = await app.inject({ method: 'POST', url: '/api/auth/citizen/token', payload: { nationalCode, mobile, code: wrong } });
  t.equal(refused.statusCode, 401);
  t.equal(refused.json().detailFa, 'کد درست نیست؛ ۴ بار دیگر می‌توانید آن را وارد کنید.', 'and how many tries are left');

  const accepted = await app.inject({ method: 'POST', url: '/api/auth/citizen/token', payload: { nationalCode, mobile, code } });
  t.equal(accepted.statusCode, 200);
  t.match(accepted.json().citizen, { nationalCode, mobile });
  const again = await app.inject({ method: 'POST', url: '/api/auth/citizen/token', payload: { nationalCode, mobile, code } });
  t.equal(again.statusCode, 401, 'a code works once');

  const me = await app.inject({ url: '/api/auth/me', headers: { authorization: `Bearer ${accepted.json().token}` } });
  t.match(me.json(), { kind: 'citizen', nationalCode, mobile });

  await t.test('a code dies after five wrong guesses', async (t) => {
    const other = '09121110001';
    await app.inject({ method: 'POST', url: '/api/auth/citizen/code', payload: { nationalCode: '3974017844', mobile: other } });
    const right = await latestCode(db, other);
    const bad = right === '000000' ? '111111' : '000000';
    for (let i = 0; i < 5; i++) {
      t.equal((await app.inject({ method: 'POST', url: '/api/auth/citizen/token', payload: { nationalCode: '3974017844', mobile: other, code: bad } })).statusCode, 401);
    }
    const locked = await app.inject({ method: 'POST', url: '/api/auth/citizen/token', payload: { nationalCode: '3974017844', mobile: other, code: right } });
    t.equal(locked.statusCode, 429, 'even the right code is refused now');
  });

  await t.test('an expired code is refused', async (t) => {
    const other = '09121110002';
    await app.inject({ method: 'POST', url: '/api/auth/citizen/code', payload: { nationalCode: '7730942860', mobile: other } });
    const right = await latestCode(db, other);
    await db('sign_in_codes').where({ mobile: other }).update({ expires_at: db.raw("now() - interval '1 second'") });
    const expired = await app.inject({ method: 'POST', url: '/api/auth/citizen/token', payload: { nationalCode: '7730942860', mobile: other, code: right } });
    t.equal(expired.statusCode, 401);
    t.match(expired.json().detailFa, 'منقضی');
  });

  await t.test('a mobile gets at most three codes in ten minutes', async (t) => {
    const other = '09121110003';
    const ask = () => app.inject({ method: 'POST', url: '/api/auth/citizen/code', payload: { nationalCode: '4721016352', mobile: other } });
    t.same([(await ask()).statusCode, (await ask()).statusCode, (await ask()).statusCode, (await ask()).statusCode], [202, 202, 202, 429]);
  });

  await t.test('a national code known with another mobile is refused', async (t) => {
    const response = await app.inject({ method: 'POST', url: '/api/auth/citizen/code', payload: { nationalCode, mobile: '09129999999' } });
    t.equal(response.statusCode, 409);
    t.match(response.json().detailFa, '۱۳۷');
  });

  await t.test('bad tokens are 401', async (t) => {
    t.equal((await app.inject({ url: '/api/auth/me' })).statusCode, 401);
    t.equal((await app.inject({ url: '/api/auth/me', headers: { authorization: 'Bearer nonsense' } })).statusCode, 401);
    const forged = app.jwt.sign({ kind: 'citizen', sub: 'x' }, { key: 'another-secret-another-secret-another-secret' } as never);
    t.equal((await app.inject({ url: '/api/auth/me', headers: { authorization: `Bearer ${forged}` } })).statusCode, 401);
  });

  t.ok(await signInCitizen(api, '0013542419', mobile), 'the helper signs in too');
});

t.test('the code request is rate-limited per client address', async (t) => {
  const { app } = await startTestApi(t);
  const statuses: number[] = [];
  for (let i = 0; i < 11; i++) {
    const mobile = `0912222${String(i).padStart(4, '0')}`;
    statuses.push((await app.inject({ method: 'POST', url: '/api/auth/citizen/code', payload: { nationalCode: '0013542419', mobile } })).statusCode);
  }
  t.equal(statuses.at(-1), 429, `the eleventh request from one address is refused: ${statuses}`);
});

t.test('staff sign-in', async (t) => {
  const api = await startTestApi(t);
  const { app } = api;
  const { authorization } = await signInStaff(api, 'maryam', 'inspector', 12);
  const me = await app.inject({ url: '/api/auth/me', headers: { authorization } });
  t.match(me.json(), { kind: 'staff', username: 'maryam', role: 'inspector', districtId: 12 });
  const wrong = await app.inject({ method: 'POST', url: '/api/auth/staff/token', payload: { username: 'maryam', password: 'nope' } });
  t.equal(wrong.statusCode, 401);
  const unknown = await app.inject({ method: 'POST', url: '/api/auth/staff/token', payload: { username: 'nobody', password: 'nope' } });
  t.equal(unknown.statusCode, 401);
  t.equal(unknown.json().detail, wrong.json().detail, 'an unknown name and a wrong password look alike');
});

t.test('the demo seed makes one account per role in district 12, and only when asked', async (t) => {
  const seeded = await startTestApi(t, {}, { DEMO_SEED: 'true' });
  for (const account of demoStaff) {
    const response = await seeded.app.inject({ method: 'POST', url: '/api/auth/staff/token', payload: { username: account.username, password: demoPassword } });
    t.equal(response.statusCode, 200, account.username);
    t.match(response.json().staff, { role: account.role, districtId: 12 });
  }
  await seedDemoStaff(seeded.db);
  t.equal((await seeded.db('staff').count('* as n'))[0]!.n, String(demoStaff.length), 'seeding twice adds nothing');

  const production = await startTestApi(t, {}, { DATABASE_URL: 'postgres://elsewhere/db', DEMO_SEED: '' });
  t.equal((await production.db('staff').count('* as n'))[0]!.n, '0', 'with DATABASE_URL and no DEMO_SEED nobody is created');
});

t.test('the code comes back in the answer only where the demo seed is on', async (t) => {
  const mobile = '09121110010';
  const nationalCode = '0013542419';
  const ask = (api: TestApi) =>
    api.app.inject({ method: 'POST', url: '/api/auth/citizen/code', payload: { nationalCode: '۰۰۱۳۵۴۲۴۱۹', mobile: '۰۹۱۲۱۱۱۰۰۱۰' } });

  const development = await startTestApi(t, {}, { DEMO_SEED: 'true' });
  const first = await ask(development);
  t.equal(first.statusCode, 202);
  t.equal(first.json().developmentCode, await latestCode(development.db, mobile), 'the code of the SMS just queued');
  const second = await ask(development);
  t.equal(second.json().developmentCode, await latestCode(development.db, mobile), 'a second request shows the newer code');
  const signedIn = await development.app.inject({
    method: 'POST', url: '/api/auth/citizen/token', payload: { nationalCode, mobile, code: second.json().developmentCode },
  });
  t.equal(signedIn.statusCode, 200, 'the shown code signs in');

  const off = await startTestApi(t);
  const plain = await ask(off);
  t.equal(plain.statusCode, 202);
  t.same(Object.keys(plain.json()), ['expiresInSeconds'], 'DEMO_SEED=false: the code goes by SMS only');

  const production = await startTestApi(t, {}, { DATABASE_URL: 'postgres://elsewhere/db', DEMO_SEED: '' });
  const answer = await ask(production);
  t.equal(answer.statusCode, 202);
  t.notOk('developmentCode' in answer.json(), 'a production database (DATABASE_URL, DEMO_SEED unset) never shows it');
});
