// What anyone holding a certificate may learn from its verification code (a
// bank, a notary, an inspector at the door): valid or not, for what, for whom
// (masked), when and by which district. The JSON route and the Persian verify
// page both read it here; the certificate worker prints the link.
import type { Knex } from 'knex';
import { jalaliDate } from '../../platform/persian.ts';
import { findService } from '../../processes/catalogue/index.ts';

/** The Persian verify page a certificate's QR code and link open. */
export function verificationUrl(publicUrl: string, code: string): string {
  return `${publicUrl}/verify/${code}`;
}

export interface VerifiedCertificate {
  valid: boolean;
  number: string;
  serviceId: string;
  serviceName: string;
  districtId: number;
  districtName: string;
  /** The first name and the initials of the rest. */
  holderNameMasked: string | null;
  /** Only the last three digits: enough to match a card in hand, not to harvest codes. */
  holderNationalCodeMasked: string | null;
  issuedAt: string;
  issuedOn: string;
  revoked: boolean;
}

/** The code as printed (letters in any case, spaces around); null when it cannot be one. */
export function normaliseVerificationCode(code: string): string | null {
  const normalised = code.trim().toUpperCase();
  return /^[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}$/.test(normalised) ? normalised : null;
}

/** A name as a verifier needs it to match the paper, not to find the person: «مریم ا.» for «مریم احمدی». */
export function maskName(name: string): string {
  const [first = '', ...rest] = name.trim().split(/\s+/);
  return [first, ...rest.map((word) => `${[...word][0]}.`)].join(' ');
}

/** What the public may see of the certificate with this code, or null. */
export async function verifyCertificate(db: Knex, code: string): Promise<VerifiedCertificate | null> {
  const normalised = normaliseVerificationCode(code);
  if (!normalised) return null;
  const row = await db('certificates as c').join('districts as d', 'd.id', 'c.district_id')
    .where('c.verification_code', normalised)
    .select('c.number', 'c.service_id', 'c.district_id', 'c.holder_name', 'c.holder_national_code', 'c.issued_at', 'c.revoked_at', 'd.name_fa as district_name')
    .first();
  if (!row) return null;
  return {
    valid: !row.revoked_at,
    number: row.number,
    serviceId: row.service_id,
    serviceName: findService(row.service_id)?.name.fa ?? row.service_id,
    districtId: row.district_id,
    districtName: row.district_name,
    holderNameMasked: row.holder_name ? maskName(row.holder_name) : null,
    holderNationalCodeMasked: row.holder_national_code ? `*******${row.holder_national_code.slice(-3)}` : null,
    issuedAt: (row.issued_at as Date).toISOString(),
    issuedOn: jalaliDate(row.issued_at),
    revoked: Boolean(row.revoked_at),
  };
}
