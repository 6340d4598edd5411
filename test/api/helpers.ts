// An API on a fresh database and the real engine over gRPC, with helpers to
// sign in as a citizen (through the SMS outbox) or as a staff member.
import pino from 'pino';
import type { FastifyInstance } from 'fastify';
import type { Knex } from 'knex';
import type { ZBClient } from 'zeebe-node';
import { buildApp, type AppDependencies } from '../../api/app.ts';
import { hashPassword, type Role } from '../../api/plugins/app/auth.ts';
import { startEngine } from '../../engine/index.ts';
import { readConfig } from '../../platform/config.ts';
import type { Logger } from '../../platform/logger.ts';
import { createZeebeClient } from '../../platform/zeebe.ts';
import { createTestDatabase } from '../helpers/database.ts';

interface Teardown { teardown(fn: () => unknown): void }

export interface TestApi { app: FastifyInstance; db: Knex; zeebe: ZBClient }

export const testSecret = 'test-secret-that-is-at-least-32-characters-long';

export async function startTestApi(t: Teardown, extra: Partial<AppDependencies> = {}, env: Record<string, string> = {}): Promise<TestApi> {
  const db = await createTestDatabase(t);
  const logger = pino({ level: process.env.API_LOG ?? 'silent' }) as Logger;
  const config = readConfig({ JWT_SECRET: testSecret, DEMO_SEED: 'false', ...env });
  const engine = await startEngine({ db, port: 0, logger });
  t.teardown(() => engine.stop());
  const zeebe = createZeebeClient(config, engine.address, logger);
  t.teardown(() => zeebe.close(1_000).catch(() => undefined));
  const app = await buildApp({ config, db, zeebe, logger, ...extra });
  t.teardown(() => app.close());
  await app.ready();
  return { app, db, zeebe };
}

/** Signs a citizen in the way a phone would: ask for a code, read it from the SMS outbox, exchange it. */
export async function signInCitizen(api: TestApi, nationalCode: string, mobile: string): Promise<{ authorization: string; id: string }> {
  const sent = await api.app.inject({ method: 'POST', url: '/api/auth/citizen/code', payload: { nationalCode, mobile } });
  if (sent.statusCode !== 202) throw new Error(`code request failed: ${sent.body}`);
  const code = await latestCode(api.db, mobile);
  const signedIn = await api.app.inject({ method: 'POST', url: '/api/auth/citizen/token', payload: { nationalCode, mobile, code } });
  if (signedIn.statusCode !== 200) throw new Error(`sign-in failed: ${signedIn.body}`);
  return { authorization: `Bearer ${signedIn.json().token}`, id: signedIn.json().citizen.id };
}

/** The code in the newest SMS to `mobile`, as ASCII digits. */
export async function latestCode(db: Knex, mobile: string): Promise<string> {
  const sms = await db('notifications').where({ recipient: mobile, template: 'sign-in-code' }).orderBy('id', 'desc').first();
  const persian = /[۰-۹]{6}/.exec(sms.body)![0];
  return [...persian].map((digit) => String('۰۱۲۳۴۵۶۷۸۹'.indexOf(digit))).join('');
}

export async function createStaff(db: Knex, username: string, role: Role, districtId: number | null, password = 'correct horse'): Promise<void> {
  await db('staff').insert({ username, display_name: username, role_id: role, district_id: districtId, password_hash: await hashPassword(password) });
}

export async function signInStaff(api: TestApi, username: string, role: Role, districtId: number | null = 12): Promise<{ authorization: string }> {
  await createStaff(api.db, username, role, districtId);
  const response = await api.app.inject({ method: 'POST', url: '/api/auth/staff/token', payload: { username, password: 'correct horse' } });
  if (response.statusCode !== 200) throw new Error(`staff sign-in failed: ${response.body}`);
  return { authorization: `Bearer ${response.json().token}` };
}
