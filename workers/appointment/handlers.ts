// appointment.book takes the earliest free slot; appointment.remind queues
// the day-before SMS (domain/appointments/booking.ts). Attendance and a
// citizen's own choices come through the API.
import type { Knex } from 'knex';
import { bookEarliest, queueReminder } from '../../domain/appointments/booking.ts';
import type { AppointmentRow } from '../../domain/appointments/office.ts';
import { reminderTime } from '../../domain/appointments/slots.ts';
import { clock } from '../../platform/clock.ts';
import type { Logger } from '../../platform/logger.ts';
import { errorCodes } from '../../processes/catalogue/errors.ts';
import { bpmnError, businessKey, complete, PermanentFault, required, type JobInput, type JobOutcome } from '../job.ts';
import { findRequestOrFail } from '../request/queries.ts';

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
      const request = await findRequestOrFail(db, required(job, 'requestId'), ['district_id']);
      const districtId = Number(job.variables.districtId ?? request.district_id);
      const outcome = await bookEarliest({ db, now, leadMinutes }, { requestId: request.id, districtId, businessKey: businessKey(job) });
      if (outcome.kind === 'no-office') throw new PermanentFault(`district ${districtId} has no office for appointments`);
      if (outcome.kind === 'slot-taken') return bpmnError(errorCodes.SLOT_TAKEN, 'the slot was taken meanwhile');
      logger.info({ appointmentId: outcome.appointment.id, startsAt: outcome.appointment.starts_at }, 'appointment booked');
      return complete(bookedOutputs(outcome.appointment, now()));
    },

    async remind(job: JobInput): Promise<JobOutcome> {
      const request = await findRequestOrFail(db, required(job, 'requestId'), ['tracking_code', 'service_id', 'citizen_id']);
      const appointmentId = required<string>(job, 'appointmentId');
      const reminded = await queueReminder({ db, now }, request, appointmentId, businessKey(job, 'sms'));
      if (reminded === 'unknown') throw new PermanentFault(`appointment ${appointmentId} of request ${request.id} does not exist`);
      return complete({ reminded: reminded === 'reminded' });
    },
  };
}
