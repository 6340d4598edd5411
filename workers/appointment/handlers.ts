// appointment.book takes the earliest free slot, first come first served
// (bookings at one office are serialised by locking the office row; a unique
// index on counter and start time is the backstop). appointment.remind
// queues the day-before SMS. Attendance and no-shows come from the API
// through attendance.ts; a citizen's own choices (slots, move, cancel, book)
// are in choices.ts.
import type { Knex } from 'knex';
import { clock, clockNow } from '../../platform/clock.ts';
import type { Logger } from '../../platform/logger.ts';
import { errorCodes } from '../../processes/catalogue/errors.ts';
import { bpmnError, businessKey, complete, PermanentFault, required, type JobInput, type JobOutcome } from '../job.ts';
import { queueNotification } from '../../domain/notifications/outbox.ts';
import { reminderText } from '../../domain/notifications/templates.ts';
import { findRequestOrFail } from '../request/queries.ts';
import { isUniqueViolation, lockOffice, scheduleOf, takenSlots, type AppointmentRow } from './office.ts';
import { earliestFreeSlot, reminderTime } from './slots.ts';

export interface AppointmentDeps {
  db: Knex;
  logger: Logger;
  now?: () => Date;
  /** A slot starts at least this long after booking, so the citizen can get there. */
  leadMinutes?: number;
}

function bookedOutputs(appointment: AppointmentRow, now: Date) {
  return {
    appointmentId: appointment.id,
    appointmentAt: appointment.starts_at.toISOString(),
    reminderAt: reminderTime(appointment.starts_at, now).toISOString(),
  };
}

export function createAppointmentHandlers({ db, logger, now = clock.now, leadMinutes = 60 }: AppointmentDeps) {
  return {
    async book(job: JobInput): Promise<JobOutcome> {
      const request = await findRequestOrFail(db, required(job, 'requestId'));
      const key = businessKey(job);
      const existing = (await db('appointments').where({ business_key: key }).first()) as AppointmentRow | undefined;
      if (existing) return complete(bookedOutputs(existing, now()));

      const districtId = Number(job.variables.districtId ?? request.district_id);
      try {
        const booked = await db.transaction(async (trx) => {
          const office = await lockOffice(trx, districtId);
          if (!office) throw new PermanentFault(`district ${districtId} has no office for appointments`);
          const earliest = new Date(now().getTime() + leadMinutes * 60_000);
          const slot = earliestFreeSlot(await scheduleOf(trx, office, earliest), earliest, await takenSlots(trx, office.id, earliest));
          // Full for a month is a capacity problem for people, not a citizen's outcome: fail, retry later, then an incident.
          if (!slot) throw new Error(`no free slot at office ${office.id} in the next 30 days`);
          const [row] = await trx('appointments').insert({
            request_id: request.id, district_id: districtId, office_id: office.id, counter_number: slot.counter,
            business_key: key, starts_at: slot.startsAt, ends_at: slot.endsAt,
          }).returning('*');
          return row as AppointmentRow;
        });
        logger.info({ appointmentId: booked.id, startsAt: booked.starts_at }, 'appointment booked');
        return complete(bookedOutputs(booked, now()));
      } catch (error) {
        if (isUniqueViolation(error)) return bpmnError(errorCodes.SLOT_TAKEN, 'the slot was taken meanwhile');
        throw error;
      }
    },

    async remind(job: JobInput): Promise<JobOutcome> {
      const request = await findRequestOrFail(db, required(job, 'requestId'));
      const appointmentId = required<string>(job, 'appointmentId');
      const appointment = await db('appointments').where({ id: appointmentId, request_id: request.id }).first();
      if (!appointment) throw new PermanentFault(`appointment ${appointmentId} of request ${request.id} does not exist`);
      if (appointment.status !== 'booked') return complete({ reminded: false });
      const citizen = await db('citizens').where({ id: request.citizen_id }).first();
      const office = appointment.office_id ? await db('offices').where({ id: appointment.office_id }).first() : undefined;
      await db.transaction(async (trx) => {
        await queueNotification(trx, {
          requestId: request.id, channel: 'sms', recipient: citizen.mobile, template: 'appointment-reminder',
          body: reminderText({ trackingCode: request.tracking_code, serviceName: request.service_id, now: now(), appointmentAt: appointment.starts_at, ...(office ? { officeName: office.name_fa } : {}) }),
          dedupeKey: businessKey(job, 'sms'),
        });
        await trx('appointments').where({ id: appointment.id }).whereNull('reminded_at').update({ reminded_at: clockNow(trx) });
      });
      return complete({ reminded: true });
    },
  };
}

/**
 * Cancelling frees the slot at once (the unique index only covers live
 * bookings). Silent: the process is not told; `cancelBooking()` in
 * choices.ts is the citizen's cancel, which tells it.
 */
export async function cancelAppointment(db: Knex, appointmentId: string): Promise<boolean> {
  return (await db('appointments').where({ id: appointmentId, status: 'booked' }).update({ status: 'cancelled' })) > 0;
}
