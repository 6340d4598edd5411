// Certificates: numbering per district and year, one per element instance,
// a Persian PDF with the embedded font and QR code, public verification.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import t from 'tap';
import { verifyCertificate } from '../../domain/certificates/verification.ts';
import { rightToLeftParagraph, visualRuns, wrapLines } from '../../domain/certificates/bidi.ts';
import { certificatePdf } from '../../domain/certificates/issue.ts';
import { renderCertificatePdf, type CertificateContent } from '../../domain/certificates/pdf.ts';
import { createCertificateHandlers } from '../../workers/certificate/handlers.ts';
import { PermanentFault } from '../../workers/job.ts';
import { createTestDatabase } from '../helpers/database.ts';
import { jobOf, seedRequest, silentLogger, startVariables } from './helpers.ts';

/** The PDF's text layer as poppler's pdftotext reads it (what a screen reader or a copy gets). */
async function pdfText(pdf: Buffer): Promise<string> {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'certificate-'));
  try {
    fs.writeFileSync(path.join(folder, 'c.pdf'), pdf);
    const { stdout } = await promisify(execFile)('pdftotext', ['-enc', 'UTF-8', path.join(folder, 'c.pdf'), '-']);
    return stdout;
  } finally {
    fs.rmSync(folder, { recursive: true, force: true });
  }
}

type Issued = { complete: { certificateId: string; certificateNumber: string; verificationCode: string } };

t.test('UAX #9 line by line: runs in visual order, each in logical order for the shaper', async (t) => {
  const runs = (text: string) => visualRuns(rightToLeftParagraph(text)).map((run) => [run.text, run.rightToLeft ? 'rtl' : 'ltr']);
  t.same(runs('پلاک 21، واحد 3'), [['3', 'ltr'], ['، واحد ', 'rtl'], ['21', 'ltr'], ['پلاک ', 'rtl']], 'numbers keep their digits left to right');
  t.same(runs('نزدیک Hyperstar Mall، طبقه 2'), [['2', 'ltr'], ['، طبقه ', 'rtl'], ['Hyperstar Mall', 'ltr'], ['نزدیک ', 'rtl']], 'a Latin phrase stays one run');
  t.same(runs('واحد (طبقه دوم)'), [['واحد )طبقه دوم(', 'rtl']], 'brackets are mirrored inside right-to-left text');
  t.same(runs('ABCD-EF23-4567'), [['ABCD-EF23-4567', 'ltr']]);

  const text = 'بدین‌وسیله گواهی می‌شود که مریم احمدی به کد ملی 1234567891 مشمول است';
  const lines = wrapLines(text, (start, end) => end - start <= 30);
  t.ok(lines.length > 1, 'wrapped');
  t.equal(lines.map(([start, end]) => text.slice(start, end)).join(' '), text, 'lines break at spaces and lose nothing');
  t.ok(lines.every(([start, end]) => end - start <= 30));
});

t.test('a certificate comes out the same whatever was drawn before it in the process', async (t) => {
  // The fonts' parsed tables are shared between documents; what a font learns
  // while drawing (the code points behind each glyph, the text layer's source)
  // must not be. Drawn between two renderings of the same certificate: ZWNJ,
  // lam-alef, Arabic yeh and kaf (whose joined forms Persian letters share),
  // a no-break space, Latin and Persian digits.
  const content = (value: string): CertificateContent => ({
    title: 'مجوز قطع درخت', number: '12-1405-000042', issuedOn: '8 آذر 1405', districtName: 'منطقه 12', holderName: 'مریم احمدی',
    holderNationalCode: '1234567891', trackingCode: 'SH-1405-ABCD', particulars: [{ label: 'نشانی ملک', value }],
    verificationCode: 'ABCD-EFGH-2345', verificationUrl: 'https://e.mashhad.ir/verify/ABCD-EFGH-2345',
  });
  // The document's date and id are the only bytes that may differ.
  const undated = (pdf: Buffer) => pdf.toString('latin1').replace(/\(D:\d+Z\)/g, '').replace(/\/ID \[<[0-9a-f]+> <[0-9a-f]+>\]/, '');
  const plain = content('کوچه لاله، نزدیک Tower A، پلاک 3 بیت کتاب');
  const before = await renderCertificatePdf(plain);
  await renderCertificatePdf(content('می‌شود لاله‌زار، بيت كتاب، Tower\u00a0A، پلاک ۳ (طبقه دوم)'));
  const after = await renderCertificatePdf(plain);
  t.equal(undated(after), undated(before), 'the same bytes');
  t.equal(await pdfText(after), await pdfText(before), 'the same text layer');
});

