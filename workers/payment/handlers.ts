// payment.request: fee from the catalogue, one payment row per element
// instance (business key), a gateway token, and the link the citizen pays at.
// payment.reverse: refunds what a cancelled request had paid.
import type { Knex } from 'knex';
import { clockNow } from '../../platform/clock.ts';
import type { Logger } from '../../platform/logger.ts';
import { findService } from '../../processes/catalogue/index.ts';
import { errorCodes } from '../../processes/catalogue/errors.ts';
import { bpmnError, businessKey, complete, PermanentFault, required, type JobInput, type JobOutcome } from '../job.ts';
import { findRequestOrFail } from '../request/queries.ts';
import { feeDue } from './fee.ts';
import type { PaymentGateway } from './gateway.ts';

export interface PaymentDeps {
  db: Knex;
  logger: Logger;
  gateway: PaymentGateway;
  /** Where the gateway sends the citizen back, e.g. https://e.mashhad.ir/api/payments/callback. */
  callbackUrl: string;
}

interface PaymentRow {
  id: string;
  request_id: string;
  amount: string;
  status: string;
  gateway: string;
  gateway_token: string | null;
  failure_reason: string | null;
}

/** Creates the payment of this element instance, or returns the one a previous delivery created. */
async function paymentFor(db: Knex, key: string, requestId: string, amount: number, gateway: string): Promise<PaymentRow> {
  await db('payments').insert({ request_id: requestId, business_key: key, amount, gateway }).onConflict('business_key').ignore();
  return (await db('payments').where({ business_key: key }).first()) as PaymentRow;
}

export function createPaymentHandlers({ db, logger, gateway, callbackUrl }: PaymentDeps) {
  return {
    async request(job: JobInput): Promise<JobOutcome> {
      const request = await findRequestOrFail(db, required(job, 'requestId'));
      const serviceId = (job.variables.serviceId as string | undefined) ?? request.service_id;
      const service = findService(serviceId);
      if (!service) throw new PermanentFault(`service "${serviceId}" is not in the catalogue`);
      const form = (job.variables.form as Record<string, unknown> | undefined) ?? request.form;
      const amount = feeDue(service.fee, form ?? {});
      if (amount <= 0) return bpmnError(errorCodes.NO_FEE_DUE, `no fee is due for ${serviceId}`);

      const payment = await paymentFor(db, businessKey(job), request.id, amount, gateway.name);
      if (payment.status === 'failed' && payment.failure_reason?.startsWith('declined')) {
        return bpmnError(errorCodes.PAYMENT_DECLINED, payment.failure_reason);
      }
      let token = payment.gateway_token;
      if (!token) {
        const citizen = job.variables.citizen as { mobile?: string } | undefined;
        // A technical failure here throws: the row stays without a token and the retry asks again with the same order id.
        const answer = await gateway.requestToken({ orderId: payment.id, amount, callbackUrl, ...(citizen?.mobile ? { mobile: citizen.mobile } : {}) });
        if (!answer.ok) {
          await db('payments').where({ id: payment.id }).update({ status: 'failed', failure_reason: `declined: ${answer.reason}` });
          return bpmnError(errorCodes.PAYMENT_DECLINED, answer.reason);
        }
        token = answer.token;
        await db('payments').where({ id: payment.id }).whereNull('gateway_token').update({ gateway_token: token, status: 'pending' });
      }
      logger.info({ paymentId: payment.id, amount, requestId: request.id }, 'payment requested');
      return complete({ paymentId: payment.id, amount, paymentUrl: gateway.paymentPageUrl(token) });
    },

    async reverse(job: JobInput): Promise<JobOutcome> {
      const request = await findRequestOrFail(db, required(job, 'requestId'));
      const ids: string[] = await db('payments').where({ request_id: request.id, status: 'paid' }).pluck('id');
      let reversed = 0;
      for (const id of ids) {
        // The row stays locked while the bank is asked, so an overlapping
        // delivery waits here and then finds it reversed instead of asking
        // again. A crash mid-call rolls back to 'paid' and the retry asks anew.
        const done = await db.transaction(async (trx) => {
          const payment = await trx<PaymentRow>('payments').where({ id, status: 'paid' }).forUpdate().first();
          if (!payment) return false;
          await gateway.reverse(payment.gateway_token!);
          await trx('payments').where({ id }).update({ status: 'reversed', reversed_at: clockNow(trx) });
          return true;
        });
        if (done) {
          reversed += 1;
          logger.info({ paymentId: id }, 'payment reversed');
        }
      }
      return complete({ reversedPayments: reversed });
    },
  };
}
