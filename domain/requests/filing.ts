// Filing a request: the row, its `submitted` milestone and the citizen's
// name in one statement, with an idempotency key, only where the district
// offers the service; the start form checked against the service's own
// schema first. The row is committed with no process instance: the table is
// its own start outbox (start.ts).
import { randomInt } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import type { Knex } from 'knex';
import { parseMobile, parseNationalCode, parsePostalCode } from '../../platform/identity.ts';
import { numbered, prepared } from '../../platform/prepared-statements.ts';
import { ApiProblem, fieldErrors } from '../../platform/problem.ts';
import type { Channel } from '../../processes/catalogue/index.ts';
import type { CatalogueService } from '../catalogue/service-catalogue.ts';
import type { RequestRow } from './rows.ts';

export interface CitizenIdentity { id: string; nationalCode: string; mobile: string; name: string | null }

export interface Submission {
  citizen: CitizenIdentity;
  serviceId: string;
  districtId: number;
  channel: Channel;
  form: Record<string, unknown>;
  idempotencyKey?: string;
  filedByStaffId?: string;
}

/** What filing needs of the catalogue: a service's start-form validator, and whether a district offers it. */
export type FilingCatalogue = Pick<CatalogueService, 'get' | 'assertOffered'>;

const channelFa: Record<Channel, string> = { portal: 'درگاه اینترنتی', 'call-centre': 'سامانه ۱۳۷', 'in-person': 'مراجعه حضوری' };

/** 10 digits, first not 0, easy to read out over the phone to 137. */
const newTrackingCode = () => String(randomInt(1_000_000_000, 10_000_000_000));

/** Identity fields of a start form in their stored form (09…, 10-digit codes), as the process should see them. */
function canonicalForm(form: Record<string, unknown>): Record<string, unknown> {
  const parsers: Partial<Record<string, (value: string) => string | null>> = { nationalCode: parseNationalCode, mobile: parseMobile, postalCode: parsePostalCode };
  return Object.fromEntries(Object.entries(form).map(([key, value]) => {
    const parse = parsers[key];
    return [key, parse && typeof value === 'string' ? parse(value) ?? value : value];
  }));
}

// jsonb keeps its own key order, so compare structurally.
const sameJson = (a: unknown, b: unknown) => isDeepStrictEqual(a, b);

/**
 * Files a request in one statement (so one transaction): the row, its
 * `submitted` milestone and the citizen's name if none was known, only if the
 * district offers the service. No row back means the idempotency key was
 * used already or the service is not offered; the caller finds out which.
 */
const fileRequestSql = `
with inserted as (
  insert into requests (tracking_code, service_id, district_id, channel, citizen_id, filed_by_staff_id, form, idempotency_key)
  select ?::text, ?::text, ?::int, ?::text, ?::uuid, ?::uuid, ?::jsonb, ?::text
   where exists (select 1 from district_services o where o.district_id = ? and o.service_id = ? and o.enabled)
  on conflict (citizen_id, idempotency_key) do nothing
  returning *
), milestone as (
  insert into request_events (request_id, kind, dedupe_key, data)
  select id, 'submitted', 'api:submitted', ?::jsonb from inserted
), named as (
  update citizens set name = ?::text where id = ?::uuid and name is null and ?::text is not null and exists (select 1 from inserted)
)
select * from inserted`;
const fileRequestStatement = numbered(fileRequestSql);

/** Fails with field errors under /body/form when the form does not satisfy the service's start form. */
export function checkForm(catalogue: FilingCatalogue, serviceId: string, form: Record<string, unknown>): Record<string, unknown> {
  const { validate } = catalogue.get(serviceId);
  if (!validate(form)) {
    throw new ApiProblem(400, 'invalid-input', 'Some fields of the form are not valid.', 'برخی از موردهای فرم درست پر نشده‌اند.',
      fieldErrors(validate.errors as never, '/body/form'));
  }
  return canonicalForm(form);
}

/**
 * Records the request (and the citizen's name) in one statement. A
 * repeated idempotency key returns the first request; the same key with
 * a different request is refused; a service the district does not offer
 * is refused with the district's words.
 */
export interface FilingDeps {
  db: Knex;
  catalogue: FilingCatalogue;
  /** Told of every request filed (not of a replayed Idempotency-Key): the metrics count them. */
  onFiled?: (request: RequestRow) => void;
}

export async function fileRequest(deps: FilingDeps, submission: Submission): Promise<{ request: RequestRow; replayed: boolean }> {
  const { db, catalogue } = deps;
  const { citizen, serviceId, districtId, channel, idempotencyKey } = submission;
  const form = checkForm(catalogue, serviceId, submission.form);
  const name = typeof form.citizenName === 'string' ? form.citizenName : null;
  for (let attempt = 0; ; attempt++) {
    let inserted: RequestRow | undefined;
    try {
      [inserted] = await prepared<RequestRow>(db, 'file-request', fileRequestStatement, [
        newTrackingCode(), serviceId, districtId, channel, citizen.id, submission.filedByStaffId ?? null, JSON.stringify(form), idempotencyKey ?? null,
        districtId, serviceId,
        JSON.stringify({ channel, channelFa: channelFa[channel] }),
        name, citizen.id, name,
      ]);
    } catch (error) {
      // Two random tracking codes met: try another.
      if ((error as { constraint?: string }).constraint === 'requests_tracking_code_unique' && attempt < 3) continue;
      throw error;
    }
    if (inserted) {
      deps.onFiled?.(inserted);
      return { request: inserted, replayed: false };
    }
    await catalogue.assertOffered(serviceId, districtId);
    if (!idempotencyKey) {
      // Offered after all: an admin switched it on in between. File again.
      if (attempt < 3) continue;
      throw new Error(`request for ${serviceId} in district ${districtId} was not recorded`);
    }
    const existing = await db<RequestRow>('requests').where({ citizen_id: citizen.id, idempotency_key: idempotencyKey }).first();
    if (!existing || existing.service_id !== serviceId || existing.district_id !== districtId || !sameJson(existing.form, form)) {
      throw new ApiProblem(422, 'idempotency-key-reused', 'This Idempotency-Key was used for a different request.',
        'این شناسه تکرار پیش‌تر برای درخواست دیگری به کار رفته است.');
    }
    return { request: existing, replayed: true };
  }
}
