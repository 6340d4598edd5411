// Queries on requests that several families share.
import type { Knex } from 'knex';
import { PermanentFault } from '../job.ts';

export interface RequestRow {
  id: string;
  tracking_code: string;
  service_id: string;
  district_id: number;
  channel: string;
  status: string;
  form: Record<string, unknown>;
  citizen_id: string;
  outcome: string | null;
  process_instance_key: string | null;
  closed_at: Date | null;
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The request a job is about; a job naming no known request can never succeed, so it fails permanently. */
export async function findRequestOrFail(db: Knex, requestId: unknown): Promise<RequestRow> {
  if (typeof requestId !== 'string' || !uuidPattern.test(requestId)) {
    throw new PermanentFault(`requestId ${JSON.stringify(requestId)} is not a request id`);
  }
  const row = (await db('requests').where({ id: requestId }).first()) as RequestRow | undefined;
  if (!row) throw new PermanentFault(`request ${requestId} does not exist`);
  return row;
}
