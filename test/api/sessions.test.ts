// A token stands only while its account does: every request checks it
// against the account, so withdrawing an account, changing its role or
// signing out everywhere ends its sessions at once — in this API process and,
// through PostgreSQL's NOTIFY, in every other one.
import { randomUUID } from 'node:crypto';
import pino from 'pino';
import t from 'tap';
import { buildApp } from '../../api/app.ts';
import { createSessionCheck, listenForAccountChanges } from '../../api/plugins/app/sessions.ts';
import { readConfig } from '../../platform/config.ts';
import type { Logger } from '../../platform/logger.ts';
import { eventually } from '../helpers/eventually.ts';
import { signInCitizen, signInStaff, startTestApi, testSecret } from './helpers.ts';

const citizen = { nationalCode: '0013542419', mobile: '09121234567' };

t.test('tokens are checked against the account on every request', async (t) => {
  const api = await startTestApi(t);
  const { app, db } = api;
  const me = (headers: Record<string, string>) => app.inject({ url: '/api/auth/me', headers }).then((response) => response.statusCode);
  const admin = await signInStaff(api, 'admin-sessions', 'admin', null);

  await t.test('a token must carry exp and name an account that exists', async (t) => {
    const sign = (claims: object) => app.jwt.sign(claims);
    const clerk = await signInStaff(api, 'clerk-shape', 'clerk');
    const claims = (await app.inject({ url: '/api/auth/me', headers: clerk })).json();
    const staff = { kind: 'staff', sub: claims.id, epoch: 0, username: 'clerk-shape', name: 'clerk-shape', role: 'clerk', districtId: 12 };
    t.equal(await me({ authorization: `Bearer ${sign(staff)}` }), 401, 'without exp, though signed with our secret');
    // wall clock: a token's lifetime
    const inAnHour = Math.floor(Date.now() / 1000) + 3600;
    t.equal(await me({ authorization: `Bearer ${sign({ ...staff, exp: inAnHour })}` }), 200, 'the same claims with exp stand');
    t.equal(await me({ authorization: `Bearer ${sign({ ...staff, sub: randomUUID(), exp: inAnHour })}` }), 401, 'an unknown subject');
    t.equal(await me({ authorization: `Bearer ${sign({ ...staff, sub: 'staff-7', exp: inAnHour })}` }), 401, 'a subject that is no account id');
    t.equal(await me({ authorization: `Bearer ${sign({ ...staff, kind: 'citizen', exp: inAnHour })}` }), 401, 'a staff id claimed as a citizen');
    t.equal(await me({ authorization: `Bearer ${sign({ ...staff, epoch: 1, exp: inAnHour })}` }), 401, 'an epoch the account is not in');
  });

  await t.test('an admin withdraws an account: its earlier tokens stop at once, and it signs in no more', async (t) => {
    const clerk = await signInStaff(api, 'clerk-withdrawn', 'clerk');
    const id = (await app.inject({ url: '/api/auth/me', headers: clerk })).json().id;
    t.equal(await me(clerk), 200);
    const withdrawn = await app.inject({ method: 'PATCH', url: `/api/staff/${id}`, headers: admin, payload: { active: false } });
    t.equal(withdrawn.statusCode, 200, withdrawn.body);
    t.match(withdrawn.json(), { username: 'clerk-withdrawn', active: false });
    t.equal(await me(clerk), 401, 'the token issued before is refused on the next request');
    const tasks = await app.inject({ url: '/api/tasks', headers: clerk });
    t.equal(tasks.statusCode, 401);
    t.match(tasks.json(), { type: 'urn:shahrdari:problem:invalid-token', detailFa: String });
    const again = await app.inject({ method: 'POST', url: '/api/auth/staff/token', payload: { username: 'clerk-withdrawn', password: 'correct horse' } });
    t.equal(again.statusCode, 401, 'a withdrawn account cannot sign in');
    await app.inject({ method: 'PATCH', url: `/api/staff/${id}`, headers: admin, payload: { active: true } });
    t.equal(await me(clerk), 401, 'given back, the account\'s old tokens stay dead');
    const fresh = await app.inject({ method: 'POST', url: '/api/auth/staff/token', payload: { username: 'clerk-withdrawn', password: 'correct horse' } });
    t.equal(await me({ authorization: `Bearer ${fresh.json().token}` }), 200, 'a new sign-in works');
  });

  await t.test('a new role or district ends the sessions: the old token\'s role is not trusted', async (t) => {
    const inspector = await signInStaff(api, 'inspector-moved', 'inspector');
    const id = (await app.inject({ url: '/api/auth/me', headers: inspector })).json().id;
    t.equal((await app.inject({ method: 'PATCH', url: `/api/staff/${id}`, headers: admin, payload: { role: 'clerk', districtId: 5 } })).statusCode, 200);
    t.equal(await me(inspector), 401);
    t.equal((await app.inject({ method: 'PATCH', url: `/api/staff/${id}`, headers: admin, payload: { districtId: 98 } })).statusCode, 422, 'no such district');
  });

  await t.test('an account deleted from the database, or changed by an operator\'s SQL', async (t) => {
    // Changes made outside this process are heard through NOTIFY, milliseconds after their commit.
    const refusedSoon = (headers: Record<string, string>) => eventually('the token refused', async () => {
      const status = await me(headers);
      return status !== 200 && status;
    }, { timeoutMs: 2_000, intervalMs: 5 });
    const analyst = await signInStaff(api, 'analyst-deleted', 'analyst');
    t.equal(await me(analyst), 200);
    await db('staff').where({ username: 'analyst-deleted' }).delete();
    t.equal(await refusedSoon(analyst), 401, 'deleted');
    const manager = await signInStaff(api, 'manager-sql', 'manager');
    t.equal(await me(manager), 200);
    await db('staff').where({ username: 'manager-sql' }).update({ password_hash: 'scrypt$reset' });
    t.equal(await refusedSoon(manager), 401, 'a password reset in SQL ends the sessions too');
    const person = await signInCitizen(api, citizen.nationalCode, citizen.mobile);
    t.equal(await me(person), 200);
    await db('citizens').where({ national_code: citizen.nationalCode }).update({ mobile: '09350000000' });
    t.equal(await refusedSoon(person), 401, 'a citizen whose mobile changed signs in again with the new one');
  });

  await t.test('staff and citizens sign out everywhere', async (t) => {
    const agent = await signInStaff(api, 'agent-everywhere', 'agent-137');
    const second = await app.inject({ method: 'POST', url: '/api/auth/staff/token', payload: { username: 'agent-everywhere', password: 'correct horse' } });
    const phone = { authorization: `Bearer ${second.json().token}` };
    t.equal((await app.inject({ method: 'DELETE', url: '/api/auth/sessions', headers: agent })).statusCode, 204);
    t.same([await me(agent), await me(phone)], [401, 401], 'both sessions ended');
    t.equal((await app.inject({ method: 'DELETE', url: '/api/auth/sessions' })).statusCode, 401, 'anonymous');
    const person = await signInCitizen(api, '3974017844', '09351234567');
    t.equal((await app.inject({ method: 'DELETE', url: '/api/auth/sessions', headers: person })).statusCode, 204);
    t.equal(await me(person), 401);
    t.equal(await me(await signInCitizen(api, '3974017844', '09351234567')), 200, 'signing in again works');
  });

  await t.test('an admin signs someone out without withdrawing them; admins do not change their own account', async (t) => {
    const inspector = await signInStaff(api, 'inspector-lost-phone', 'inspector');
    const id = (await app.inject({ url: '/api/auth/me', headers: inspector })).json().id;
    const staffList = await app.inject({ url: '/api/staff?role=inspector', headers: admin });
    t.ok(staffList.json().some((account: { id: string; active: boolean }) => account.id === id && account.active));
    t.equal((await app.inject({ method: 'DELETE', url: `/api/staff/${id}/sessions`, headers: admin })).statusCode, 204);
    t.equal(await me(inspector), 401);
    t.equal((await app.inject({ method: 'DELETE', url: `/api/staff/${randomUUID()}/sessions`, headers: admin })).statusCode, 404);
    const own = (await app.inject({ url: '/api/auth/me', headers: admin })).json().id;
    t.equal((await app.inject({ method: 'PATCH', url: `/api/staff/${own}`, headers: admin, payload: { active: false } })).statusCode, 409);
    t.equal((await app.inject({ method: 'PATCH', url: `/api/staff/${id}`, headers: inspector, payload: { active: false } })).statusCode, 401);
  });

  await t.test('identity is judged before input: anonymous with a bad body is 401, not a list of fields', async (t) => {
    const response = await app.inject({ method: 'PATCH', url: `/api/staff/${randomUUID()}`, payload: { active: 'no', extra: 1 } });
    t.equal(response.statusCode, 401);
    const filed = await app.inject({ method: 'POST', url: '/api/requests', payload: { serviceId: 7, form: 'x' } });
    t.equal(filed.statusCode, 401);
  });
});

