// The request a job is about, and its service, for every family.
import type { Knex } from 'knex';
import { findRequest, isRequestId, type RequestRow } from '../../domain/requests/rows.ts';
import { findService, type Service } from '../../processes/catalogue/index.ts';
import { PermanentFault, type JobInput } from '../job.ts';

export type { RequestRow };

/** The request a job is about; a job naming no known request can never succeed, so it fails permanently. */
export async function findRequestOrFail(db: Knex, requestId: unknown): Promise<RequestRow> {
  if (!isRequestId(requestId)) throw new PermanentFault(`requestId ${JSON.stringify(requestId)} is not a request id`);
  const row = await findRequest(db, requestId);
  if (!row) throw new PermanentFault(`request ${requestId} does not exist`);
  return row;
}

/** The service of the job's `serviceId` variable, else the request's; one the catalogue lacks fails permanently. */
export function serviceOfJob(job: JobInput, request: RequestRow): Service {
  const serviceId = (job.variables.serviceId as string | undefined) ?? request.service_id;
  const service = findService(serviceId);
  if (!service) throw new PermanentFault(`service "${serviceId}" is not in the catalogue`);
  return service;
}
