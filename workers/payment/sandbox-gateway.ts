// The sandbox bank gateway: a real HTTP gateway of our own that behaves like a
// Shaparak PSP (token, payment page with pay and cancel, callback, verify,
// reverse). The API registers `sandboxGatewayPlugin` under a prefix such as
// /sandbox-gateway; `SandboxGateway` is the merchant-side client the payment
// worker uses by default and in tests.
import { randomBytes, randomInt } from 'node:crypto';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { Knex } from 'knex';
import { ApiProblem } from '../../platform/problem.ts';
import type { PaymentGateway, TokenRequest, TokenResult, VerifyResult } from './gateway.ts';

export interface SandboxGatewayOptions {
  db: Knex;
}

interface Transaction {
  token: string;
  order_id: string;
  amount: string | number;
  callback_url: string;
  status: 'created' | 'paid' | 'cancelled' | 'verified' | 'reversed';
  reference: string | null;
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function paymentPage(transaction: Transaction): string {
  const amount = Number(transaction.amount).toLocaleString('fa-IR');
  return `<!doctype html>
<html lang="fa" dir="rtl">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>درگاه آزمایشی پرداخت</title></head>
<body style="font-family: Vazirmatn, Tahoma, sans-serif; max-width: 30rem; margin: 3rem auto">
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
const TokenBody = { type: 'object', required: ['token'], properties: { token: { type: 'string', maxLength: 200 } } } as const;

const unknownTransaction = () => new ApiProblem(404, 'unknown-transaction', 'There is no such transaction.', 'تراکنش یافت نشد.');

/**
 * Gateway routes: POST token, GET/POST pay/:token, POST verify, POST reverse.
 * Like a PSP's, its business answers (declined, error) are 200s with a
 * status; a request it cannot take at all is a problem document.
 */
export const sandboxGatewayPlugin: FastifyPluginAsync<SandboxGatewayOptions> = async (app: FastifyInstance, { db }) => {
  // The payment page posts an HTML form; parse it here without a dependency.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });

  const find = (token: string) => db<Transaction>('sandbox_gateway_transactions').where({ token }).first();

  app.post<{ Body: { orderId: string; amount: number; callbackUrl: string } }>('/token', {
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
    const { orderId, amount, callbackUrl } = request.body;
    if (!URL.canParse(callbackUrl)) {
      throw new ApiProblem(400, 'invalid-input', 'callbackUrl is not a URL.', 'نشانی بازگشت درست نیست.',
        [{ path: '/body/callbackUrl', message: 'must be a URL', messageFa: 'نشانی بازگشت درست نیست.' }]);
    }
    // Like real PSPs: tiny amounts are refused (a business answer, not an error).
    if (amount < 10_000) return { status: 'declined', reason: 'amount below the gateway minimum of 10,000 rials' };
    const existing = await db<Transaction>('sandbox_gateway_transactions').where({ order_id: orderId }).first();
    if (existing) {
      if (Number(existing.amount) !== amount) throw new ApiProblem(409, 'order-reused', 'The order id was used with another amount.', 'این شماره سفارش با مبلغ دیگری به کار رفته است.');
      return { status: 'ok', token: existing.token };
    }
    const token = randomBytes(16).toString('hex');
    await db('sandbox_gateway_transactions').insert({ token, order_id: orderId, amount, callback_url: callbackUrl });
    return { status: 'ok', token };
  });

  app.get<{ Params: { token: string } }>('/pay/:token', { schema: { tags: ['sandbox gateway'], params: TokenParams } }, async (request, reply) => {
    const transaction = await find(request.params.token);
    if (!transaction || transaction.status !== 'created') throw unknownTransaction();
    return reply.type('text/html; charset=utf-8').send(paymentPage(transaction));
  });

  app.post<{ Params: { token: string }; Body: { action?: string } }>('/pay/:token', {
    schema: { tags: ['sandbox gateway'], params: TokenParams },
  }, async (request, reply) => {
    const transaction = await find(request.params.token);
    if (!transaction) throw unknownTransaction();
    if (transaction.status === 'created') {
      const paid = request.body?.action === 'pay';
      await db('sandbox_gateway_transactions').where({ token: transaction.token, status: 'created' }).update(
        paid ? { status: 'paid', reference: String(randomInt(100_000_000, 999_999_999)) } : { status: 'cancelled' },
      );
    }
    const after = (await find(transaction.token))!;
    const callback = new URL(transaction.callback_url);
    callback.searchParams.set('token', transaction.token);
    callback.searchParams.set('orderId', transaction.order_id);
    callback.searchParams.set('status', after.status === 'cancelled' ? 'NOK' : 'OK');
    return reply.redirect(callback.toString(), 303);
  });

  app.post<{ Body: { token: string } }>('/verify', {
    schema: { tags: ['sandbox gateway'], body: TokenBody },
  }, async (request) => {
    const token = request.body.token;
    await db('sandbox_gateway_transactions').where({ token, status: 'paid' }).update({ status: 'verified' });
    const transaction = await find(token);
    if (!transaction) return { status: 'error', reason: 'unknown token' };
    if (transaction.status !== 'verified') return { status: 'error', reason: `transaction is ${transaction.status}` };
    return { status: 'ok', orderId: transaction.order_id, amount: Number(transaction.amount), reference: transaction.reference };
  });

  app.post<{ Body: { token: string } }>('/reverse', {
    schema: { tags: ['sandbox gateway'], body: TokenBody },
  }, async (request) => {
    const updated = await db('sandbox_gateway_transactions').where({ token: request.body.token }).whereIn('status', ['verified', 'reversed']).update({ status: 'reversed' });
    return updated > 0 ? { status: 'ok' } : { status: 'error', reason: 'nothing to reverse' };
  });
};

/** Merchant side of the sandbox: talks to the plugin over HTTP like a PSP client would. */
export class SandboxGateway implements PaymentGateway {
  readonly name = 'sandbox';

  /** `baseUrl` is where the plugin is mounted, e.g. http://localhost:3000/sandbox-gateway. */
  constructor(private readonly baseUrl: string, private readonly timeoutMs = 10_000) {}

  private async call<T>(path: string, body: unknown): Promise<T> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    if (!response.ok) throw new Error(`sandbox gateway ${path} answered ${response.status}`);
    return (await response.json()) as T;
  }

  async requestToken(request: TokenRequest): Promise<TokenResult> {
    const answer = await this.call<{ status: string; token?: string; reason?: string }>('/token', request);
    if (answer.status === 'declined') return { ok: false, reason: answer.reason ?? 'declined' };
    if (answer.status !== 'ok' || !answer.token) throw new Error(`sandbox gateway refused a token: ${answer.reason ?? answer.status}`);
    return { ok: true, token: answer.token };
  }

  paymentPageUrl(token: string): string {
    return `${this.baseUrl}/pay/${token}`;
  }

  async verify(token: string): Promise<VerifyResult> {
    const answer = await this.call<{ status: string; orderId?: string; amount?: number; reference?: string; reason?: string }>('/verify', { token });
    if (answer.status !== 'ok') return { ok: false, reason: answer.reason ?? answer.status };
    return { ok: true, orderId: answer.orderId!, amount: answer.amount!, reference: answer.reference! };
  }

  async reverse(token: string): Promise<void> {
    const answer = await this.call<{ status: string; reason?: string }>('/reverse', { token });
    if (answer.status !== 'ok') throw new Error(`sandbox gateway could not reverse: ${answer.reason}`);
  }
}
