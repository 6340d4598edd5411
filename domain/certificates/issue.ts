// Issuing the permit or certificate a request ends with: a number unique per
// district and Persian year (a running serial taken under a lock, with a
// unique constraint behind it), a random verification code, the PDF, and a
// line on the timeline. One certificate per business key (the step's element
// instance), so a re-delivered job returns the same one.
import { randomInt } from 'node:crypto';
import type { Knex } from 'knex';
import { clock } from '../../platform/clock.ts';
import { jalaliDate, jalaliParts, persianDigits } from '../../platform/persian.ts';
import { startFormId } from '../../processes/catalogue/index.ts';
import type { Service } from '../../processes/catalogue/types.ts';
import { readForm, type FormDefinition } from '../../processes/forms/index.ts';
import { formAnswers } from '../requests/form-answers.ts';
import type { RequestRow } from '../requests/rows.ts';
import { renderCertificatePdf, type CertificateParticular } from './pdf.ts';
import { verificationUrl } from './verification.ts';

export interface IssueDeps {
  db: Knex;
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

export interface IssuedCertificate { certificateId: string; certificateNumber: string; verificationCode: string }

export interface Issue {
  /** The step's idempotency key (processInstanceKey:elementInstanceKey). */
  businessKey: string;
  request: Pick<RequestRow, 'id' | 'tracking_code' | 'citizen_id' | 'form'>;
  service: Pick<Service, 'id' | 'name'>;
  districtId: number;
  /** Who the certificate is for as the process knows them; the citizen's stored record fills what it lacks. */
  holder: { name?: string; nationalCode?: string };
  /** The answers to print: the process's copy of the start form, else the filed one. */
  form?: Record<string, unknown>;
}

const issued = (row: { id: string; number: string; verification_code: string }): IssuedCertificate =>
  ({ certificateId: row.id, certificateNumber: row.number, verificationCode: row.verification_code });

/** Issues the certificate of `issue.businessKey`, or answers the one issued before; undefined when the district does not exist. */
export async function issueCertificate(deps: IssueDeps, issue: Issue): Promise<IssuedCertificate | undefined> {
  const { db, publicUrl, now = clock.now } = deps;
  const { businessKey: key, request, service, districtId } = issue;
  const existing = await db('certificates').where({ business_key: key }).first();
  if (existing) return issued(existing);

  const citizenRow = await db('citizens').where({ id: request.citizen_id }).first();
  const holderName = issue.holder.name ?? citizenRow?.name ?? '';
  const holderNationalCode = issue.holder.nationalCode ?? citizenRow?.national_code ?? '';
  const form = issue.form ?? request.form ?? {};
  const issuedAt = now();
  const year = jalaliParts(issuedAt).year;
  const district = await db('districts').where({ id: districtId }).first();
  if (!district) return undefined;

  return db.transaction(async (trx) => {
    await trx.raw('select pg_advisory_xact_lock(?, ?)', [numberingLock, districtId * 10_000 + year]);
    const again = await trx('certificates').where({ business_key: key }).first();
    if (again) return issued(again);
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
    return issued(row);
  });
}

/** The PDF of a certificate, by its id. */
export async function certificatePdf(db: Knex, certificateId: string): Promise<Buffer | null> {
  const row = await db('certificates').where({ id: certificateId }).select('pdf').first();
  return row ? (row.pdf as Buffer) : null;
}

/** The certificate a request ended with, the latest when there are several; the API checks who asks. */
export async function latestCertificate(db: Knex, requestId: string): Promise<{ number: string; pdf: Buffer } | undefined> {
  return db('certificates').where({ request_id: requestId }).orderBy('issued_at', 'desc').first('number', 'pdf');
}
