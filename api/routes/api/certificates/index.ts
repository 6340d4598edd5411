// Anyone holding a certificate (a bank, a notary, a neighbour) can check it by
// the code printed beside its QR code: no sign-in, and less than the paper
// shows (the name and national code masked). People scanning the QR code get
// the same facts as a Persian page at /verify/<code> (portal/verify-page.ts).
import type { FastifyInstance } from 'fastify';
import { verifyCertificate } from '../../../../domain/certificates/verification.ts';
import { ApiProblem } from '../../../plugins/app/problems.ts';
import { problems } from '../../../schemas/problem.ts';
import { typed } from '../../../schemas/type-provider.ts';

const Verified = {
  type: 'object',
  required: ['valid', 'number', 'serviceId', 'serviceName', 'districtId', 'districtName', 'holderNameMasked', 'holderNationalCodeMasked', 'issuedAt', 'issuedOn', 'revoked'],
  properties: {
    valid: { type: 'boolean' }, number: { type: 'string' }, serviceId: { type: 'string' }, serviceName: { type: 'string' },
    districtId: { type: 'integer' }, districtName: { type: 'string' },
    holderNameMasked: { type: ['string', 'null'] }, holderNationalCodeMasked: { type: ['string', 'null'] },
    issuedAt: { type: 'string', format: 'date-time' }, issuedOn: { type: 'string' }, revoked: { type: 'boolean' },
  },
} as const;

export default async function certificateVerificationRoutes(fastify: FastifyInstance) {
  const app = typed(fastify);
  app.get('/verify/:code', {
    config: { normalise: ['params'] },
    schema: {
      tags: ['certificates'], summary: 'Check a certificate by its verification code (public)',
      params: { type: 'object', required: ['code'], properties: { code: { type: 'string', minLength: 1, maxLength: 40 } } },
      response: { 200: Verified, ...problems(404) },
    },
  }, async (request) => {
    const found = await verifyCertificate(app.db, request.params.code);
    if (!found) {
      throw new ApiProblem(404, 'unknown-certificate', 'No certificate has this verification code.', 'مجوز یا گواهی‌ای با این کد بررسی یافت نشد؛ این برگه را معتبر ندانید و کد را دوباره بررسی کنید.');
    }
    return found;
  });
}
