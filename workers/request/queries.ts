// The request a job is about, for every family.
import type { Knex } from 'knex';
import { findRequest, isRequestId, type RequestRow } from '../../domain/requests/rows.ts';
import { PermanentFault } from '../job.ts';

export type { RequestRow };

/** The request a job is about; a job naming no known request can never succeed, so it fails permanently. */
export async function findRequestOrFail(db: Knex, requestId: unknown): Promise<RequestRow> {
  if (!isRequestId(requestId)) throw new PermanentFault(`requestId ${JSON.stringify(requestId)} is not a request id`);
  const row = await findRequest(db, requestId);
  if (!row) throw new PermanentFault(`request ${requestId} does not exist`);
  return row;
}
