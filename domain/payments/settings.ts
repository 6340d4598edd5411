// Which gateway takes citizens' payments, and where it sends them back: one
// answer for the payment worker and the API alike. Today the sandbox bank the
// API mounts at its public address; see workers/README.md for a production one.
import type { PaymentGateway } from './gateway.ts';
import { SandboxGateway } from './sandbox-gateway.ts';

export interface PaymentSettings {
  gateway: PaymentGateway;
  /** Where the gateway sends the citizen back, e.g. https://e.mashhad.ir/api/payments/callback. */
  callbackUrl: string;
}

/** `base` is the platform's public address (configuration's publicUrl). */
export function defaultPaymentSettings(base: string): PaymentSettings {
  return { gateway: new SandboxGateway(`${base}/sandbox-gateway`), callbackUrl: `${base}/api/payments/callback` };
}
