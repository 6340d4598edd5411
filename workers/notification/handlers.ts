// notification.send: renders the template in Persian and writes the outbox
// (domain/notifications/); the sender delivers it. Writing is idempotent per
// element instance and channel, so a re-delivered job queues nothing new.
import type { Knex } from 'knex';
import { clock } from '../../platform/clock.ts';
import type { Logger } from '../../platform/logger.ts';
import { findService } from '../../processes/catalogue/index.ts';
import { notify } from '../../domain/notifications/outbox.ts';
import { isTemplateId, renderTemplate, type TemplateContext } from '../../domain/notifications/templates.ts';
import { businessKey, complete, PermanentFault, required, type JobInput, type JobOutcome } from '../job.ts';
import { findRequestOrFail } from '../request/queries.ts';

export interface Citizen {
  nationalCode?: string;
  mobile?: string;
  name?: string;
  email?: string;
}

export interface NotificationDeps {
  db: Knex;
  logger: Logger;
  /** Clock for the date printed in messages; tests pin it. */
  now?: () => Date;
}

function optionalDate(value: unknown): Date | undefined {
  if (typeof value !== 'string') return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

export function createNotificationHandlers({ db, logger, now = clock.now }: NotificationDeps) {
  return {
    async send(job: JobInput): Promise<JobOutcome> {
      const template = job.headers.template;
      if (!template || !isTemplateId(template)) throw new PermanentFault(`header "template" names no known template: ${JSON.stringify(template)}`);
      const request = await findRequestOrFail(db, required(job, 'requestId'), ['tracking_code', 'service_id']);
      const variables = job.variables;
      const context: TemplateContext = {
        trackingCode: typeof variables.trackingCode === 'string' ? variables.trackingCode : request.tracking_code,
        serviceName: findService(request.service_id)?.name.fa ?? request.service_id,
        now: now(),
        ...(typeof variables.amount === 'number' ? { amount: variables.amount } : {}),
        ...(typeof variables.paymentUrl === 'string' ? { paymentUrl: variables.paymentUrl } : {}),
        ...(optionalDate(variables.appointmentAt) ? { appointmentAt: optionalDate(variables.appointmentAt)! } : {}),
        ...(optionalDate(variables.dueDate) ? { dueDate: optionalDate(variables.dueDate)! } : {}),
        ...(typeof variables.reason === 'string' ? { reason: variables.reason } : {}),
      };
      const body = renderTemplate(template, context);
      const base = { requestId: request.id, template, body, key: businessKey(job) };
      if (typeof variables.recipientGroup === 'string' && variables.recipientGroup) {
        await notify(db, { ...base, to: { staffGroup: variables.recipientGroup } });
        return complete();
      }
      const citizen = required<Citizen>(job, 'citizen');
      if (!citizen.mobile) throw new PermanentFault('variable "citizen" has no mobile');
      await notify(db, { ...base, to: { mobile: citizen.mobile, ...(citizen.email ? { email: citizen.email } : {}) } });
      logger.debug({ template, requestId: request.id }, 'notification queued');
      return complete();
    },
  };
}
