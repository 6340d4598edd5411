// sla.due-date: the request's due date from the catalogue's SLA in working
// days (domain/requests/due-date.ts), counted from its filing, so a
// re-delivered job answers the same date.
import type { Knex } from 'knex';
import { recordDueDate } from '../../domain/requests/due-date.ts';
import type { Logger } from '../../platform/logger.ts';
import { complete, required, type JobInput, type JobOutcome } from '../job.ts';
import { findRequestOrFail, serviceOfJob } from '../request/queries.ts';

export interface SlaDeps {
  db: Knex;
  logger: Logger;
}

export function createSlaHandlers({ db }: SlaDeps) {
  return {
    async dueDate(job: JobInput): Promise<JobOutcome> {
      const request = await findRequestOrFail(db, required(job, 'requestId'), ['service_id', 'created_at']);
      const service = serviceOfJob(job, request);
      const due = await recordDueDate(db, request, service.slaWorkingDays);
      return complete({ dueDate: due.toISOString() });
    },
  };
}
