// Binds payment.request and payment.reverse to the configured gateway.
import type { WorkerDependencies } from '../index.ts';
import { bindJob, familyOf } from '../job.ts';
import type { PaymentGateway } from './gateway.ts';
import { createPaymentHandlers } from './handlers.ts';
import { reconcilePendingPayments } from './settlement.ts';
import { SandboxGateway } from './sandbox-gateway.ts';
import { publicUrl } from '../settings.ts';

export interface PaymentSettings {
  gateway: PaymentGateway;
  callbackUrl: string;
}

/**
 * Until config.ts carries the public URL, the sandbox mounted on the API
 * (PUBLIC_URL, default http://localhost:$PORT) is the gateway; see README.
 */
export function defaultPaymentSettings(env: NodeJS.ProcessEnv = process.env): PaymentSettings {
  const base = publicUrl(env);
  return { gateway: new SandboxGateway(`${base}/sandbox-gateway`), callbackUrl: `${base}/api/payments/callback` };
}

export function paymentWorkers(deps: WorkerDependencies, settings: PaymentSettings = defaultPaymentSettings()) {
  const handlers = createPaymentHandlers({ ...deps, ...settings });
  // Every five minutes, verify payments whose callback never came.
  let sweeping: Promise<unknown> = Promise.resolve();
  const sweep = setInterval(() => {
    sweeping = sweeping.then(() => reconcilePendingPayments({ ...deps, gateway: settings.gateway }))
      .catch((error) => deps.logger.error({ err: error }, 'payment reconcile sweep failed'));
  }, 5 * 60 * 1000);
  return familyOf(['payment.request', 'payment.reverse'], [
    bindJob(deps.zeebe, deps.logger, 'payment.request', handlers.request),
    bindJob(deps.zeebe, deps.logger, 'payment.reverse', handlers.reverse),
  ], async () => {
    clearInterval(sweep);
    await sweeping;
  });
}
