// Fees: the payment worker creates the payment and its gateway token when a
// process reaches its payment step; the API shows it, sends the citizen to
// the gateway, and on the gateway's callback verifies and tells the process
// (workers/payment/settlement.ts). The gateway client is the workers' default
// (the sandbox mounted at /sandbox-gateway until a bank gateway is configured).
import fp from 'fastify-plugin';
import { defaultPaymentSettings } from '../../../workers/payment/index.ts';
import type { PaymentGateway } from '../../../workers/payment/gateway.ts';
import { settlePayment, type SettlementResult } from '../../../workers/payment/settlement.ts';
import type { Logger } from '../../../platform/logger.ts';

declare module 'fastify' {
  interface FastifyInstance {
    payments: PaymentService;
  }
}

export interface PaymentRow {
  id: string; request_id: string; amount: string; status: string; gateway: string; gateway_token: string | null;
  reference: string | null; created_at: Date; paid_at: Date | null;
}

export interface PaymentService {
  /** Replaceable, so tests can point it at a sandbox on a port chosen at run time. */
  gateway: PaymentGateway;
  list(requestId: string): Promise<PaymentRow[]>;
  view(row: PaymentRow): { id: string; status: string; amount: number; paidAt: Date | null; reference: string | null; paymentUrl: string | null; createdAt: Date };
  settle(token: string): Promise<SettlementResult>;
}

export default fp(async (app) => {
  const service: PaymentService = {
    gateway: defaultPaymentSettings(app.config.publicUrl).gateway,
    list: (requestId) => app.db<PaymentRow>('payments').where({ request_id: requestId }).orderBy('created_at'),
    view: (row) => ({
      id: row.id, status: row.status, amount: Number(row.amount), paidAt: row.paid_at, reference: row.reference, createdAt: row.created_at,
      paymentUrl: row.gateway_token && ['created', 'pending'].includes(row.status) ? service.gateway.paymentPageUrl(row.gateway_token) : null,
    }),
    settle: (token) => settlePayment({ db: app.db, zeebe: app.zeebe, gateway: service.gateway, logger: app.log as unknown as Logger }, token),
  };
  app.decorate('payments', service);
}, { name: 'payments', dependencies: ['context'] });
