// Binds appointment.book and appointment.remind, and sweeps for citizens'
// appointment changes the engine has not been told of.
import type { WorkerDependencies } from '../index.ts';
import { bindJob, familyOf } from '../job.ts';
import { announceUnannounced } from '../../domain/appointments/announcements.ts';
import { createAppointmentHandlers } from './handlers.ts';

/** How often the sweep looks; a change waits at most about this long (plus its few seconds of grace) after a crash. */
export const announceSweepMs = 15_000;

export interface AppointmentWorkerOptions {
  sweepEveryMs?: number;
  /** The clock slots are booked by; tests fix it so the earliest slot does not move under them. */
  now?: () => Date;
}

export function appointmentWorkers({ zeebe, db, logger }: WorkerDependencies, { sweepEveryMs = announceSweepMs, now }: AppointmentWorkerOptions = {}) {
  const handlers = createAppointmentHandlers({ db, logger, ...(now ? { now } : {}) });
  let sweeping: Promise<unknown> = Promise.resolve();
  const sweep = setInterval(() => {
    sweeping = sweeping.then(() => announceUnannounced({ db, zeebe, logger, ...(now ? { now } : {}) }))
      .then((announced) => { if (announced.length) logger.info({ appointmentIds: announced }, 'announced appointment changes left unannounced'); })
      .catch((error) => logger.error({ err: error }, 'appointment announcement sweep failed'));
  }, sweepEveryMs);
  return familyOf(['appointment.book', 'appointment.remind'], [
    bindJob(zeebe, logger, 'appointment.book', handlers.book),
    bindJob(zeebe, logger, 'appointment.remind', handlers.remind),
  ], async () => {
    clearInterval(sweep);
    await sweeping;
  });
}
