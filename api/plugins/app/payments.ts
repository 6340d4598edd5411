// Fees: the payment worker creates the payment and its gateway token when a
// process reaches its payment step; the API shows it, sends the citizen to
// the gateway, and on the gateway's callback verifies and tells the process
// (domain/payments/settlement.ts). The gateway is the configured one
// (domain/payments/settings.ts: the sandbox mounted at /sandbox-gateway until
// a bank gateway is configured).
import fp from 'fastify-plugin';
import type { PaymentGateway } from '../../../domain/payments/gateway.ts';
import { paymentsOf, paymentView, type PaymentRow } from '../../../domain/payments/payments.ts';
import { defaultPaymentSettings } from '../../../domain/payments/settings.ts';
import { settlePayment, type SettlementResult } from '../../../domain/payments/settlement.ts';
import type { Logger } from '../../../platform/logger.ts';

declare module 'fastify' {
  interface FastifyInstance {
    payments: PaymentService;
  }
}

export interface PaymentService {
  /** Replaceable, so tests can point it at a sandbox on a port chosen at run time. */
  gateway: PaymentGateway;
  list(requestId: string): Promise<PaymentRow[]>;
  view(row: PaymentRow): ReturnType<typeof paymentView>;
  settle(token: string): Promise<SettlementResult>;
}

export default fp(async (app) => {
  const service: PaymentService = {
    gateway: defaultPaymentSettings(app.config.publicUrl).gateway,
    list: (requestId) => paymentsOf(app.db, requestId),
    view: (row) => paymentView(service.gateway, row),
    settle: (token) => settlePayment({ db: app.db, zeebe: app.zeebe, gateway: service.gateway, logger: app.log as unknown as Logger }, token),
  };
  app.decorate('payments', service);
}, { name: 'payments', dependencies: ['context'] });
