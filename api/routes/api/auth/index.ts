// Signing in: citizens by a one-time SMS code, staff by password.
import type { FastifyInstance } from 'fastify';
import { parseMobile, parseNationalCode } from '../../../../platform/identity.ts';
import { CitizenSession, CodeRequest, CodeSent, CodeSignIn, Me, StaffSession, StaffSignIn } from '../../../schemas/auth.ts';
import { problems } from '../../../schemas/problem.ts';
import { claimsOf } from '../../../plugins/app/auth.ts';
import { demoSeedEnabled } from '../../../plugins/app/demo-seed.ts';
import { normaliseInput } from '../../../../platform/persian.ts';
import { latestMessageBody } from '../../../../domain/notifications/outbox.ts';
import { noContent, typed } from '../../../schemas/type-provider.ts';

export default async function authRoutes(fastify: FastifyInstance) {
  const app = typed(fastify);
  // Per client address, in this process; the per-mobile limit in the database holds across processes.
  const codeLimit = { max: 10, timeWindow: '10 minutes' };

  // Where the demo accounts exist (never a production database) no SMS gateway
  // delivers, so the code is handed back to let a developer sign in.
  const showCode = demoSeedEnabled(app.config);

  app.post('/citizen/code', {
    config: { normalise: ['body'], rateLimit: codeLimit },
    schema: {
      tags: ['auth'], summary: 'Send a one-time sign-in code by SMS (with DEMO_SEED, also answered as developmentCode)', body: CodeRequest,
      response: { 202: CodeSent, ...problems(409, 429) },
    },
  }, async (request, reply) => {
    const mobile = parseMobile(request.body.mobile)!;
    const sent = await app.auth.sendCode(parseNationalCode(request.body.nationalCode)!, mobile);
    if (!showCode) return reply.code(202).send(sent);
    return reply.code(202).send({ ...sent, developmentCode: await outboxCode(app, mobile) });
  });

  app.post('/citizen/token', {
    config: { normalise: ['body'], rateLimit: { max: 20, timeWindow: '10 minutes' } },
    schema: {
      tags: ['auth'], summary: 'Exchange the SMS code for a token', body: CodeSignIn,
      response: { 200: CitizenSession, ...problems(401, 429) },
    },
  }, async (request) => {
    const { nationalCode, mobile, code } = request.body;
    return app.auth.verifyCode(parseNationalCode(nationalCode)!, parseMobile(mobile)!, code);
  });

  app.post('/staff/token', {
    config: { normalise: ['body.username'], rateLimit: { max: 20, timeWindow: '10 minutes' } },
    schema: {
      tags: ['auth'], summary: 'Staff sign-in with username and password', body: StaffSignIn,
      response: { 200: StaffSession, ...problems(401, 429) },
    },
  }, async (request) => app.auth.signInStaff(request.body.username, request.body.password));

  app.delete('/sessions', {
    onRequest: app.allow('citizen', 'staff'),
    schema: {
      tags: ['auth'], summary: 'Sign out everywhere: every token of this account issued so far stops working, this one too', security: [{ bearer: [] }],
      response: { 204: { type: 'null' }, ...problems(401) },
    },
  }, async (request, reply) => {
    const { kind, sub } = claimsOf(request);
    await app.sessions.endSessions(kind, sub);
    request.log.info({ account: `${kind}:${sub}` }, 'signed out everywhere');
    return noContent(reply);
  });

  app.get('/me', {
    onRequest: app.allow('citizen', 'staff'),
    schema: { tags: ['auth'], summary: 'Who the token belongs to', security: [{ bearer: [] }], response: { 200: Me, ...problems(401) } },
  }, async (request) => {
    const { sub, kind, ...rest } = claimsOf(request);
    return { kind, id: sub, ...rest };
  });
}

/**
 * The code in the newest sign-in SMS to the mobile, read back from the outbox
 * the code was just written to. The newest is the one verifyCode accepts, so
 * two requests racing for one mobile both show the code that works.
 */
async function outboxCode(app: FastifyInstance, mobile: string): Promise<string | undefined> {
  const sms = await latestMessageBody(app.db, mobile, 'sign-in-code');
  const digits = sms && /[0-9]{6}/.exec(normaliseInput(sms));
  return digits ? digits[0] : undefined;
}
