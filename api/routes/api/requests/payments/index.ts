// A request's fees: the list, and where to pay the one that is due.
import type { FastifyInstance } from 'fastify';
import { ApiProblem } from '../../../../plugins/app/problems.ts';
import { TrackingParams } from '../../../../schemas/requests.ts';
import { problems } from '../../../../schemas/problem.ts';
import { typed } from '../../../../schemas/type-provider.ts';

export const PaymentView = {
  type: 'object',
  required: ['id', 'status', 'amount', 'createdAt'],
  properties: {
    id: { type: 'string' }, status: { type: 'string' }, amount: { type: 'integer', description: 'rials' },
    paidAt: { type: ['string', 'null'], format: 'date-time' }, reference: { type: ['string', 'null'] },
    paymentUrl: { type: ['string', 'null'], description: 'The gateway page while the payment is due' },
    createdAt: { type: 'string', format: 'date-time' },
  },
} as const;

const PaymentStart = {
  type: 'object', required: ['paymentId', 'redirectUrl', 'method'],
  properties: { paymentId: { type: 'string' }, redirectUrl: { type: 'string' }, method: { type: 'string', enum: ['GET'] } },
} as const;

export default async function requestPaymentRoutes(fastify: FastifyInstance) {
  const app = typed(fastify);
  app.get('/', {
    config: { normalise: ['params'] },
    onRequest: app.allow('citizen', 'staff'),
    schema: {
      tags: ['payments'], summary: 'The request\'s fees, oldest first', security: [{ bearer: [] }],
      params: TrackingParams, response: { 200: { type: 'array', items: PaymentView }, ...problems(401, 404) },
    },
  }, async (request) => {
    const row = await app.requestFor(request, request.params.trackingCode);
    return (await app.payments.list(row.id)).map(app.payments.view);
  });

  app.post('/', {
    config: { normalise: ['params'] },
    onRequest: app.allow('citizen'),
    schema: {
      tags: ['payments'], summary: 'Where to send the browser to pay the fee that is due', security: [{ bearer: [] }],
      params: TrackingParams,
      body: { type: 'object', properties: { returnUrl: { type: 'string', maxLength: 2000 } } },
      response: { 200: PaymentStart, ...problems(401, 403, 404, 409) },
    },
  }, async (request) => {
    const row = await app.requestFor(request, request.params.trackingCode, 'owner');
    const due = (await app.payments.list(row.id)).map(app.payments.view).reverse().find((payment) => payment.paymentUrl);
    if (!due) throw new ApiProblem(409, 'nothing-due', 'No fee is due on this request now.', 'در این مرحله هزینه‌ای برای پرداخت نیست.');
    return { paymentId: due.id, redirectUrl: due.paymentUrl!, method: 'GET' as const };
  });
}
