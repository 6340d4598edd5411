// Development accounts, so a newcomer can try every role: one staff account
// per role in pilot district 12, all with one known password. Only when
// DEMO_SEED is true, or unset with the embedded PostgreSQL (a developer's
// machine); a production database (DATABASE_URL) never gets them unasked.
import fp from 'fastify-plugin';
import type { Knex } from 'knex';
import type { Config } from '../../../platform/config.ts';
import { roleNames } from '../../../processes/catalogue/types.ts';
import { hashPassword, staffRoles } from './auth.ts';

export const demoPassword = 'shahrdari-demo';

const otherRoleNames: Record<string, string> = { analyst: 'تحلیلگر فرایند', 'agent-137': 'کارشناس ۱۳۷', admin: 'مدیر سامانه' };

export const demoStaff = staffRoles.map((role) => ({
  username: `${role}-12`,
  role,
  districtId: 12,
  /** Shown in the workspace's header, so in Persian; marked as a demo account in words, not brackets that flip in right-to-left text. */
  name: `${(roleNames as Record<string, string>)[role] ?? otherRoleNames[role] ?? role} نمونهٔ منطقه ۱۲`,
}));

export function demoSeedEnabled(config: Config): boolean {
  return config.DEMO_SEED ?? !config.DATABASE_URL;
}

/** Creates the accounts that do not exist yet; an account someone changed is left alone. */
export async function seedDemoStaff(db: Knex): Promise<void> {
  const existing = new Set(await db('staff').whereIn('username', demoStaff.map((s) => s.username)).pluck('username'));
  const missing = demoStaff.filter((s) => !existing.has(s.username));
  if (missing.length === 0) return;
  // One hash for the one known password: twenty scrypt runs took over Fastify's
  // ten seconds for onReady when several API processes started on a busy machine.
  const passwordHash = await hashPassword(demoPassword);
  for (const account of missing) {
    await db('staff').insert({
      username: account.username,
      display_name: account.name,
      role_id: account.role,
      district_id: account.districtId,
      password_hash: passwordHash,
    }).onConflict('username').ignore();
  }
}

export default fp(async (app) => {
  if (!demoSeedEnabled(app.config)) return;
  app.addHook('onReady', async () => {
    await seedDemoStaff(app.db);
    app.log.warn({ accounts: demoStaff.map((s) => s.username) }, 'demo staff accounts exist (DEMO_SEED): never use this on a production database');
  });
}, { name: 'demo-seed', dependencies: ['context'] });