t.test('another API process on the same database drops a withdrawn account within the bound', async (t) => {
  const api = await startTestApi(t);
  const logger = pino({ level: 'silent' }) as Logger;
  const other = await buildApp({ config: readConfig({ JWT_SECRET: testSecret, DEMO_SEED: 'false' }), db: api.db, zeebe: api.zeebe, logger });
  t.teardown(() => other.close());
  await other.ready();
  const admin = await signInStaff(api, 'admin-processes', 'admin', null);
  const clerk = await signInStaff(api, 'clerk-processes', 'clerk');
  const id = (await api.app.inject({ url: '/api/auth/me', headers: clerk })).json().id;
  t.equal((await other.inject({ url: '/api/auth/me', headers: clerk })).statusCode, 200, 'the other process has the account cached');
  const withdrawnAt = Date.now();
  await api.app.inject({ method: 'PATCH', url: `/api/staff/${id}`, headers: admin, payload: { active: false } });
  const status = await eventually('the other process to refuse the token', async () => {
    const answer = (await other.inject({ url: '/api/auth/me', headers: clerk })).statusCode;
    return answer !== 200 && answer;
  }, { timeoutMs: 5_000, intervalMs: 10 });
  const noticedMs = Date.now() - withdrawnAt;
  t.equal(status, 401, `the other process refuses the token after ${noticedMs} ms`);
  t.ok(noticedMs <= 2_000, 'within the 2 s bound');
});

