// Certificates: numbering per district and year, one per element instance,
// a Persian PDF with the embedded font and QR code, public verification.
import { createRequire } from 'node:module';
import t from 'tap';
import { forReversingLayout } from '../../workers/certificate/bidi.ts';
import { certificatePdf, createCertificateHandlers, verifyCertificate } from '../../workers/certificate/handlers.ts';
import { PermanentFault } from '../../workers/job.ts';
import { createTestDatabase } from '../helpers/database.ts';
import { jobOf, seedRequest, silentLogger, startVariables } from './helpers.ts';

type Issued = { complete: { certificateId: string; certificateNumber: string; verificationCode: string } };

t.test('numbers and codes keep left-to-right order inside a reversed Persian line', async (t) => {
  t.equal(forReversingLayout('شماره: ۱۲-۱۴۰۵-۰۰۰۰۰۷ صادر شد'), 'شماره: ۷۰۰۰۰۰-۵۰۴۱-۲۱ صادر شد');
  t.equal(forReversingLayout('کد AB12'), 'کد 21BA');
  const twice = [...forReversingLayout('کد ملی 0013542419')].reverse().join('');
  t.match(twice, /0013542419/);
});

t.test('laid out by fontkit (what pdfkit draws with), the glyphs read right to left with numbers and codes left to right', async (t) => {
  // fontkit comes with pdfkit; loaded untyped because it is not a direct dependency.
  const require = createRequire(import.meta.url);
  const fontkit = require('fontkit') as { openSync(path: string): { layout(text: string): { glyphs: Array<{ codePoints: number[] }> } } };
  const font = fontkit.openSync(require.resolve('vazirmatn/fonts/ttf/Vazirmatn-Regular.ttf'));
  const drawn = (text: string) => font.layout(forReversingLayout(text)).glyphs.map((glyph) => String.fromCodePoint(...glyph.codePoints)).join('');
  t.equal(drawn('شماره ۱۲۳'), '۱۲۳ هرامش', 'left to right on the page: the number, then the word ending at the right');
  t.equal(drawn('کد AB12 تمام'), 'مامت AB12 دک');
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
      holderName: 'مریم احمدی', holderNationalCodeMasked: '*******419', revoked: false,
    });
    t.match(verified!.issuedOn, /آذر ۱۴۰۵/);
    t.equal(await verifyCertificate(db, 'AAAA-BBBB-CCCC'), null);
    t.equal(await verifyCertificate(db, "'; drop table certificates; --"), null);

    await db('certificates').where({ id: issued.complete.certificateId }).update({ revoked_at: db.fn.now() });
    t.match(await verifyCertificate(db, issued.complete.verificationCode), { valid: false, revoked: true });
  });

  t.test('bad inputs fail permanently', async (t) => {
    const request = await seedRequest(db);
    await t.rejects(handlers.issue(jobOf({ variables: { ...startVariables(request), serviceId: 'nope' } })), PermanentFault);
    await t.rejects(handlers.issue(jobOf({ variables: { ...startVariables(request), districtId: 77 } })), /district 77/);
    await t.rejects(handlers.issue(jobOf({ variables: {} })), /requestId/);
  });
});
