// Binds approval.route.
import type { WorkerDependencies } from '../index.ts';
import { bindJob, familyOf } from '../job.ts';
import { createApprovalHandlers } from './handlers.ts';

export function approvalWorkers({ zeebe, db, logger }: WorkerDependencies) {
  const handlers = createApprovalHandlers({ db, logger });
  return familyOf(['approval.route'], [bindJob(zeebe, logger, 'approval.route', handlers.route)]);
}
