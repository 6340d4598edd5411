// payment.request: the fee from the catalogue, then the step's payment and
// the link the citizen pays at (domain/payments/payments.ts).
// payment.reverse: refunds what a cancelled request had paid.
import type { Knex } from 'knex';
import type { Logger } from '../../platform/logger.ts';
import { chargeFee, refundPayments } from '../../domain/payments/payments.ts';
import type { PaymentSettings } from '../../domain/payments/settings.ts';
import { errorCodes } from '../../processes/catalogue/errors.ts';
import { bpmnError, businessKey, complete, required, type JobInput, type JobOutcome } from '../job.ts';
import { findRequestOrFail, formUnlessCarried, serviceOfJob } from '../request/queries.ts';
import { feeDue } from './fee.ts';

export interface PaymentDeps extends PaymentSettings {
  db: Knex;
  logger: Logger;
}

export function createPaymentHandlers({ db, logger, gateway, callbackUrl }: PaymentDeps) {
  return {
    async request(job: JobInput): Promise<JobOutcome> {
      const request = await findRequestOrFail(db, required(job, 'requestId'), ['service_id', ...formUnlessCarried(job)]);
      const service = serviceOfJob(job, request);
      const form = (job.variables.form as Record<string, unknown> | undefined) ?? request.form;
      const amount = feeDue(service.fee, form ?? {});
      if (amount <= 0) return bpmnError(errorCodes.NO_FEE_DUE, `no fee is due for ${service.id}`);
      const citizen = job.variables.citizen as { mobile?: string } | undefined;
      const charged = await chargeFee({ db, gateway, callbackUrl }, {
        businessKey: businessKey(job), requestId: request.id, amount, ...(citizen?.mobile ? { mobile: citizen.mobile } : {}),
      });
      if (charged.kind === 'declined') return bpmnError(errorCodes.PAYMENT_DECLINED, charged.reason);
      logger.info({ paymentId: charged.paymentId, amount, requestId: request.id }, 'payment requested');
      return complete({ paymentId: charged.paymentId, amount, paymentUrl: charged.paymentUrl });
    },

    async reverse(job: JobInput): Promise<JobOutcome> {
      const request = await findRequestOrFail(db, required(job, 'requestId'), []);
      return complete({ reversedPayments: await refundPayments({ db, gateway, logger }, request.id) });
    },
  };
}
