// The sandbox bank gateway: a real HTTP gateway of our own that behaves like a
// Shaparak PSP (token, payment page with pay and cancel, callback, verify,
// reverse). The API registers `sandboxGatewayPlugin` under a prefix such as
// /sandbox-gateway; its book is domain/payments/sandbox-bank.ts, and
// `SandboxGateway` (domain/payments/sandbox-gateway.ts) is the merchant-side
// client the payment worker and the API use by default and tests use.
import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { Knex } from 'knex';
import { ApiProblem } from '../../../platform/problem.ts';
import {
  decide, findTransaction, openTransaction, reverseTransaction, verifyTransaction, type SandboxTransaction,
} from '../../../domain/payments/sandbox-bank.ts';
import { typed } from '../../schemas/type-provider.ts';

export interface SandboxGatewayOptions {
  db: Knex;
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The bank's page is its own site: one inline style sheet, allowed by its hash, and no script. */
const pageStyle = 'body { font-family: Vazirmatn, Tahoma, sans-serif; max-width: 30rem; margin: 3rem auto }';
const pageStyleHash = `'sha256-${createHash('sha256').update(pageStyle).digest('base64')}'`;

/** The page's policy: its form posts to itself, and the answer redirects to the merchant's callback (a redirect Chromium holds to form-action too). */
function paymentPagePolicy(transaction: SandboxTransaction): string {
  const callback = new URL(transaction.callback_url).origin;
  return `default-src 'none'; style-src ${pageStyleHash}; form-action 'self' ${callback}; base-uri 'none'; frame-ancestors 'none'`;
}

function paymentPage(transaction: SandboxTransaction): string {
  const amount = Number(transaction.amount).toLocaleString('fa-IR');
  return `<!doctype html>
<html lang="fa" dir="rtl">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>درگاه آزمایشی پرداخت</title><style>${pageStyle}</style></head>
<body>
  <h1>درگاه آزمایشی پرداخت</h1>
  <p>این درگاه واقعی نیست و پولی جابه‌جا نمی‌شود.</p>
  <p>مبلغ: <strong>${escapeHtml(amount)} ریال</strong></p>
  <p>شماره سفارش: <code dir="ltr">${escapeHtml(transaction.order_id)}</code></p>
  <form method="post"><input type="hidden" name="action" value="pay"><button type="submit">پرداخت</button></form>
  <form method="post"><input type="hidden" name="action" value="cancel"><button type="submit">انصراف</button></form>
</body>
</html>`;
}

const Token = { type: 'string', pattern: '^[0-9a-f]{32}$' } as const;
const TokenParams = { type: 'object', required: ['token'], properties: { token: Token } } as const;
/** The payment page's form: «پرداخت» sends action=pay; anything else cancels. */
const PayerChoice = { type: 'object', properties: { action: { type: 'string', maxLength: 20 } } } as const;
const TokenBody = { type: 'object', required: ['token'], properties: { token: { type: 'string', maxLength: 200 } } } as const;

const unknownTransaction = () => new ApiProblem(404, 'unknown-transaction', 'There is no such transaction.', 'تراکنش یافت نشد.');

/**
 * Gateway routes: POST token, GET/POST pay/:token, POST verify, POST reverse.
 * Like a PSP's, its business answers (declined, error) are 200s with a
 * status; a request it cannot take at all is a problem document.
 */
export const sandboxGatewayPlugin: FastifyPluginAsync<SandboxGatewayOptions> = async (fastify: FastifyInstance, { db }) => {
  const app = typed(fastify);
  // The payment page posts an HTML form; parse it here without a dependency.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });

  app.post('/token', {
    schema: {
      tags: ['sandbox gateway'],
      body: {
        type: 'object', required: ['orderId', 'amount', 'callbackUrl'],
        properties: {
          orderId: { type: 'string', minLength: 1, maxLength: 200 },
          amount: { type: 'integer', minimum: -Number.MAX_SAFE_INTEGER, maximum: Number.MAX_SAFE_INTEGER },
          callbackUrl: { type: 'string', pattern: '^https?://', maxLength: 2000 },
          mobile: { type: 'string', maxLength: 20 },
        },
      },
    },
  }, async (request, reply) => {
    if (!URL.canParse(request.body.callbackUrl)) {
      throw new ApiProblem(400, 'invalid-input', 'callbackUrl is not a URL.', 'نشانی بازگشت درست نیست.',
        [{ path: '/body/callbackUrl', message: 'must be a URL', messageFa: 'نشانی بازگشت درست نیست.' }]);
    }
    return openTransaction(db, request.body);
  });

  app.get('/pay/:token', { schema: { tags: ['sandbox gateway'], params: TokenParams } }, async (request, reply) => {
    const transaction = await findTransaction(db, request.params.token);
    if (!transaction || transaction.status !== 'created') throw unknownTransaction();
    return reply.type('text/html; charset=utf-8').header('content-security-policy', paymentPagePolicy(transaction)).send(paymentPage(transaction));
  });

  app.post('/pay/:token', {
    schema: { tags: ['sandbox gateway'], params: TokenParams, body: PayerChoice },
  }, async (request, reply) => {
    const transaction = await findTransaction(db, request.params.token);
    if (!transaction) throw unknownTransaction();
    const after = await decide(db, transaction, request.body?.action === 'pay');
    const callback = new URL(transaction.callback_url);
    callback.searchParams.set('token', transaction.token);
    callback.searchParams.set('orderId', transaction.order_id);
    callback.searchParams.set('status', after.status === 'cancelled' ? 'NOK' : 'OK');
    return reply.redirect(callback.toString(), 303);
  });

  app.post('/verify', {
    schema: { tags: ['sandbox gateway'], body: TokenBody },
  }, async (request) => verifyTransaction(db, request.body.token));

  app.post('/reverse', {
    schema: { tags: ['sandbox gateway'], body: TokenBody },
  }, async (request) => reverseTransaction(db, request.body.token));
};
