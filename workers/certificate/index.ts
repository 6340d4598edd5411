// Binds certificate.issue.
import type { WorkerDependencies } from '../index.ts';
import { bindJob, familyOf } from '../job.ts';
import { publicUrl } from '../settings.ts';
import { createCertificateHandlers } from './handlers.ts';

export function certificateWorkers({ zeebe, db, logger }: WorkerDependencies, base: string = publicUrl()) {
  const handlers = createCertificateHandlers({ db, logger, publicUrl: base });
  return familyOf(['certificate.issue'], [bindJob(zeebe, logger, 'certificate.issue', handlers.issue)]);
}
