// The request a job is about, and its service, for every family.
import type { Knex } from 'knex';
import { findRequestColumns, isRequestId, type RequestRow } from '../../domain/requests/rows.ts';
import { findService, type Service } from '../../processes/catalogue/index.ts';
import { PermanentFault, type JobInput } from '../job.ts';

export type { RequestRow };

/**
 * The columns a step needs of the request a job is about (always its id); a
 * job naming no known request can never succeed, so it fails permanently.
 */
export async function findRequestOrFail<C extends keyof RequestRow>(db: Knex, requestId: unknown, columns: readonly C[]): Promise<Pick<RequestRow, C | 'id'>> {
  if (!isRequestId(requestId)) throw new PermanentFault(`requestId ${JSON.stringify(requestId)} is not a request id`);
  const row = await findRequestColumns(db, requestId, ['id', ...columns] as const);
  if (!row) throw new PermanentFault(`request ${requestId} does not exist`);
  return row;
}

/** `form` among the columns to read, unless the job carries the form as a variable (which then wins). */
export const formUnlessCarried = (job: JobInput): Array<'form'> => (job.variables.form ? [] : ['form']);

/** The service of the job's `serviceId` variable, else the request's; one the catalogue lacks fails permanently. */
export function serviceOfJob(job: JobInput, request: Pick<RequestRow, 'service_id'>): Service {
  const serviceId = (job.variables.serviceId as string | undefined) ?? request.service_id;
  const service = findService(serviceId);
  if (!service) throw new PermanentFault(`service "${serviceId}" is not in the catalogue`);
  return service;
}