t.test('certificate.issue', async (t) => {
  const db = await createTestDatabase(t);
  const now = new Date('2026-11-29T08:00:00Z'); // 1405
  const handlers = createCertificateHandlers({ db, logger: silentLogger, publicUrl: 'https://e.mashhad.ir', now: () => now });

  t.test('numbers run per district and year; a re-delivered job returns the same certificate', async (t) => {
    const request = await seedRequest(db, { serviceId: 'building-permit', districtId: 12, form: { floorArea: 120 } });
    const job = jobOf({ variables: startVariables(request, { floorArea: 120, address: 'بلوار وکیل‌آباد، پلاک ۱۲' }) });
    const first = await handlers.issue(job) as Issued;
    t.same(await handlers.issue(job), first);
    t.equal(first.complete.certificateNumber, '12-1405-000001');
    const second = await handlers.issue(jobOf({ variables: startVariables(request) })) as Issued;
    t.equal(second.complete.certificateNumber, '12-1405-000002');
    const other = await seedRequest(db, { serviceId: 'building-permit', districtId: 3 });
    t.equal((await handlers.issue(jobOf({ variables: startVariables(other) })) as Issued).complete.certificateNumber, '3-1405-000001');
    t.equal((await db('certificates').where({ request_id: request.id })).length, 2);
  });

  t.test('concurrent issues get distinct consecutive numbers', async (t) => {
    const request = await seedRequest(db, { serviceId: 'building-permit', districtId: 6 });
    const issued = await Promise.all(Array.from({ length: 5 }, () => handlers.issue(jobOf({ variables: { ...startVariables(request), districtId: 6 } })))) as Issued[];
    t.same(issued.map((i) => i.complete.certificateNumber).sort(), [1, 2, 3, 4, 5].map((n) => `6-1405-00000${n}`));
  });

  t.test('the PDF embeds Vazirmatn and a QR image; anyone can verify the code', async (t) => {
    const request = await seedRequest(db, { serviceId: 'building-permit', districtId: 12 });
    const issued = await handlers.issue(jobOf({ variables: startVariables(request, { floorArea: 80 }) })) as Issued;
    const pdf = (await certificatePdf(db, issued.complete.certificateId))!;
    const text = pdf.toString('latin1');
    t.equal(text.slice(0, 5), '%PDF-');
    t.match(text, /\/BaseFont \/[A-Z]{6}\+Vazirmatn/);
    t.match(text, /\/FontFile2/);
    t.match(text, /\/Subtype \/Image/);
    t.ok(pdf.length > 10_000);

    const verified = await verifyCertificate(db, issued.complete.verificationCode.toLowerCase());
    t.match(verified, {
      valid: true, number: issued.complete.certificateNumber, serviceId: 'building-permit',
      holderNameMasked: 'مریم ا.', holderNationalCodeMasked: '*******419', revoked: false,
    });
    t.match(verified!.issuedOn, /آذر ۱۴۰۵/);
    t.equal(await verifyCertificate(db, 'AAAA-BBBB-CCCC'), null);
    t.equal(await verifyCertificate(db, "'; drop table certificates; --"), null);

    await db('certificates').where({ id: issued.complete.certificateId }).update({ revoked_at: db.fn.now() });
    t.match(await verifyCertificate(db, issued.complete.verificationCode), { valid: false, revoked: true });
  });

  t.test('the PDF reads in logical order: Persian labels, the answers as entered, Jalali date, district, verify link', async (t) => {
    const form = {
      citizenName: 'مریم احمدی', nationalCode: '1234567891', mobile: '09151234567', postalCode: '9184713456', renewalCode: '12-34-567-8-0-0',
      address: 'بلوار وکیل‌آباد، پلاک 21، واحد 3', treeCount: 3, fellingReason: 'hazard',
    };
    const request = await seedRequest(db, { serviceId: 'tree-felling-permit', districtId: 12, form });
    const issued = await handlers.issue(jobOf({ variables: startVariables(request, form) })) as Issued;
    const text = await pdfText((await certificatePdf(db, issued.complete.certificateId))!);
    // pdftotext marks right-to-left and left-to-right stretches with embedding controls; a reader skips them.
    const plain = text.replace(/[\u202A-\u202E]/g, '');
    const lines = plain.split('\n').map((line) => line.trim()).filter(Boolean);

    t.ok(lines.includes('مجوز قطع درخت'), 'the service name, its words in order');
    t.ok(lines.includes('شهرداری مشهد'));
    t.ok(lines.some((line) => line.startsWith('منطقه')), "the district's name");
    for (const label of ['کد ملی', 'شماره تلفن همراه', 'کد پستی ملک', 'نشانی ملک', 'تعداد درختان', 'علت درخواست قطع', 'شماره مجوز', 'تاریخ صدور', 'کد بررسی']) {
      t.ok(lines.includes(label), `label «${label}»`);
    }
    t.notMatch(plain, /nationalCode|mobile|fellingReason|edoC|elibom/, 'no field keys, nothing reversed');
    t.ok(lines.includes('1234567891'), 'the national code exactly as entered');
    t.ok(lines.includes('09151234567'), 'the mobile exactly as entered');
    t.ok(lines.includes('12-34-567-8-0-0'), 'the renewal code as entered');
    t.ok(lines.includes('خطر سقوط'), "a choice by its option's label, not its value");
    t.ok(lines.includes(issued.complete.certificateNumber), 'the certificate number');
    // Logical order is the order of words and numbers; pdftotext places a space
    // beside a number in a Persian line by its own rule, and drops ZWNJ.
    const words = (text: string) => (text.replace(/\u200C/g, '').match(/\p{L}+|\p{N}+/gu) ?? []).join(' ');
    t.match(words(plain), `مریم احمدی به کد ملی ${request.citizen.nationalCode} مشمول این مجوز`, 'the statement reads in order around the number');
    t.match(words(plain), 'تاریخ صدور 8 آذر 1405', 'the Jalali date, day month year');
    t.ok(lines.some((line) => words(line) === 'بلوار وکیلآباد پلاک 21 واحد 3'), 'the mixed address: its words and numbers in the order typed');
    t.ok(lines.includes(`http://127.0.0.1:3000/verify/${issued.complete.verificationCode}`.replace('http://127.0.0.1:3000', 'https://e.mashhad.ir')), 'the verify page link');
    t.ok(lines.includes(issued.complete.verificationCode), 'the verification code');
  });

  t.test('bad inputs fail permanently', async (t) => {
    const request = await seedRequest(db);
    await t.rejects(handlers.issue(jobOf({ variables: { ...startVariables(request), serviceId: 'nope' } })), PermanentFault);
    await t.rejects(handlers.issue(jobOf({ variables: { ...startVariables(request), districtId: 77 } })), /district 77/);
    await t.rejects(handlers.issue(jobOf({ variables: {} })), /requestId/);
  });
});
