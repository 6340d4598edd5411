// The gateway's callback (a hint: the payment is verified with the gateway
// before the process hears of it) and receipts.
import type { FastifyInstance } from 'fastify';

import { paymentWithRequest } from '../../../../domain/payments/payments.ts';
import { findRequest } from '../../../../domain/requests/rows.ts';
import { ApiProblem } from '../../../plugins/app/problems.ts';
import { problems } from '../../../schemas/problem.ts';
import { typed } from '../../../schemas/type-provider.ts';

const Receipt = {
  type: 'object',
  required: ['paymentId', 'trackingCode', 'amount', 'reference', 'paidAt'],
  properties: {
    paymentId: { type: 'string' }, trackingCode: { type: 'string' }, serviceId: { type: 'string' },
    amount: { type: 'integer', description: 'rials' }, reference: { type: 'string', description: 'bank reference (RRN)' },
    paidAt: { type: 'string', format: 'date-time' },
  },
} as const;

export default async function paymentRoutes(fastify: FastifyInstance) {
  const app = typed(fastify);
  app.get('/callback', {
    schema: {
      tags: ['payments'], summary: 'Where the bank gateway sends the citizen back; verifies, then redirects to the request page',
      querystring: { type: 'object', required: ['token'], properties: { token: { type: 'string', minLength: 1, maxLength: 200 }, orderId: { type: 'string' }, status: { type: 'string' } } },
      response: { 303: { type: 'null' }, ...problems(404) },
    },
  }, async (request, reply) => {
    const result = await app.payments.settle(request.query.token);
    if (result.status === 'unknown') throw new ApiProblem(404, 'unknown-payment', 'No payment has this token.', 'پرداختی با این مشخصات پیدا نشد.');
    const paidFor = await findRequest(app.db, result.requestId);
    return reply.redirect(`/#/requests/${encodeURIComponent(paidFor!.tracking_code)}?payment=${result.status}`, 303);
  });

  app.get('/:paymentId/receipt', {
    config: { normalise: ['params'] },
    onRequest: app.allow('citizen', 'staff'),
    schema: {
      tags: ['payments'], summary: 'Receipt of a paid fee', security: [{ bearer: [] }],
      params: { type: 'object', required: ['paymentId'], properties: { paymentId: { type: 'string', format: 'uuid' } } },
      response: { 200: Receipt, ...problems(401, 404, 409) },
    },
  }, async (request) => {
    const found = await paymentWithRequest(app.db, request.params.paymentId);
    if (!found) throw new ApiProblem(404, 'unknown-payment', 'There is no such payment.', 'چنین پرداختی پیدا نشد.');
    const { payment, trackingCode, serviceId } = found;
    await app.requestFor(request, trackingCode);
    if (payment.status !== 'paid' || !payment.reference || !payment.paid_at) {
      throw new ApiProblem(409, 'not-paid', 'This fee is not paid.', 'این هزینه هنوز پرداخت نشده است.');
    }
    return { paymentId: payment.id, trackingCode, serviceId, amount: Number(payment.amount), reference: payment.reference, paidAt: payment.paid_at };
  });
}
