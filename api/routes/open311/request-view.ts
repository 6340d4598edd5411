// A request as GeoReport publishes it: where it stands and when it is due,
// never who filed it. The citizen's own words (description, address, postal
// code) may hold personal data, so they stay null; lat, long and media_url
// are published when a GeoReport client sent them with the request, since
// they describe the problem, not the person. Dates are in Tehran time with
// their offset, as the specification asks (ISO 8601 with a zone).
import { DateTime } from 'luxon';
import type { Knex } from 'knex';
import type { Service } from '../../../processes/catalogue/index.ts';
import type { RequestOutcome, RequestStatus } from '../../../processes/catalogue/contract.ts';
import { IRAN_TIME_ZONE, jalaliDate, persianDigits } from '../../../platform/persian.ts';
import { addWorkingDays, loadHolidays, slaHorizon } from '../../../platform/working-calendar.ts';
import { ordered, Request } from './schemas.ts';

/** The columns a request's view is made from. */
export interface PublishedRow {
  tracking_code: string; service_id: string; district_id: number; status: string; outcome: string | null;
  created_at: Date; updated_at: Date; closed_at: Date | null;
  lat: number | null; long: number | null; media_url: string | null;
}

/** requests with what a GeoReport client sent beside them. */
export function publishedRows(db: Knex): Knex.QueryBuilder {
  return db('requests as r').leftJoin('open311_requests as o', 'o.request_id', 'r.id').select(
    'r.id', 'r.tracking_code', 'r.service_id', 'r.district_id', 'r.status', 'r.outcome', 'r.created_at', 'r.updated_at', 'r.closed_at',
    'o.lat', 'o.long', 'o.media_url',
  );
}

export function geoReportTime(date: Date): string {
  return DateTime.fromJSDate(date, { zone: IRAN_TIME_ZONE }).toISO({ suppressMilliseconds: true })!;
}

const openNotes: Record<RequestStatus, string> = {
  received: 'درخواست دریافت شده و در نوبت رسیدگی است.',
  'under-review': 'درخواست در حال بررسی است.',
  'awaiting-payment': 'در انتظار پرداخت هزینه خدمت توسط شهروند است.',
  'awaiting-inspection': 'در انتظار بازدید کارشناس از محل است.',
  'awaiting-approval': 'در انتظار تصمیم مسئول مربوط است.',
  'awaiting-correction': 'برای اصلاح اطلاعات یا مدارک به شهروند بازگردانده شده است.',
  'awaiting-appointment': 'در انتظار تعیین نوبت مراجعه حضوری است.',
  'appointment-booked': 'نوبت مراجعه حضوری رزرو شده است.',
  approved: 'تأیید شده و در حال انجام است.',
  rejected: 'رد شده است.',
  closed: 'بسته شده است.',
};

const closedNotes: Record<RequestOutcome, string> = {
  completed: 'رسیدگی انجام شد و درخواست بسته شد.',
  rejected: 'درخواست پس از بررسی رد شد و بسته شد.',
  lapsed: 'درخواست به دلیل سپری‌شدن مهلت اقدام شهروند بسته شد.',
  cancelled: 'درخواست به خواست شهروند لغو شد.',
};

export function statusNotes(row: Pick<PublishedRow, 'status' | 'outcome' | 'closed_at'>): string {
  if (row.closed_at) return closedNotes[row.outcome as RequestOutcome] ?? 'درخواست بسته شد.';
  return openNotes[row.status as RequestStatus] ?? 'درخواست در حال رسیدگی است.';
}

/** What happens next and when, and how a citizen follows it, in Persian. */
export function serviceNotice(service: Service, trackingCode: string, expected: Date): string {
  return `رسیدگی به درخواست «${service.name.fa}» حداکثر ${persianDigits(service.slaWorkingDays)} روز کاری طول می‌کشد (تا ${jalaliDate(expected)}). `
    + `پیگیری با کد رهگیری ${persianDigits(trackingCode)} در درگاه شهرداری یا با تماس با سامانه ۱۳۷.`;
}

/** Due dates of many requests with one holiday lookup. */
export async function expectedDates(db: Knex, rows: Array<{ created_at: Date; slaWorkingDays: number }>): Promise<Date[]> {
  if (rows.length === 0) return [];
  const from = new Date(Math.min(...rows.map((row) => row.created_at.getTime())));
  const to = new Date(Math.max(...rows.map((row) => slaHorizon(row.created_at, row.slaWorkingDays).getTime())));
  const holidays = await loadHolidays(db, from, to);
  return rows.map((row) => addWorkingDays(row.created_at, row.slaWorkingDays, holidays));
}

export interface ViewContext {
  db: Knex;
  service(id: string): Service | undefined;
  districtName(id: number): string;
}

/** Rows as GeoReport requests, in the specification's order. */
export async function requestViews(context: ViewContext, rows: PublishedRow[]): Promise<Record<string, unknown>[]> {
  const services = rows.map((row) => context.service(row.service_id));
  const due = await expectedDates(context.db, rows.flatMap((row, i) => (services[i] ? [{ created_at: row.created_at, slaWorkingDays: services[i]!.slaWorkingDays }] : [])));
  let next = 0;
  return rows.map((row, i) => {
    const service = services[i];
    const expected = service ? due[next++]! : undefined;
    return ordered(Request, {
      service_request_id: row.tracking_code,
      status: row.closed_at ? 'closed' : 'open',
      status_notes: statusNotes(row),
      service_name: service?.name.fa ?? null,
      service_code: row.service_id,
      description: null,
      agency_responsible: `${context.districtName(row.district_id)} شهرداری مشهد`,
      service_notice: service && expected ? serviceNotice(service, row.tracking_code, expected) : null,
      requested_datetime: geoReportTime(row.created_at),
      updated_datetime: geoReportTime(row.updated_at),
      expected_datetime: expected ? geoReportTime(expected) : null,
      address: null,
      address_id: null,
      zipcode: null,
      lat: row.lat ?? null,
      long: row.long ?? null,
      media_url: row.media_url ?? null,
    });
  });
}
