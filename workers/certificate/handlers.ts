// certificate.issue: a number unique per district and Persian year (a
// running serial taken under a lock, with a unique constraint behind it), a
// random verification code, and the PDF. One certificate per element
// instance, so a re-delivered job returns the same one.
import { randomInt } from 'node:crypto';
import type { Knex } from 'knex';
import { clock } from '../../platform/clock.ts';
import type { Logger } from '../../platform/logger.ts';
import { verificationUrl } from '../../domain/certificates.ts';
import { formAnswers } from '../../domain/form-answers.ts';
import { jalaliDate, jalaliParts, persianDigits } from '../../platform/persian.ts';
import { findService, startFormId } from '../../processes/catalogue/index.ts';
import { readForm, type FormDefinition } from '../../processes/forms/index.ts';
import { businessKey, complete, PermanentFault, required, type JobInput, type JobOutcome } from '../job.ts';
import { findRequestOrFail } from '../request/queries.ts';
import { renderCertificatePdf, type CertificateParticular } from './pdf.ts';

export interface CertificateDeps {
  db: Knex;
  logger: Logger;
  /** Public base of the verify page, e.g. https://e.mashhad.ir; the QR carries `${base}/verify/<code>`. */
  publicUrl: string;
  now?: () => Date;
}

/** Lock namespace for certificate numbering (first argument of pg_advisory_xact_lock). */
const numberingLock = 5_002;
/** Crockford-style alphabet: no 0/O or 1/I/L to misread when typed from paper. */
const codeAlphabet = 'ABCDEFGHJKMNPQRSTVWXYZ23456789';

export function newVerificationCode(): string {
  const chars = Array.from({ length: 12 }, () => codeAlphabet[randomInt(codeAlphabet.length)]);
  return `${chars.slice(0, 4).join('')}-${chars.slice(4, 8).join('')}-${chars.slice(8).join('')}`;
}

export function certificateNumber(districtId: number, year: number, serial: number): string {
  return `${districtId}-${year}-${String(serial).padStart(6, '0')}`;
}

/** The filed answers under the start form's Persian labels; a form the catalogue no longer has prints none. */
function particularsOf(serviceId: string, form: Record<string, unknown>): CertificateParticular[] {
  let definition: FormDefinition;
  try {
    definition = readForm(startFormId(serviceId));
  } catch {
    return [];
  }
  return formAnswers(definition, form).map(({ label, value }) => ({ label, value }));
}

export function createCertificateHandlers({ db, logger, publicUrl, now = clock.now }: CertificateDeps) {
  return {
    async issue(job: JobInput): Promise<JobOutcome> {
      const request = await findRequestOrFail(db, required(job, 'requestId'));
      const serviceId = (job.variables.serviceId as string | undefined) ?? request.service_id;
      const service = findService(serviceId);
      if (!service) throw new PermanentFault(`service "${serviceId}" is not in the catalogue`);
      const districtId = Number(job.variables.districtId ?? request.district_id);
      const key = businessKey(job);
      const existing = await db('certificates').where({ business_key: key }).first();
      if (existing) return complete({ certificateId: existing.id, certificateNumber: existing.number, verificationCode: existing.verification_code });

      const citizen = (job.variables.citizen ?? {}) as { name?: string; nationalCode?: string };
      const citizenRow = await db('citizens').where({ id: request.citizen_id }).first();
      const holderName = citizen.name ?? citizenRow?.name ?? '';
      const holderNationalCode = citizen.nationalCode ?? citizenRow?.national_code ?? '';
      const form = (job.variables.form as Record<string, unknown> | undefined) ?? request.form ?? {};
      const issuedAt = now();
      const year = jalaliParts(issuedAt).year;
      const district = await db('districts').where({ id: districtId }).first();
      if (!district) throw new PermanentFault(`district ${districtId} does not exist`);

      const certificate = await db.transaction(async (trx) => {
        await trx.raw('select pg_advisory_xact_lock(?, ?)', [numberingLock, districtId * 10_000 + year]);
        const again = await trx('certificates').where({ business_key: key }).first();
        if (again) return again;
        const { max } = (await trx('certificates').where({ district_id: districtId, jalali_year: year }).max('serial as max').first()) as { max: number | null };
        const serial = (max ?? 0) + 1;
        const number = certificateNumber(districtId, year, serial);
        const verificationCode = newVerificationCode();
        const pdf = await renderCertificatePdf({
          title: service.name.fa,
          number,
          issuedOn: jalaliDate(issuedAt),
          districtName: district.name_fa,
          holderName,
          holderNationalCode,
          trackingCode: request.tracking_code,
          particulars: particularsOf(service.id, form),
          verificationCode,
          verificationUrl: verificationUrl(publicUrl, verificationCode),
        });
        const [row] = await trx('certificates').insert({
          request_id: request.id, business_key: key, service_id: service.id, district_id: districtId, jalali_year: year, serial, number,
          verification_code: verificationCode, holder_name: holderName, holder_national_code: holderNationalCode, pdf, issued_at: issuedAt,
        }).returning(['id', 'number', 'verification_code']);
        await trx('request_events').insert({
          request_id: request.id, kind: 'certificate-issued', dedupe_key: `certificate:${key}`,
          data: { certificateNumber: number, titleFa: `${service.name.fa} به شماره ${persianDigits(number)} صادر شد` },
        }).onConflict(['request_id', 'dedupe_key']).ignore();
        return row;
      });
      logger.info({ certificateId: certificate.id, number: certificate.number }, 'certificate issued');
      return complete({ certificateId: certificate.id, certificateNumber: certificate.number, verificationCode: certificate.verification_code });
    },
  };
}

/** The PDF for download by the request's owner (the API checks who asks). */
export async function certificatePdf(db: Knex, certificateId: string): Promise<Buffer | null> {
  const row = await db('certificates').where({ id: certificateId }).select('pdf').first();
  return row ? (row.pdf as Buffer) : null;
}
