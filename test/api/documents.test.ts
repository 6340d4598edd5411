// Documents: PDF/JPEG/PNG only (by content, not just by name), 10 MB at most,
// SHA-256 recorded, readable by the owner and the district's staff only.
import { createHash } from 'node:crypto';
import t from 'tap';
import { signInCitizen, signInStaff, startTestApi } from './helpers.ts';
import { multipart, treePruningForm } from './fixtures.ts';

const pdf = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.from('sample pdf body')]);

t.test('documents', async (t) => {
  const api = await startTestApi(t);
  const { app } = api;
  const zahra = await signInCitizen(api, '0013542419', '09121234567');
  const reza = await signInCitizen(api, '3974017844', '09351234567');
  const accepted = await app.inject({ method: 'POST', url: '/api/requests', headers: zahra, payload: { serviceId: 'tree-pruning', districtId: 12, form: treePruningForm } });
  const base = `/api/requests/${accepted.json().trackingCode}/documents`;
  const upload = (headers: Record<string, string>, kind: string, body: ReturnType<typeof multipart>) =>
    app.inject({ method: 'POST', url: `${base}?kind=${kind}`, headers: { ...headers, ...body.headers }, payload: body.payload });

  const response = await upload(zahra, 'photo', multipart('نامه.pdf', 'application/pdf', pdf));
  t.equal(response.statusCode, 201, response.body);
  const document = response.json();
  t.match(document, { kind: 'photo', filename: 'نامه.pdf', contentType: 'application/pdf', size: pdf.length, sha256: createHash('sha256').update(pdf).digest('hex') });

  t.equal((await upload(zahra, 'photo', multipart('x.exe', 'application/x-msdownload', Buffer.from('MZ')))).statusCode, 415, 'not an accepted type');
  const disguised = await upload(zahra, 'photo', multipart('x.pdf', 'application/pdf', Buffer.from('MZ not a pdf')));
  t.equal(disguised.statusCode, 415, 'a type the bytes contradict');
  t.match(disguised.json().detailFa, 'محتوای پرونده');
  const big = Buffer.concat([Buffer.from('%PDF-'), Buffer.alloc(10 * 1024 * 1024 + 10)]);
  t.equal((await upload(zahra, 'photo', multipart('big.pdf', 'application/pdf', big))).statusCode, 413, 'over 10 MB');
  t.equal((await upload(zahra, 'tax-return', multipart('a.pdf', 'application/pdf', pdf))).statusCode, 422, 'a kind the service does not take');
  t.equal((await app.inject({ method: 'POST', url: `${base}?kind=photo`, headers: zahra, payload: { file: 'x' } })).statusCode, 415, 'JSON instead of a file');
  t.equal((await upload(reza, 'photo', multipart('a.pdf', 'application/pdf', pdf))).statusCode, 404, 'not on another citizen\'s request');

  const list = await app.inject({ url: base, headers: zahra });
  t.same(list.json().map((d: { id: string }) => d.id), [document.id]);
  const clerk = await signInStaff(api, 'clerk-12', 'clerk', 12);
  t.equal((await app.inject({ url: base, headers: clerk })).statusCode, 200, 'the district clerk sees them');
  t.equal((await app.inject({ url: base, headers: await signInStaff(api, 'clerk-3', 'clerk', 3) })).statusCode, 404, 'another district\'s does not');
  t.equal((await app.inject({ url: base, headers: reza })).statusCode, 404);

  const download = await app.inject({ url: `${base}/${document.id}`, headers: clerk });
  t.equal(download.statusCode, 200);
  t.equal(download.headers['content-type'], 'application/pdf');
  t.match(download.headers['content-disposition'], /^attachment; filename="[^"]*"; filename\*=UTF-8''/);
  t.same(download.rawPayload, pdf, 'the same bytes back');
  t.equal((await app.inject({ url: `${base}/${document.id}`, headers: reza })).statusCode, 404);
  t.equal((await app.inject({ url: `${base}/00000000-0000-4000-8000-000000000000`, headers: zahra })).statusCode, 404);
  t.equal((await app.inject({ url: `${base}/not-a-uuid`, headers: zahra })).statusCode, 400);
});
