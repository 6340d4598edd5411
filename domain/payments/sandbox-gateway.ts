// Merchant side of the sandbox bank (api/routes/sandbox-gateway/, its book in
// sandbox-bank.ts): the payment worker's and the API's default gateway until
// a real PSP is configured (settings.ts), and the one tests use.
import type { PaymentGateway, TokenRequest, TokenResult, VerifyResult } from './gateway.ts';

/** Talks to the sandbox bank over HTTP like a PSP client would. */
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
