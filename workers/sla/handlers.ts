// sla.due-date: the request's due date from the catalogue's SLA in working
// days. It counts from the request's filing time, not from now, so a
// re-delivered job answers the same date; the request keeps it too, for the
// figures (SLA met or missed per request).
import type { Knex } from 'knex';
import type { Logger } from '../../platform/logger.ts';
import { findService } from '../../processes/catalogue/index.ts';
import { complete, PermanentFault, required, type JobInput, type JobOutcome } from '../job.ts';
import { findRequestOrFail } from '../request/queries.ts';
import { slaDueDate } from '../../platform/working-calendar.ts';

export interface SlaDeps {
  db: Knex;
  logger: Logger;
}

export function createSlaHandlers({ db }: SlaDeps) {
  return {
    async dueDate(job: JobInput): Promise<JobOutcome> {
      const request = await findRequestOrFail(db, required(job, 'requestId'));
      const serviceId = (job.variables.serviceId as string | undefined) ?? request.service_id;
      const service = findService(serviceId);
      if (!service) throw new PermanentFault(`service "${serviceId}" is not in the catalogue`);
      const row = await db('requests').where({ id: request.id }).select('created_at').first();
      const due = await slaDueDate(db, row.created_at, service.slaWorkingDays);
      await db('requests').where({ id: request.id }).whereNull('due_at').update({ due_at: due });
      return complete({ dueDate: due.toISOString() });
    },
  };
}
