// approval.route: the candidate group of the role the catalogue names as the
// service's approver, in the request's district (district-<n>:<role>).
import type { Knex } from 'knex';
import { candidateGroup } from '../../domain/user-tasks/task-list.ts';
import type { Logger } from '../../platform/logger.ts';
import { complete, PermanentFault, required, type JobInput, type JobOutcome } from '../job.ts';
import { findRequestOrFail, serviceOfJob } from '../request/queries.ts';

export interface ApprovalDeps {
  db: Knex;
  logger: Logger;
}

export function createApprovalHandlers({ db }: ApprovalDeps) {
  return {
    async route(job: JobInput): Promise<JobOutcome> {
      const request = await findRequestOrFail(db, required(job, 'requestId'), ['service_id', 'district_id']);
      const service = serviceOfJob(job, request);
      if (!service.approver) throw new PermanentFault(`service "${service.id}" names no approver; its diagram should have no approval step`);
      const districtId = Number(job.variables.districtId ?? request.district_id);
      return complete({ approvalGroup: candidateGroup(districtId, service.approver) });
    },
  };
}
