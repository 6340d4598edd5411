// One small interface for Iranian bank gateways (Shaparak PSPs). The flow:
// requestToken -> the citizen's browser goes to redirectUrl -> the gateway
// calls us back (a hint only) -> verify (compare amount and order id) ->
// settle; reverse when the request is cancelled after payment.

export interface TokenRequest {
  /** Our payment id; the gateway's order id. */
  orderId: string;
  /** Rials. Gateways that take toman convert inside their class, nowhere else. */
  amount: number;
  callbackUrl: string;
  mobile?: string;
}

export type TokenResult =
  | { ok: true; token: string }
  /** The gateway refuses this payer or amount: a business outcome (PAYMENT_DECLINED). */
  | { ok: false; reason: string };

export type VerifyResult =
  | { ok: true; orderId: string; amount: number; reference: string }
  | { ok: false; reason: string };

export interface PaymentGateway {
  readonly name: string;
  /** Throws on a technical failure (timeout, 5xx); the job is retried. */
  requestToken(request: TokenRequest): Promise<TokenResult>;
  /** Where the citizen's browser goes for this token (for POST-only gateways, our own auto-submit page). */
  paymentPageUrl(token: string): string;
  /** Asks the gateway what really happened; idempotent on the gateway side. */
  verify(token: string): Promise<VerifyResult>;
  /** For gateways that need an explicit settle after verify; the sandbox settles on verify. */
  settle?(token: string): Promise<void>;
  /** Refunds a verified payment. */
  reverse(token: string): Promise<void>;
}
