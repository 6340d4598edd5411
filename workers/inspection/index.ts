// Binds inspection.assign.
import type { WorkerDependencies } from '../index.ts';
import { bindJob, familyOf } from '../job.ts';
import { createInspectionHandlers } from './handlers.ts';

export function inspectionWorkers({ zeebe, db, logger }: WorkerDependencies) {
  const handlers = createInspectionHandlers({ db, logger });
  return familyOf(['inspection.assign'], [bindJob(zeebe, logger, 'inspection.assign', handlers.assign)]);
}
