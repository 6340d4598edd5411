// Test data for worker tests: a citizen and a request of their own, and jobs
// built by hand the way the engine would deliver them.
import { randomBytes } from 'node:crypto';
import pino from 'pino';
import type { Knex } from 'knex';
import type { JobInput } from '../../workers/job.ts';

export const silentLogger = pino({ level: process.env.WORKERS_LOG ?? 'silent' });

export interface SeededRequest {
  id: string;
  trackingCode: string;
  serviceId: string;
  districtId: number;
  citizen: { nationalCode: string; mobile: string; name: string };
}

let counter = 0;

export async function seedRequest(
  db: Knex,
  options: { serviceId?: string; districtId?: number; form?: Record<string, unknown> } = {},
): Promise<SeededRequest> {
  const nationalCode = '0013542419';
  const citizen = { nationalCode, mobile: '09121234567', name: 'مریم احمدی' };
  const [row] = await db('citizens').insert({ national_code: nationalCode, mobile: citizen.mobile, name: citizen.name })
    .onConflict('national_code').merge().returning('id');
  const trackingCode = `14050908${randomBytes(3).toString('hex')}`;
  const serviceId = options.serviceId ?? 'tree-pruning';
  const districtId = options.districtId ?? 12;
  const [request] = await db('requests').insert({
    tracking_code: trackingCode, service_id: serviceId, district_id: districtId, channel: 'portal',
    citizen_id: (row as { id: string }).id, form: options.form ?? {},
  }).returning('id');
  return { id: (request as { id: string }).id, trackingCode, serviceId, districtId, citizen };
}

/** A job as the engine would hand it out; keys are fresh unless given. */
export function jobOf(partial: Partial<JobInput> & { variables?: Record<string, unknown> }): JobInput {
  counter++;
  return {
    jobKey: partial.jobKey ?? `2251799813${String(counter).padStart(6, '0')}`,
    processInstanceKey: partial.processInstanceKey ?? `2251799814${String(counter).padStart(6, '0')}`,
    elementInstanceKey: partial.elementInstanceKey ?? `2251799815${String(counter).padStart(6, '0')}`,
    elementId: partial.elementId ?? 'Task_Test',
    bpmnProcessId: partial.bpmnProcessId ?? 'test',
    retries: partial.retries ?? 3,
    headers: partial.headers ?? {},
    variables: partial.variables ?? {},
  };
}

/** The start variables of a seeded request. */
export function startVariables(request: SeededRequest, form: Record<string, unknown> = {}) {
  return {
    requestId: request.id, trackingCode: request.trackingCode, serviceId: request.serviceId,
    districtId: request.districtId, channel: 'portal', citizen: request.citizen, form,
  };
}
