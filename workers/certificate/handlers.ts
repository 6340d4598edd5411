// certificate.issue: the permit or certificate the request ends with
// (domain/certificates/issue.ts), one per element instance.
import type { Knex } from 'knex';
import { issueCertificate } from '../../domain/certificates/issue.ts';
import type { Logger } from '../../platform/logger.ts';
import { businessKey, complete, PermanentFault, required, type JobInput, type JobOutcome } from '../job.ts';
import { findRequestOrFail, formUnlessCarried, serviceOfJob } from '../request/queries.ts';

export interface CertificateDeps {
  db: Knex;
  logger: Logger;
  /** Public base of the verify page, e.g. https://e.mashhad.ir; the QR carries `${base}/verify/<code>`. */
  publicUrl: string;
  now?: () => Date;
}

export function createCertificateHandlers({ db, logger, publicUrl, now }: CertificateDeps) {
  return {
    async issue(job: JobInput): Promise<JobOutcome> {
      const request = await findRequestOrFail(db, required(job, 'requestId'), ['service_id', 'district_id', 'tracking_code', 'citizen_id', ...formUnlessCarried(job)]);
      const service = serviceOfJob(job, request);
      const districtId = Number(job.variables.districtId ?? request.district_id);
      const certificate = await issueCertificate({ db, publicUrl, ...(now ? { now } : {}) }, {
        businessKey: businessKey(job), request, service, districtId,
        holder: (job.variables.citizen ?? {}) as { name?: string; nationalCode?: string },
        ...(job.variables.form ? { form: job.variables.form as Record<string, unknown> } : {}),
      });
      if (!certificate) throw new PermanentFault(`district ${districtId} does not exist`);
      logger.info({ certificateId: certificate.certificateId, number: certificate.certificateNumber }, 'certificate issued');
      return complete({ ...certificate });
    },
  };
}
