// Binds sla.due-date.
import type { WorkerDependencies } from '../index.ts';
import { bindJob, familyOf } from '../job.ts';
import { createSlaHandlers } from './handlers.ts';

export function slaWorkers({ zeebe, db, logger }: WorkerDependencies) {
  const handlers = createSlaHandlers({ db, logger });
  return familyOf(['sla.due-date'], [bindJob(zeebe, logger, 'sla.due-date', handlers.dueDate)]);
}
