// The simulated people: citizens with valid national codes and their own
// mobiles, and the district's staff by role. Their accounts are created in
// the simulation's database and their tokens signed with the API's secret,
// because the sign-in routes' per-address limits would (rightly) stop one
// driver signing in thousands of people; everything they do after that goes
// through the API.
import { createHmac } from 'node:crypto';
import type { Knex } from 'knex';
import { parseNationalCode } from '../platform/identity.ts';
import type { Role } from '../processes/catalogue/index.ts';
import type { Random } from './random.ts';

export interface Citizen { id: string; nationalCode: string; mobile: string; name: string; token: string }
export interface StaffMember { id: string; username: string; role: Role | 'agent-137'; token: string }

const base64url = (value: string | Buffer) => Buffer.from(value).toString('base64url');

/** An HS256 JWT as @fastify/jwt signs and verifies them. */
export function signToken(secret: string, claims: Record<string, unknown>, lifetimeSeconds: number): string {
  const issued = Math.floor(Date.now() / 1000); // wall clock: token lifetimes are about the machine
  const header = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const payload = base64url(JSON.stringify({ ...claims, iat: issued, exp: issued + lifetimeSeconds }));
  const signature = createHmac('sha256', secret).update(`${header}.${payload}`).digest('base64url');
  return `${header}.${payload}.${signature}`;
}

/** A national code with a valid check digit: the one last digit platform/identity.ts accepts. */
export function nationalCodeOf(random: Random): string {
  for (;;) {
    const stem = Array.from({ length: 9 }, () => random.int(0, 9)).join('');
    for (let check = 0; check <= 9; check++) {
      const code = parseNationalCode(`${stem}${check}`);
      if (code) return code;
    }
  }
}

const givenNames = ['زهرا', 'محمد', 'فاطمه', 'علی', 'مریم', 'حسین', 'سارا', 'رضا', 'نرگس', 'مهدی', 'لیلا', 'امیر'];
const familyNames = ['رضایی', 'محمدی', 'حسینی', 'کریمی', 'احمدی', 'موسوی', 'جعفری', 'قاسمی', 'رحیمی', 'صادقی', 'نوری', 'طاهری'];

/** Creates `count` citizens of the district (as if each had signed in once) and signs their tokens. */
export async function createCitizens(db: Knex, random: Random, count: number, secret: string, lifetimeSeconds: number): Promise<Citizen[]> {
  const seen = new Set<string>();
  const rows: Array<{ national_code: string; mobile: string; name: string }> = [];
  while (rows.length < count) {
    const code = nationalCodeOf(random);
    if (seen.has(code)) continue;
    seen.add(code);
    rows.push({ national_code: code, mobile: `0915${String(1_000_000 + rows.length).slice(-7)}`, name: `${random.pick(givenNames)} ${random.pick(familyNames)}` });
  }
  const citizens: Citizen[] = [];
  for (let start = 0; start < rows.length; start += 1000) {
    const inserted = await db('citizens').insert(rows.slice(start, start + 1000)).returning(['id', 'national_code', 'mobile', 'name', 'session_epoch']);
    for (const row of inserted) {
      citizens.push({
        id: row.id, nationalCode: row.national_code, mobile: row.mobile, name: row.name,
        // The account's session epoch, as sign-in puts it in every token (api/plugins/app/auth.ts).
        token: signToken(secret, { kind: 'citizen', sub: row.id, epoch: row.session_epoch, nationalCode: row.national_code, mobile: row.mobile }, lifetimeSeconds),
      });
    }
  }
  return citizens;
}

/** Creates the roster's staff accounts of the district (and 137 agents) and signs their tokens. */
export async function createStaff(db: Knex, districtId: number, roster: Partial<Record<Role | 'agent-137', number>>, secret: string, lifetimeSeconds: number): Promise<StaffMember[]> {
  // Nobody signs in with a password here; the hash only has to be one no password matches.
  const unusable = 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAA';
  const rows = Object.entries(roster).flatMap(([role, count]) => Array.from({ length: count ?? 0 }, (_, index) => ({
    username: `sim-${role}-${districtId}-${index + 1}`, display_name: `${role} ${index + 1}`, role_id: role,
    district_id: role === 'agent-137' ? null : districtId, password_hash: unusable,
  })));
  if (rows.length === 0) return [];
  const inserted = await db('staff').insert(rows).returning(['id', 'username', 'role_id', 'district_id', 'display_name', 'session_epoch']);
  return inserted.map((row) => ({
    id: row.id, username: row.username, role: row.role_id,
    token: signToken(secret, { kind: 'staff', sub: row.id, epoch: row.session_epoch, username: row.username, name: row.display_name, role: row.role_id, districtId: row.district_id }, lifetimeSeconds),
  }));
}
