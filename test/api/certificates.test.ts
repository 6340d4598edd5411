// A closed request's certificate: its owner and district staff download it;
// anyone checks it by the code on the paper.
import t from 'tap';
import { signInCitizen, signInStaff, startTestApi } from './helpers.ts';
import { treePruningForm } from './fixtures.ts';

t.test('certificate download and public verification', async (t) => {
  const api = await startTestApi(t);
  const { app } = api;
  const zahra = await signInCitizen(api, '0013542419', '09121234567');
  const reza = await signInCitizen(api, '3974017844', '09351234567');
  const accepted = await app.inject({ method: 'POST', url: '/api/requests', headers: zahra, payload: { serviceId: 'tree-pruning', districtId: 12, form: treePruningForm } });
  t.equal(accepted.statusCode, 201, accepted.body);
  const { trackingCode } = accepted.json();
  const url = `/api/requests/${trackingCode}/certificate`;

  const none = await app.inject({ url, headers: zahra });
  t.equal(none.statusCode, 404, 'nothing issued yet');
  t.match(none.json().detailFa, 'صادر نشده');

  const request = await app.db('requests').where({ tracking_code: trackingCode }).first();
  const pdf = Buffer.from('%PDF-1.7\ncertificate');
  await app.db('certificates').insert({
    request_id: request.id, business_key: 'test:1', service_id: 'tree-pruning', district_id: 12, jalali_year: 1405, serial: 1,
    number: '12-1405-000001', verification_code: 'ABCD-EFGH-JKLM', holder_name: 'زهرا کریمی', holder_national_code: '0013542419', pdf,
  });

  const download = await app.inject({ url, headers: zahra });
  t.equal(download.statusCode, 200);
  t.equal(download.headers['content-type'], 'application/pdf');
  t.same(download.rawPayload, pdf, 'the issued bytes');
  t.equal((await app.inject({ url, headers: await signInStaff(api, 'clerk-12', 'clerk', 12) })).statusCode, 200, 'the district clerk may download it');
  t.equal((await app.inject({ url, headers: reza })).statusCode, 404, 'another citizen may not');
  t.equal((await app.inject({ url })).statusCode, 401, 'nor an anonymous caller');

  const verified = await app.inject({ url: '/api/certificates/verify/abcd-efgh-jklm' });
  t.equal(verified.statusCode, 200, 'anyone can verify, in any letter case');
  t.match(verified.json(), { valid: true, number: '12-1405-000001', holderNationalCodeMasked: '*******419', revoked: false });
  t.notMatch(verified.body, '0013542419', 'the full national code is never shown');
  const unknown = await app.inject({ url: '/api/certificates/verify/ZZZZ-ZZZZ-ZZZZ' });
  t.equal(unknown.statusCode, 404);
  t.match(unknown.json().detailFa, 'یافت نشد');
  t.equal((await app.inject({ url: '/api/certificates/verify/not a code' })).statusCode, 404, 'a malformed code is simply unknown');
  t.match(verified.json(), { holderNameMasked: 'زهرا ک.', districtId: 12, serviceName: 'هرس درختان' }, 'the name masked');

  const page = await app.inject({ url: '/verify/abcd-efgh-jklm' });
  t.equal(page.statusCode, 200, 'the Persian page the QR code opens');
  t.match(page.headers['content-type'], 'text/html');
  t.match(page.body, '<html lang="fa" dir="rtl">');
  t.match(page.body, 'این مجوز معتبر است');
  t.match(page.body, 'زهرا ک.');
  t.match(page.body, '*******419');
  t.match(page.body, '12-1405-000001');
  t.notMatch(page.body, '0013542419');
  t.notMatch(page.body, 'کریمی', 'nor the family name');

  const notValid = await app.inject({ url: '/verify/ZZZZ-ZZZZ-ZZZZ' });
  t.equal(notValid.statusCode, 404);
  t.match(notValid.body, 'مجوزی با این کد یافت نشد');
  const hostile = await app.inject({ url: `/verify/${encodeURIComponent('<script>alert(1)</script>')}` });
  t.equal(hostile.statusCode, 404);
  t.notMatch(hostile.body, '<script>', 'what was typed is shown escaped');

  const typed = await app.inject({ url: '/verify?code=%20abcd-efgh-jklm%20' });
  t.equal(typed.statusCode, 303, 'a code typed into the page');
  t.equal(typed.headers.location, '/verify/ABCD-EFGH-JKLM');
  t.match((await app.inject({ url: '/verify' })).body, 'کد بررسی');

  await app.db('certificates').where({ verification_code: 'ABCD-EFGH-JKLM' }).update({ revoked_at: app.db.fn.now() });
  const revoked = await app.inject({ url: '/verify/ABCD-EFGH-JKLM' });
  t.match(revoked.body, 'باطل شده', 'a revoked one says so');
  t.match((await app.inject({ url: '/api/certificates/verify/ABCD-EFGH-JKLM' })).json(), { valid: false, revoked: true });
});
