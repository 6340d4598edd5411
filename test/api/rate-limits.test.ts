// Rate limits and sign-in quotas hold across API processes: two apps on one
// database (as two `npm run api` behind a load balancer) share every counter,
// so a client that spreads its requests over both gets no more than the limit.
import pino from 'pino';
import t from 'tap';
import { buildApp } from '../../api/app.ts';
import { readConfig } from '../../platform/config.ts';
import type { Logger } from '../../platform/logger.ts';
import { createStaff, startTestApi, testSecret } from './helpers.ts';

t.test('limits are shared by every API process', async (t) => {
  const api = await startTestApi(t);
  const second = await buildApp({ config: readConfig({ JWT_SECRET: testSecret, DEMO_SEED: 'false' }), db: api.db, zeebe: api.zeebe, logger: pino({ level: 'silent' }) as Logger });
  t.teardown(() => second.close());
  await second.ready();
  const processes = [api.app, second];

  await t.test('sign-in codes from one address: ten in ten minutes, counted over both processes', async (t) => {
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) {
      const response = await processes[i % 2]!.inject({
        method: 'POST', url: '/api/auth/citizen/code', remoteAddress: '10.9.0.1',
        payload: { nationalCode: '0013542419', mobile: `0912333${String(i).padStart(4, '0')}` },
      });
      statuses.push(response.statusCode);
      if (response.statusCode === 429) {
        t.match(response.json(), { type: 'urn:shahrdari:problem:too-many-requests', status: 429, detailFa: String });
        t.ok(Number(response.headers['retry-after']) > 0, 'with Retry-After');
      }
    }
    t.same(statuses.slice(10), [429, 429], `the eleventh and twelfth are refused, whichever process answers: ${statuses}`);
    const elsewhere = await second.inject({ method: 'POST', url: '/api/auth/citizen/code', remoteAddress: '10.9.0.2', payload: { nationalCode: '3974017844', mobile: '09351234567' } });
    t.equal(elsewhere.statusCode, 202, 'another address has its own count');
  });

  await t.test('a mobile gets three codes in ten minutes, whichever process sends them', async (t) => {
    const ask = (index: number) => processes[index % 2]!.inject({
      method: 'POST', url: '/api/auth/citizen/code', remoteAddress: `10.9.1.${index + 1}`, payload: { nationalCode: '4721016352', mobile: '09121110009' },
    }).then((response) => response.statusCode);
    t.same([await ask(0), await ask(1), await ask(2), await ask(3)], [202, 202, 202, 429]);
  });

  await t.test('a username takes ten wrong passwords in fifteen minutes, from any address, on any process', async (t) => {
    await createStaff(api.db, 'clerk-guessed', 'clerk', 12);
    const attempt = (index: number, password: string) => processes[index % 2]!.inject({
      method: 'POST', url: '/api/auth/staff/token', remoteAddress: `10.9.2.${index + 1}`, payload: { username: 'clerk-guessed', password },
    });
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) statuses.push((await attempt(i, `guess-${i}`)).statusCode);
    t.same(statuses, Array(10).fill(401), 'ten wrong passwords');
    const locked = await attempt(10, 'correct horse');
    t.equal(locked.statusCode, 429, 'the right one is refused too while the quota is spent');
    t.match(locked.json(), { type: 'urn:shahrdari:problem:too-many-sign-ins', detailFa: String });
    const unknown = await attempt(11, 'x');
    t.equal(unknown.statusCode, 429, 'the quota counts the name, not whether it exists');
    const other = await api.app.inject({ method: 'POST', url: '/api/auth/staff/token', remoteAddress: '10.9.3.1', payload: { username: 'clerk-other', password: 'x' } });
    t.equal(other.statusCode, 401, 'another name is not affected');
  });

  await t.test('behind a load balancer (TRUST_PROXY=1) each client is counted by its own address', async (t) => {
    const behind = await buildApp({ config: readConfig({ JWT_SECRET: testSecret, DEMO_SEED: 'false', TRUST_PROXY: '1' }), db: api.db, zeebe: api.zeebe, logger: pino({ level: 'silent' }) as Logger });
    t.teardown(() => behind.close());
    const ask = (client: string, index: number) => behind.inject({
      method: 'POST', url: '/api/auth/citizen/code', remoteAddress: '10.0.0.5', headers: { 'x-forwarded-for': client },
      payload: { nationalCode: '0013542419', mobile: `0912444${String(index).padStart(4, '0')}` },
    }).then((response) => response.statusCode);
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) statuses.push(await ask('198.51.100.7', i));
    t.equal(statuses.at(-1), 429, `one client's eleventh: ${statuses}`);
    t.equal(await ask('198.51.100.8', 11), 202, 'another client through the same balancer is not held back');
  });

  await t.test('ended windows are swept', async (t) => {
    await api.db('rate_limit_hits').insert({ key: 'test|old', hits: 3, window_ends_at: api.db.raw("now() - interval '1 hour'") });
    t.ok(await api.app.rateLimits.sweep() >= 1);
    t.notOk(await api.db('rate_limit_hits').where({ key: 'test|old' }).first());
    t.ok(await api.db('rate_limit_hits').count('* as n').first().then((row) => Number(row!.n) > 0), 'live windows stay');
  });
});
