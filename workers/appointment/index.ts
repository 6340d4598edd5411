// Binds appointment.book and appointment.remind.
import type { WorkerDependencies } from '../index.ts';
import { bindJob, familyOf } from '../job.ts';
import { createAppointmentHandlers } from './handlers.ts';

export function appointmentWorkers({ zeebe, db, logger }: WorkerDependencies) {
  const handlers = createAppointmentHandlers({ db, logger });
  return familyOf(['appointment.book', 'appointment.remind'], [
    bindJob(zeebe, logger, 'appointment.book', handlers.book),
    bindJob(zeebe, logger, 'appointment.remind', handlers.remind),
  ]);
}