t.test('a change is heard through NOTIFY long before the cache would expire', async (t) => {
  const api = await startTestApi(t);
  const logger = pino({ level: 'silent' }) as Logger;
  const check = createSessionCheck(api.db, { cacheMs: 60_000 });
  const heard: Array<string | null> = [];
  const listener = listenForAccountChanges(api.db, (key) => { heard.push(key); check.forget(key); }, logger);
  t.teardown(() => listener.stop());
  await signInStaff(api, 'clerk-notify', 'clerk');
  const { id, session_epoch: epoch } = await api.db('staff').where({ username: 'clerk-notify' }).first();
  t.ok(await check.stands('staff', id, epoch));
  const started = Date.now();
  await api.db('staff').where({ id }).update({ active: false });
  await eventually('the cached account to be refused', async () => !(await check.stands('staff', id, epoch)), { timeoutMs: 5_000, intervalMs: 5 });
  t.notOk(await check.stands('staff', id, epoch), `refused ${Date.now() - started} ms after the change, with a 60 s cache`);
  t.ok(heard.includes(`staff:${id}`), 'the trigger named the account');
  const again = await api.db('staff').where({ id }).first('session_epoch');
  t.equal(again.session_epoch, epoch + 1, 'deactivation moved the epoch');
});

t.test('a cached account is trusted while the listener answers its pings, and for at most the bound once it falls silent', async (t) => {
  const api = await startTestApi(t);
  const logger = pino({ level: 'silent' }) as Logger;
  const cacheMs = 1_000;
  const check = createSessionCheck(api.db, { cacheMs });
  const listener = listenForAccountChanges(api.db, check.forget, logger, { confirmed: check.confirm, pingMs: 100 });
  t.teardown(() => listener.stop());
  await signInStaff(api, 'clerk-pinged', 'clerk');
  const { id, session_epoch: epoch } = await api.db('staff').where({ username: 'clerk-pinged' }).first();
  let reads = 0;
  const counted = (query: { sql: string; bindings?: unknown[] }) => {
    if (query.sql.includes('"staff"') && query.bindings?.includes(id)) reads++;
  };
  api.db.on('query', counted);
  t.teardown(() => { api.db.off('query', counted); });
  // Pings answered since the listener started, so the first read is trusted beyond cacheMs.
  await eventually('the listener to answer a ping', async () => {
    await check.stands('staff', id, epoch);
    await new Promise((resolve) => setTimeout(resolve, cacheMs + 200));
    const before = reads;
    await check.stands('staff', id, epoch);
    return reads === before;
  }, { timeoutMs: 10_000 });
  const before = reads;
  await new Promise((resolve) => setTimeout(resolve, 2 * cacheMs));
  t.ok(await check.stands('staff', id, epoch));
  t.equal(reads, before, `no read in ${2 * cacheMs} ms (twice the bound) while the listener answers`);

  // The listening backends stop answering (as a connection silently stuck would): no notification, no ping answer.
  const { rows } = await api.db.raw<{ rows: Array<{ pid: number }> }>(
    "select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid() and query in ('listen account_changed', 'select 1')");
  t.ok(rows.length >= 1, `${rows.length} listening backends`);
  const resume = () => { for (const { pid } of rows) try { process.kill(pid, 'SIGCONT'); } catch { /* gone */ } };
  t.teardown(resume);
  for (const { pid } of rows) process.kill(pid, 'SIGSTOP');
  const withdrawnAt = Date.now();
  await api.db('staff').where({ id }).update({ active: false });
  await eventually('the silent listener\'s cache to refuse the withdrawn account', async () => !(await check.stands('staff', id, epoch)), { timeoutMs: 10_000, intervalMs: 10 });
  const refusedMs = Date.now() - withdrawnAt;
  resume();
  t.ok(refusedMs <= cacheMs + 500, `refused ${refusedMs} ms after the change with no notification heard (bound ${cacheMs} ms)`);
});
