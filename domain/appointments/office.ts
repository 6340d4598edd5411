// A district office as the slot arithmetic needs it: its week, counters and
// holidays, and which counter-slots live bookings hold. Booking, moving and
// choosing read the office through these, so they agree on what is free.
import type { Knex } from 'knex';
import { loadHolidays } from '../../platform/working-calendar.ts';
import { bookingHorizonDays, type OfficeSchedule } from './slots.ts';

export interface OfficeRow {
  id: number;
  district_id: number;
  name_fa: string;
  slot_minutes: number;
}

export interface AppointmentRow {
  id: string;
  request_id: string;
  district_id: number;
  office_id: number | null;
  counter_number: number | null;
  business_key: string;
  starts_at: Date;
  ends_at: Date;
  status: string;
  moves: number;
  reminded_at: Date | null;
  created_at: Date;
  /** Changes whose message the engine has not taken yet, oldest first (see choices.ts). */
  unannounced: string[];
  unannounced_since: Date | null;
}

/** Statuses that hold a counter (the unique index appointments_counter_slot covers the same two). */
export const holdingStatuses = ['booked', 'attended'] as const;

/** Postgres unique violation. */
export const isUniqueViolation = (error: unknown) => (error as { code?: string }).code === '23505';

export async function officeOf(db: Knex, districtId: number): Promise<OfficeRow | undefined> {
  return db('offices').where({ district_id: districtId }).first();
}

/**
 * Locks the district's office row until the transaction ends: every booking
 * and move at one office happens one at a time, so "free" stays free until
 * it is taken.
 */
export async function lockOffice(trx: Knex.Transaction, districtId: number): Promise<OfficeRow | undefined> {
  return trx('offices').where({ district_id: districtId }).forUpdate().first();
}

export async function scheduleOf(db: Knex, office: OfficeRow, from: Date): Promise<OfficeSchedule> {
  const counters = (await db('office_counters').where({ office_id: office.id, active: true }).orderBy('number')).map((row) => row.number as number);
  const hours = new Map<number, { opens: string; closes: string }>();
  for (const row of await db('office_hours').where({ office_id: office.id })) hours.set(row.weekday, { opens: row.opens_at, closes: row.closes_at });
  const holidays = await loadHolidays(db, from, new Date(from.getTime() + (bookingHorizonDays + 2) * 86_400_000));
  return { slotMinutes: office.slot_minutes, counters, hours, holidays };
}

/** Counter-slots held by live bookings from `from` on, as `${startsAt ISO}|${counter}`; `except` leaves one appointment out. */
export async function takenSlots(db: Knex, officeId: number, from: Date, except?: string): Promise<Set<string>> {
  const query = db('appointments').where({ office_id: officeId }).whereIn('status', holdingStatuses).where('starts_at', '>=', from)
    .select('starts_at', 'counter_number');
  if (except) query.whereNot({ id: except });
  return new Set((await query).map((row) => `${(row.starts_at as Date).toISOString()}|${row.counter_number}`));
}
