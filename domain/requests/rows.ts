// A row of `requests` as PostgreSQL holds it: the one type every module that
// reads a request shares.
import type { Knex } from 'knex';
import type { Channel } from '../../processes/catalogue/index.ts';

export interface RequestRow {
  id: string;
  tracking_code: string;
  service_id: string;
  district_id: number;
  channel: Channel;
  status: string;
  citizen_id: string;
  filed_by_staff_id: string | null;
  form: Record<string, unknown>;
  idempotency_key: string | null;
  process_instance_key: string | null;
  outcome: string | null;
  created_at: Date;
  updated_at: Date;
  closed_at: Date | null;
  start_leased_until: Date | null;
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether a value can be a request id at all (a job's variable may hold anything). */
export const isRequestId = (value: unknown): value is string => typeof value === 'string' && uuidPattern.test(value);

export async function findRequest(db: Knex, requestId: string): Promise<RequestRow | undefined> {
  return db<RequestRow>('requests').where({ id: requestId }).first();
}

/** Only the named columns of a request: a step that needs its district or service does not read (and parse) its form. */
export async function findRequestColumns<C extends keyof RequestRow>(db: Knex, requestId: string, columns: readonly C[]): Promise<Pick<RequestRow, C> | undefined> {
  return await db('requests').where({ id: requestId }).first(columns as readonly string[]) as Pick<RequestRow, C> | undefined;
}

export async function requestByTrackingCode(db: Knex, trackingCode: string): Promise<RequestRow | undefined> {
  return db<RequestRow>('requests').where({ tracking_code: trackingCode }).first();
}
