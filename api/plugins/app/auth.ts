// Who is asking. Citizens prove a mobile with a one-time SMS code; staff sign
// in with a password. Both get a JWT whose claims say who they are and the
// account's session epoch; routes state who may call them with
// `app.allow(...)`, which runs first (onRequest: before the body is read or
// validated) and checks the token against the account on every request
// (sessions.ts), so a withdrawn account or a signed-out session ends at once.
import { createHash, randomBytes, randomInt, scrypt as scryptCallback, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import fp from 'fastify-plugin';
import type { FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import type { Knex } from 'knex';
import { ApiProblem } from './problems.ts';
import type { RateLimits } from './rate-limits.ts';
import { persianDigits } from '../../../platform/persian.ts';
import { roles as taskRoles, type Role as TaskRole } from '../../../processes/catalogue/types.ts';
import { queueNotification } from '../../../domain/notifications/outbox.ts';

const scrypt = promisify(scryptCallback) as (password: string, salt: Buffer, keylen: number, options: object) => Promise<Buffer>;

/**
 * Roles that work tasks come from the catalogue (a task's candidate group is
 * `district-<n>:<role>`); analysts, 137 agents and admins work outside tasks.
 */
export type Role = TaskRole | 'analyst' | 'agent-137' | 'admin';
export const staffRoles: Role[] = [...taskRoles, 'analyst', 'agent-137', 'admin'];

/** `epoch` is the account's session epoch when the token was issued; the token stands while the account's is the same. */
export interface CitizenClaims { kind: 'citizen'; sub: string; epoch: number; nationalCode: string; mobile: string }
export interface StaffClaims { kind: 'staff'; sub: string; epoch: number; username: string; name: string; role: Role; districtId: number | null }
export type Claims = CitizenClaims | StaffClaims;

/** The verified claims of a request that passed `app.allow`. */
export function claimsOf(request: FastifyRequest): Claims {
  return request.user as Claims;
}

declare module 'fastify' {
  interface FastifyInstance {
    auth: AuthService;
    /**
     * An onRequest hook letting through citizens (with 'citizen') and staff of
     * the given roles (or any staff with 'staff') whose token stands: 401
     * without one, 403 for anyone else, before the body is read.
     */
    allow(...who: Array<'citizen' | 'staff' | Role>): onRequestAsyncHookHandler;
    /** The caller's claims when the request carries a token that stands, else null: for routes that answer anyone but show more to some. */
    identify(request: FastifyRequest): Promise<Claims | null>;
  }
}

export const signInPolicy = {
  codeDigits: 6,
  codeLifetimeSeconds: 300,
  maxAttempts: 5,
  /** Codes a mobile may be sent per window: SMS costs money and annoys the owner. */
  codesPerMobile: 3,
  codesWindowSeconds: 600,
  /** Wrong passwords a staff username takes per window, from anywhere: a guesser spread over many addresses still stops. */
  failedSignInsPerUsername: 10,
  failedSignInsWindowSeconds: 900,
  citizenTokenLifetime: '2h',
  staffTokenLifetime: '10h',
} as const;

const SCRYPT = { N: 16384, r: 8, p: 1, keylen: 64 } as const;

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scrypt(password, salt, SCRYPT.keylen, { N: SCRYPT.N, r: SCRYPT.r, p: SCRYPT.p });
  return `scrypt$${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const actual = await scrypt(password, Buffer.from(salt, 'base64'), expected.length, { N: Number(n), r: Number(r), p: Number(p), maxmem: 64 * 1024 * 1024 });
  return timingSafeEqual(actual, expected);
}

// Compared against when the username is unknown, so the answer takes as long either way.
const decoyHash = hashPassword(randomBytes(12).toString('hex'));

const codeHash = (salt: string, code: string) => createHash('sha256').update(`${salt}:${code}`).digest('hex');

export function createAuthService(db: Knex, sign: (claims: Claims, expiresIn: string) => string, limits: RateLimits) {
  return {
    /**
     * Sends a sign-in code through the notifications outbox. A national code
     * already known with another mobile is refused: anyone may know a
     * national code, so only its registered mobile proves who one is.
     */
    async sendCode(nationalCode: string, mobile: string): Promise<{ expiresInSeconds: number }> {
      return db.transaction(async (trx) => {
        const citizen = await trx('citizens').where({ national_code: nationalCode }).first('mobile');
        if (citizen && citizen.mobile !== mobile) {
          throw new ApiProblem(409, 'mobile-mismatch', 'This national code is registered with another mobile number.',
            'این کد ملی با شماره همراه دیگری ثبت شده است؛ برای تغییر شماره با سامانه ۱۳۷ تماس بگیرید.');
        }
        // Serialises code requests per mobile, so the count below is exact.
        await trx.raw('select pg_advisory_xact_lock(hashtext(?))', [`sign-in:${mobile}`]);
        const [{ count }] = await trx('sign_in_codes')
          .where({ mobile })
          .andWhere('created_at', '>', trx.raw(`now() - interval '${signInPolicy.codesWindowSeconds} seconds'`))
          .count<{ count: string }[]>('* as count');
        if (Number(count) >= signInPolicy.codesPerMobile) {
          throw new ApiProblem(429, 'too-many-codes', 'Too many codes were sent to this mobile; try again in a few minutes.',
            'برای این شماره کد زیادی فرستاده شده است؛ چند دقیقه بعد دوباره تلاش کنید.');
        }
        const code = String(randomInt(0, 10 ** signInPolicy.codeDigits)).padStart(signInPolicy.codeDigits, '0');
        const salt = randomBytes(16).toString('hex');
        const [row] = await trx('sign_in_codes').insert({
          national_code: nationalCode,
          mobile,
          salt,
          code_hash: codeHash(salt, code),
          expires_at: trx.raw(`now() + interval '${signInPolicy.codeLifetimeSeconds} seconds'`),
        }).returning('id');
        await queueNotification(trx, {
          requestId: null,
          channel: 'sms',
          recipient: mobile,
          template: 'sign-in-code',
          body: `کد ورود شما به سامانه شهرداری: ${persianDigits(code)}\nاین کد را به کسی ندهید.`,
          dedupeKey: `sign-in-code:${row.id}`,
        });
        return { expiresInSeconds: signInPolicy.codeLifetimeSeconds };
      });
    },

    /** Checks the newest live code for the mobile; a code works once and dies after too many wrong guesses. */
    async verifyCode(nationalCode: string, mobile: string, code: string): Promise<{ token: string; citizen: { id: string; nationalCode: string; mobile: string; name: string | null } }> {
      const outcome = await db.transaction(async (trx) => {
        const live = await trx('sign_in_codes')
          .where({ national_code: nationalCode, mobile })
          .whereNull('used_at')
          .andWhere('expires_at', '>', trx.fn.now())
          .orderBy('created_at', 'desc')
          .forUpdate()
          .first();
        if (!live) return 'expired' as const;
        if (live.attempts >= signInPolicy.maxAttempts) return 'locked' as const;
        const matches = timingSafeEqual(Buffer.from(codeHash(live.salt, code), 'hex'), Buffer.from(live.code_hash, 'hex'));
        if (!matches) {
          await trx('sign_in_codes').where({ id: live.id }).increment('attempts', 1);
          return { wrong: true as const, triesLeft: Math.max(0, signInPolicy.maxAttempts - live.attempts - 1) };
        }
        await trx('sign_in_codes').where({ id: live.id }).update({ used_at: trx.fn.now() });
        await trx('citizens').insert({ national_code: nationalCode, mobile }).onConflict('national_code').ignore();
        return trx('citizens').where({ national_code: nationalCode }).first();
      });
      if (outcome === 'expired') {
        throw new ApiProblem(401, 'code-expired', 'There is no live code for this mobile; ask for a new one.', 'کد منقضی شده یا فرستاده نشده است؛ کد تازه بگیرید.');
      }
      if (outcome === 'locked') {
        throw new ApiProblem(429, 'code-locked', 'Too many wrong codes; ask for a new one.', 'کد چند بار نادرست وارد شد؛ کد تازه بگیرید.');
      }
      if ('wrong' in outcome) {
        const { triesLeft } = outcome;
        throw new ApiProblem(401, 'code-wrong', `The code is not right; ${triesLeft} tries left.`, triesLeft > 0
          ? `کد درست نیست؛ ${persianDigits(triesLeft)} بار دیگر می‌توانید آن را وارد کنید.`
          : 'کد درست نیست و دیگر پذیرفته نمی‌شود؛ کد تازه بگیرید.');
      }
      const claims: CitizenClaims = { kind: 'citizen', sub: outcome.id, epoch: outcome.session_epoch, nationalCode, mobile: outcome.mobile };
      return {
        token: sign(claims, signInPolicy.citizenTokenLifetime),
        citizen: { id: outcome.id, nationalCode, mobile: outcome.mobile, name: outcome.name ?? null },
      };
    },

    async signInStaff(username: string, password: string): Promise<{ token: string; staff: Omit<StaffClaims, 'kind' | 'sub' | 'epoch'> & { id: string } }> {
      // Counted per name whether or not an account has it, so the answer says nothing about which names exist.
      const failures = `staff-sign-in-failures|${username}`;
      if ((await limits.read(failures)).current >= signInPolicy.failedSignInsPerUsername) {
        throw new ApiProblem(429, 'too-many-sign-ins', 'Too many wrong passwords for this username; try again in a quarter of an hour.',
          'گذرواژه این نام کاربری چند بار نادرست وارد شد؛ یک ربع ساعت دیگر دوباره تلاش کنید.');
      }
      const account = await db('staff').where({ username, active: true }).first();
      const valid = await verifyPassword(password, account?.password_hash ?? await decoyHash);
      if (!account || !valid) {
        await limits.hit(failures, signInPolicy.failedSignInsWindowSeconds * 1000);
        throw new ApiProblem(401, 'wrong-credentials', 'Wrong username or password.', 'نام کاربری یا گذرواژه نادرست است.');
      }
      const claims: StaffClaims = {
        kind: 'staff', sub: account.id, epoch: account.session_epoch, username: account.username, name: account.display_name, role: account.role_id, districtId: account.district_id,
      };
      return {
        token: sign(claims, signInPolicy.staffTokenLifetime),
        staff: { id: account.id, username: account.username, name: account.display_name, role: account.role_id, districtId: account.district_id },
      };
    },
  };
}

export type AuthService = ReturnType<typeof createAuthService>;

const unauthenticated = () => new ApiProblem(401, 'sign-in-required', 'Sign in first.', 'ابتدا وارد سامانه شوید.');
const forbidden = () => new ApiProblem(403, 'forbidden', 'You may not do this.', 'اجازه این کار را ندارید.');

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Claims of the shape we issue, or null. A token without `exp` would never
 * expire; one whose subject is no account id could only have been signed by
 * someone else with our secret, or by an older version of us.
 */
function wellFormed(claims: Record<string, unknown>): (Claims & { exp: number }) | null {
  if (typeof claims.exp !== 'number' || typeof claims.sub !== 'string' || !uuid.test(claims.sub) || !Number.isSafeInteger(claims.epoch)) return null;
  if (claims.kind === 'citizen') return typeof claims.nationalCode === 'string' && typeof claims.mobile === 'string' ? claims as unknown as CitizenClaims & { exp: number } : null;
  if (claims.kind === 'staff') return typeof claims.role === 'string' && typeof claims.username === 'string' ? claims as unknown as StaffClaims & { exp: number } : null;
  return null;
}

/**
 * Verified tokens by their text, so a client's repeated calls skip the
 * signature check and the JSON parse (a token is immutable: the same text
 * always verifies to the same claims). An entry lives until its token's
 * `exp`; the oldest entry goes when the cache is full. Only well-formed
 * claims come out; anything else throws.
 */
export function createTokenVerifier(verify: (token: string) => Record<string, unknown>, capacity = 10_000) {
  const verified = new Map<string, { claims: Claims; expiresAt: number }>();
  return (token: string): Claims => {
    const hit = verified.get(token);
    if (hit && hit.expiresAt > Date.now()) return hit.claims;
    if (hit) verified.delete(token);
    const claims = wellFormed(verify(token));
    if (!claims) throw new Error('not a token of ours');
    if (verified.size >= capacity) verified.delete(verified.keys().next().value!);
    verified.set(token, { claims, expiresAt: claims.exp * 1000 });
    return claims;
  };
}

const invalidToken = () => new ApiProblem(401, 'invalid-token', 'The token is missing, expired, withdrawn or not ours.', 'نشست شما معتبر نیست یا پایان یافته است؛ دوباره وارد شوید.');

export default fp(async (app) => {
  app.decorate('auth', createAuthService(app.db, (claims, expiresIn) => app.jwt.sign(claims, { expiresIn }), app.rateLimits));
  // The plugin's own verifier with its configured algorithms; request.jwtVerify would decode twice and merge options on every call.
  const verify = createTokenVerifier((token) => app.jwt.verify<Record<string, unknown>>(token));
  /** The claims of a token that stands; 401 for one that does not; undefined without one. */
  const claimsFrom = async (request: FastifyRequest): Promise<Claims | undefined> => {
    const header = request.headers.authorization;
    if (!header) return undefined;
    const [scheme, token, extra] = header.split(' ');
    if (!token || extra !== undefined || scheme!.toLowerCase() !== 'bearer') throw invalidToken();
    let claims: Claims;
    try {
      claims = verify(token);
    } catch {
      throw invalidToken();
    }
    if (!await app.sessions.stands(claims.kind, claims.sub, claims.epoch)) throw invalidToken();
    return claims;
  };
  app.decorate('allow', (...who: Array<'citizen' | 'staff' | Role>) => async (request: FastifyRequest) => {
    const claims = await claimsFrom(request);
    if (!claims) throw unauthenticated();
    request.user = claims;
    const allowed = claims.kind === 'citizen'
      ? who.includes('citizen')
      : who.includes('staff') || who.includes(claims.role);
    if (!allowed) throw forbidden();
  });
  app.decorate('identify', async (request: FastifyRequest) => {
    if (request.user) return request.user as Claims;
    try {
      return await claimsFrom(request) ?? null;
    } catch (error) {
      if (error instanceof ApiProblem) return null;
      throw error;
    }
  });
}, { name: 'auth', dependencies: ['context', 'jwt', 'problems', 'sessions', 'rate-limits'] });
