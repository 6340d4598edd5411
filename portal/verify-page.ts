// The Persian page a certificate's QR code and printed link open
// (`/verify/<code>`): valid or not, for what service, for whom (masked),
// issued when and by which district. Rendered on the server, so it opens at
// once on any phone, without scripts; `/verify` asks for a code typed from
// the paper. Machines read the same at /api/certificates/verify/<code>.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { normaliseVerificationCode, verifyCertificate, type VerifiedCertificate } from '../domain/certificates/verification.ts';
import { normaliseInput } from '../platform/persian.ts';

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function shell(title: string, body: string): string {
  return `<!doctype html>
<html lang="fa" dir="rtl">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <meta name="robots" content="noindex">
  <title>${escapeHtml(title)} — شهرداری مشهد</title>
  <link rel="icon" href="/favicon.svg" type="image/svg+xml">
  <link rel="stylesheet" href="/portal/portal.css">
</head>
<body>
  <a class="skip-link" href="#main">رفتن به محتوای اصلی</a>
  <header class="masthead"><a class="masthead-title" href="/">خدمات الکترونیک شهرداری مشهد</a></header>
  <main id="main" tabindex="-1">
${body}
  </main>
  <footer class="footer">سامانه پاسخگویی شهروندان: ۱۳۷</footer>
</body>
</html>
`;
}

const codeForm = (code = '') => `
    <form action="/verify" method="get" class="verify-form">
      <label for="code">کد بررسی چاپ‌شده زیر رمزینه</label>
      <span class="hint" id="code-hint">دوازده حرف و رقم لاتین، مانند ABCD-EF23-4567</span>
      <input id="code" name="code" type="text" dir="ltr" autocomplete="off" autocapitalize="characters" spellcheck="false" aria-describedby="code-hint" value="${escapeHtml(code)}">
      <button class="button button-primary" type="submit">بررسی</button>
    </form>`;

function row(label: string, value: string, ltr = false): string {
  return `      <div class="summary-row"><dt>${label}</dt><dd${ltr ? ' dir="ltr" class="ltr-value"' : ''}>${escapeHtml(value)}</dd></div>`;
}

function verifiedPage(certificate: VerifiedCertificate, code: string): string {
  const heading = certificate.valid ? 'این مجوز معتبر است' : 'این مجوز باطل شده و معتبر نیست';
  const explanation = certificate.valid
    ? 'این مجوز را شهرداری مشهد صادر کرده و تا امروز باطل نشده است. مشخصات زیر باید با برگهٔ در دست شما یکی باشد.'
    : 'شهرداری مشهد این مجوز را صادر کرده بود اما باطل شده است؛ به آن اعتماد نکنید.';
  return shell(heading, `
    <div class="${certificate.valid ? 'panel-confirmation' : 'panel-invalid'}" role="status">
      <h1>${heading}</h1>
      <p>${explanation}</p>
    </div>
    <h2>مشخصات مجوز</h2>
    <dl class="summary-list">
${row('خدمت', certificate.serviceName)}
${row('شماره مجوز', certificate.number, true)}
${row('به نام', certificate.holderNameMasked ?? '—')}
${row('کد ملی دارنده', certificate.holderNationalCodeMasked ?? '—', true)}
${row('تاریخ صدور', certificate.issuedOn)}
${row('صادرکننده', `شهرداری مشهد، ${certificate.districtName}`)}
${row('کد بررسی', code, true)}
    </dl>
    <p class="hint">برای حفظ حریم خصوصی، نام خانوادگی و کد ملی دارنده کامل نشان داده نمی‌شود.</p>
    <h2>بررسی مجوزی دیگر</h2>${codeForm()}`);
}

function unknownPage(code: string): string {
  return shell('مجوزی با این کد یافت نشد', `
    <div class="panel-invalid" role="status">
      <h1>مجوزی با این کد یافت نشد</h1>
      <p>شهرداری مشهد مجوزی با این کد بررسی صادر نکرده است؛ این برگه را معتبر ندانید.</p>
    </div>
    <p>اگر کد را از روی برگه خوانده‌اید، آن را دوباره با دقت وارد کنید یا با سامانه ۱۳۷ تماس بگیرید.</p>${codeForm(code)}`);
}

const html = (reply: FastifyReply, status: number, page: string) =>
  reply.code(status).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(page);

export default async function verifyPage(app: FastifyInstance) {
  app.get<{ Querystring: { code?: string } }>('/verify', {
    schema: { hide: true, querystring: { type: 'object', properties: { code: { type: 'string' } } } },
  }, async (request, reply) => {
    const typed = request.query.code?.trim().slice(0, 40);
    if (typed) return reply.redirect(`/verify/${encodeURIComponent(normaliseVerificationCode(normaliseInput(typed)) ?? typed)}`, 303);
    return html(reply, 200, shell('بررسی اصالت مجوز', `
    <h1>بررسی اصالت مجوز</h1>
    <p>رمزینهٔ روی مجوز را با دوربین تلفن بخوانید یا کد بررسی آن را اینجا وارد کنید.</p>${codeForm()}`));
  });

  app.get<{ Params: { code: string } }>('/verify/:code', {
    schema: { hide: true, params: { type: 'object', required: ['code'], properties: { code: { type: 'string' } } } },
  }, async (request, reply) => {
    const found = await verifyCertificate(app.db, request.params.code);
    if (!found) return html(reply, 404, unknownPage(request.params.code.slice(0, 40)));
    return html(reply, 200, verifiedPage(found, normaliseVerificationCode(request.params.code)!));
  });
}
