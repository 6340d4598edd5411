// Signing in: citizens by a one-time SMS code, staff by password.
import type { FastifyInstance } from 'fastify';
import { parseMobile, parseNationalCode } from '../../../../platform/identity.ts';
import { CitizenSession, CodeRequest, CodeSent, CodeSignIn, Me, StaffSession, StaffSignIn } from '../../../schemas/auth.ts';
import { problems } from '../../../schemas/problem.ts';
import { claimsOf } from '../../../plugins/app/auth.ts';

type CodeBody = { nationalCode: string; mobile: string };

export default async function authRoutes(app: FastifyInstance) {
  // Per client address, in this process; the per-mobile limit in the database holds across processes.
  const codeLimit = { max: 10, timeWindow: '10 minutes' };

  app.post<{ Body: CodeBody }>('/citizen/code', {
    config: { rateLimit: codeLimit },
    schema: {
      tags: ['auth'], summary: 'Send a one-time sign-in code by SMS', body: CodeRequest,
      response: { 202: CodeSent, ...problems(409, 429) },
    },
  }, async (request, reply) => {
    const sent = await app.auth.sendCode(parseNationalCode(request.body.nationalCode)!, parseMobile(request.body.mobile)!);
    return reply.code(202).send(sent);
  });

  app.post<{ Body: CodeBody & { code: string } }>('/citizen/token', {
    config: { rateLimit: { max: 20, timeWindow: '10 minutes' } },
    schema: {
      tags: ['auth'], summary: 'Exchange the SMS code for a token', body: CodeSignIn,
      response: { 200: CitizenSession, ...problems(401, 429) },
    },
  }, async (request) => {
    const { nationalCode, mobile, code } = request.body;
    return app.auth.verifyCode(parseNationalCode(nationalCode)!, parseMobile(mobile)!, code);
  });

  app.post<{ Body: { username: string; password: string } }>('/staff/token', {
    config: { rateLimit: { max: 20, timeWindow: '10 minutes' } },
    schema: {
      tags: ['auth'], summary: 'Staff sign-in with username and password', body: StaffSignIn,
      response: { 200: StaffSession, ...problems(401, 429) },
    },
  }, async (request) => app.auth.signInStaff(request.body.username, request.body.password));

  app.get('/me', {
    preHandler: app.allow('citizen', 'staff'),
    schema: { tags: ['auth'], summary: 'Who the token belongs to', security: [{ bearer: [] }], response: { 200: Me, ...problems(401) } },
  }, async (request) => {
    const { sub, kind, ...rest } = claimsOf(request);
    return { kind, id: sub, ...rest };
  });
}
