// The appointment process's own steps: booking the earliest free slot, first
// come first served (bookings at one office are serialised by locking the
// office row; a unique index on counter and start time is the backstop), and
// queueing the day-before reminder. A citizen's own choices are choices.ts;
// staff's attendance record is attendance.ts.
import type { Knex } from 'knex';
import { clock, clockNow } from '../../platform/clock.ts';
import { queueNotification } from '../notifications/outbox.ts';
import { reminderText } from '../notifications/templates.ts';
import type { RequestRow } from '../requests/rows.ts';
import { isUniqueViolation, lockOffice, scheduleOf, takenSlots, type AppointmentRow } from './office.ts';
import { earliestFreeSlot } from './slots.ts';

export interface BookingDeps {
  db: Knex;
  now?: () => Date;
  /** A slot starts at least this long after booking, so the citizen can get there. */
  leadMinutes?: number;
}

export type BookingOutcome =
  | { kind: 'booked'; appointment: AppointmentRow }
  /** Someone took the slot between the search and the insert (the diagram's SLOT_TAKEN). */
  | { kind: 'slot-taken' }
  | { kind: 'no-office' };

/**
 * Books the earliest free slot at the district's office under `businessKey`
 * (the step's idempotency key); the same key again answers the same booking.
 * Full for the whole horizon is a capacity problem for people, not an outcome
 * for the citizen: it throws.
 */
export async function bookEarliest(deps: BookingDeps, booking: { requestId: string; districtId: number; businessKey: string }): Promise<BookingOutcome> {
  const { db, now = clock.now, leadMinutes = 60 } = deps;
  const existing = (await db('appointments').where({ business_key: booking.businessKey }).first()) as AppointmentRow | undefined;
  if (existing) return { kind: 'booked', appointment: existing };
  try {
    return await db.transaction(async (trx): Promise<BookingOutcome> => {
      const office = await lockOffice(trx, booking.districtId);
      if (!office) return { kind: 'no-office' };
      const earliest = new Date(now().getTime() + leadMinutes * 60_000);
      const slot = earliestFreeSlot(await scheduleOf(trx, office, earliest), earliest, await takenSlots(trx, office.id, earliest));
      if (!slot) throw new Error(`no free slot at office ${office.id} in the next 30 days`);
      const [row] = await trx('appointments').insert({
        request_id: booking.requestId, district_id: booking.districtId, office_id: office.id, counter_number: slot.counter,
        business_key: booking.businessKey, starts_at: slot.startsAt, ends_at: slot.endsAt,
      }).returning('*');
      return { kind: 'booked', appointment: row as AppointmentRow };
    });
  } catch (error) {
    if (isUniqueViolation(error)) return { kind: 'slot-taken' };
    throw error;
  }
}

/**
 * Queues the day-before SMS of a booked appointment (once per `dedupeKey`) and
 * marks it reminded. A cancelled or settled appointment is not reminded.
 */
export async function queueReminder(
  deps: { db: Knex; now?: () => Date },
  request: Pick<RequestRow, 'id' | 'tracking_code' | 'service_id' | 'citizen_id'>,
  appointmentId: string,
  dedupeKey: string,
): Promise<'reminded' | 'not-booked' | 'unknown'> {
  const { db, now = clock.now } = deps;
  const appointment = await db('appointments').where({ id: appointmentId, request_id: request.id }).first();
  if (!appointment) return 'unknown';
  if (appointment.status !== 'booked') return 'not-booked';
  const citizen = await db('citizens').where({ id: request.citizen_id }).first();
  const office = appointment.office_id ? await db('offices').where({ id: appointment.office_id }).first() : undefined;
  await db.transaction(async (trx) => {
    await queueNotification(trx, {
      requestId: request.id, channel: 'sms', recipient: citizen.mobile, template: 'appointment-reminder',
      body: reminderText({ trackingCode: request.tracking_code, serviceName: request.service_id, now: now(), appointmentAt: appointment.starts_at, ...(office ? { officeName: office.name_fa } : {}) }),
      dedupeKey,
    });
    await trx('appointments').where({ id: appointment.id }).whereNull('reminded_at').update({ reminded_at: clockNow(trx) });
  });
  return 'reminded';
}

/**
 * Cancelling frees the slot at once (the unique index only covers live
 * bookings). Silent: the process is not told; `cancelBooking()` in
 * choices.ts is the citizen's cancel, which tells it.
 */
export async function cancelAppointment(db: Knex, appointmentId: string): Promise<boolean> {
  return (await db('appointments').where({ id: appointmentId, status: 'booked' }).update({ status: 'cancelled' })) > 0;
}
