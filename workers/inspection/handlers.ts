// inspection.assign: a field inspector of the request's district, chosen
// fairly (domain/inspections/visits.ts).
import type { Knex } from 'knex';
import { assignInspector } from '../../domain/inspections/visits.ts';
import type { Logger } from '../../platform/logger.ts';
import { businessKey, complete, required, type JobInput, type JobOutcome } from '../job.ts';
import { findRequestOrFail } from '../request/queries.ts';

export interface InspectionDeps {
  db: Knex;
  logger: Logger;
}

export function createInspectionHandlers({ db, logger }: InspectionDeps) {
  return {
    async assign(job: JobInput): Promise<JobOutcome> {
      const request = await findRequestOrFail(db, required(job, 'requestId'), ['district_id']);
      const districtId = Number(job.variables.districtId ?? request.district_id);
      const { visitId, inspectorUsername } = await assignInspector(db, { requestId: request.id, districtId, businessKey: businessKey(job) });
      logger.info({ visitId, inspector: inspectorUsername }, 'inspector assigned');
      return complete({ inspectorId: inspectorUsername, inspectionVisitId: visitId });
    },
  };
}
