// Binds certificate.issue.
import type { WorkerDependencies } from '../index.ts';
import { bindJob, familyOf } from '../job.ts';
import { createCertificateHandlers } from './handlers.ts';

export function certificateWorkers({ zeebe, db, logger, publicUrl }: WorkerDependencies) {
  const handlers = createCertificateHandlers({ db, logger, publicUrl });
  return familyOf(['certificate.issue'], [bindJob(zeebe, logger, 'certificate.issue', handlers.issue)]);
}
