// Binds request.status and request.close.
import type { WorkerDependencies } from '../index.ts';
import { bindJob, familyOf } from '../job.ts';
import { createRequestHandlers } from './handlers.ts';

export function requestWorkers({ zeebe, db, logger }: WorkerDependencies) {
  const handlers = createRequestHandlers({ db, logger, zeebe });
  return familyOf(['request.status', 'request.close'], [
    bindJob(zeebe, logger, 'request.status', handlers.status),
    bindJob(zeebe, logger, 'request.close', handlers.close),
  ]);
}
