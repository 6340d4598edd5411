// Binds payment.request and payment.reverse to the configured gateway, and
// runs the sweep for callbacks that never came.
import { defaultPaymentSettings, type PaymentSettings } from '../../domain/payments/settings.ts';
import { announceUnheardPayments, reconcilePendingPayments } from '../../domain/payments/settlement.ts';
import type { WorkerDependencies } from '../index.ts';
import { bindJob, familyOf } from '../job.ts';
import { createPaymentHandlers } from './handlers.ts';

export function paymentWorkers(deps: WorkerDependencies, settings: PaymentSettings = defaultPaymentSettings(deps.publicUrl)) {
  const handlers = createPaymentHandlers({ ...deps, ...settings });
  // Every five minutes, verify payments whose callback never came, and tell
  // processes of settled payments they did not hear of.
  let sweeping: Promise<unknown> = Promise.resolve();
  const sweep = setInterval(() => {
    sweeping = sweeping.then(() => reconcilePendingPayments({ ...deps, gateway: settings.gateway }))
      .then(() => announceUnheardPayments(deps))
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
