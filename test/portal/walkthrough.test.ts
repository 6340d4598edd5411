// A whole case in the browser: a citizen files a tree felling permit from a
// phone, uploads a document; a clerk, an inspector and a manager each claim
// and complete their task in the workspace beside the request's data; the
// citizen pays in the sandbox gateway, sees the certificate and rates the
// service. Pages are checked with axe-core and kept as screenshots.
import t from 'tap';
import type { Page } from 'playwright-core';
import { staffRoles } from '../../api/plugins/app/auth.ts';
import { findService } from '../../processes/catalogue/index.ts';
import { persianDigits } from '../../platform/persian.ts';
import { eventually } from '../helpers/eventually.ts';
import {
  accessibilityViolations, asciiDigits, createStaffAccount, fillTreeFellingForm, jobTypesOf, openPage, phone, qrOfPdf,
  rateService, screenshot, signInCitizen, startPortal, staffPassword as password, pagePatience, workTask,
} from './harness.ts';

t.setTimeout(600_000);

t.test('a tree felling permit from filing to rating, through the portal and the workspace', async (t) => {
  const portal = await startPortal(t, ['tree-felling-permit']);
  t.same(jobTypesOf('tree-felling-permit').filter((type) => !portal.jobTypes.includes(type)), [], 'a worker for every job type of the service and the processes it calls');
  const check = async (name: string, page: Page) => {
    await screenshot(page, `case-${name}`);
    t.same(await accessibilityViolations(page), [], `${name}: no WCAG 2.1 AA violations`);
  };

  // Given a citizen on a phone who files the request
  const citizen = await openPage(portal, phone);
  const { page } = citizen;
  await page.goto(`${portal.base}/#/services/tree-felling-permit/apply`);
  await signInCitizen(page, portal, '۰۰۱۳۵۴۲۴۱۹', '۰۹۱۲۳۴۵۶۷۸۹');
  await page.getByLabel('نام و نام خانوادگی').waitFor();
  await fillTreeFellingForm(page);
  await page.getByRole('button', { name: 'ادامه' }).click();
  await page.getByRole('button', { name: 'ثبت درخواست' }).click();
  const code = asciiDigits(await page.locator('#tracking-code').innerText());
  t.match(code, /^[0-9]{6,20}$/, 'the citizen has a tracking code');
  const requestId = (await portal.db('requests').where({ tracking_code: code }).first()).id as string;

  // When they upload the deed from the request page
  await page.getByRole('link', { name: 'مشاهده و پیگیری درخواست' }).click();
  await page.locator('#documents').waitFor();
  await page.getByLabel('بارگذاری تصویر سند مالکیت یا قولنامه معتبر').setInputFiles({ name: 'deed.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4\n% deed\n%%EOF\n') });
  await page.locator('#documents form', { hasText: 'سند مالکیت' }).getByRole('button', { name: 'بارگذاری', exact: true }).click();
  await page.locator('#documents').getByRole('button', { name: 'دریافت deed.pdf' }).waitFor();
  await check('request-with-document', page);

  // Then the clerk, the inspector and the manager each do their part in the workspace
  await createStaffAccount(portal.db, 'clerk-walk', 'clerk', password);
  await createStaffAccount(portal.db, 'inspector-walk', 'inspector', password);
  const staffErrors = [
    ...await workTask(portal, 'clerk-walk', code, async (staffPage) => {
      await staffPage.getByLabel('کامل است؛ ادامه رسیدگی').check();
      // The reason is asked only for a return or a rejection
      t.equal(await staffPage.getByLabel('شرح نقص یا دلیل رد', { exact: false }).count(), 0, 'no reason is asked when the documents are complete');
    }, 'document-check', check),
    ...await workTask(portal, 'inspector-walk', code, async (staffPage) => {
      await staffPage.getByLabel('تأیید', { exact: true }).check();
      // Dates are typed on the Jalali calendar, here in Persian digits as a Persian keyboard gives them (۱۴۰۵/۰۹/۰۸)
      const today = new Intl.DateTimeFormat('fa-IR-u-ca-persian', { timeZone: 'Asia/Tehran', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
      await staffPage.getByLabel('تاریخ بازدید').fill(today);
      await staffPage.getByLabel('یافته‌ها و توضیحات').fill('دو اصله چنار خشک در معرض سقوط؛ قطع لازم است.');
    }, 'inspection', check),
  ];
  t.same(staffErrors, [], 'no script errors in the workspace');

  // The approval goes to the catalogue's approver for the service, in the request's district
  const approver = findService('tree-felling-permit')!.approver!;
  t.equal(approver, 'manager', 'the district manager decides a tree felling permit');
  const approvalTask = await eventually('the approval task', async () => (await portal.db('user_tasks').where({ request_id: requestId, status: 'open' }))
    .find((task: { candidate_groups: string[] }) => !task.candidate_groups.some((group) => /:(clerk|inspector)$/.test(group))), pagePatience);
  t.same(approvalTask.candidate_groups, [`district-12:${approver}`], `the approval waits for the ${approver} of district 12`);
  t.ok(staffRoles.includes(approver as never), `a staff role can hold the approval group district-12:${approver} (the API's roles are ${staffRoles.join(', ')})`);
  await createStaffAccount(portal.db, 'approver-walk', approver, password);
  t.same(await workTask(portal, 'approver-walk', code, async (staffPage) => {
    // The manager decides on the inspection: its result, day and findings are beside the task
    const findings = staffPage.locator('#inspection-findings');
    t.match(await findings.innerText(), /مطابق است/, 'the approver sees the inspection\'s result');
    t.match(await findings.innerText(), /دو اصله چنار خشک در معرض سقوط/, 'and its findings');
    t.match(await findings.innerText(), /تاریخ بازدید\s+\S+ \S+ [۰-۹]{4}/, 'and the day of the visit');
    t.equal((await portal.db('requests').where({ tracking_code: code }).first()).status, 'awaiting-approval', 'the status moved on from the inspection');
    await staffPage.getByLabel('تأیید', { exact: true }).check();
    const reason = staffPage.getByLabel('دلیل (برای شهروند ارسال می‌شود)');
    if (await reason.count()) await reason.fill('با قطع دو اصله موافقت می‌شود.');
  }, 'approval', check), [], 'no script errors in the approval');

  // When the citizen pays in the sandbox gateway
  await page.goto(`${portal.base}/#/requests/${code}`);
  // The status says a payment is due as soon as the process reaches it; the
  // amount shows once the payment worker has recorded the payment a moment later.
  await eventually('the fee to be due, with its amount', async () => {
    await page.reload();
    await page.locator('#request-status').waitFor();
    return (await page.locator('#pay').count()) > 0 && (await page.locator('#payment strong').count()) > 0;
  }, pagePatience);
  t.match(await page.locator('#payment').innerText(), /۶۰٬۰۰۰٬۰۰۰ ریال/, 'two trees at 30,000,000 rials each');
  await check('payment-due', page);
  await page.locator('#pay').click();
  await page.waitForURL(/sandbox-gateway/);
  await screenshot(page, 'case-gateway');
  await page.getByRole('button', { name: 'پرداخت' }).click();
  await page.waitForURL(new RegExp(`#/requests/${code}`));

  // Then the certificate is issued, and the request closes
  await eventually('the certificate', async () => {
    await page.reload();
    await page.locator('#request-status').waitFor();
    return (await page.locator('#certificate').count()) > 0 && (await page.locator('#rating').count()) > 0;
  }, pagePatience);
  await check('certificate', page);
  const issued = await portal.db('certificates as c').join('requests as r', 'r.id', 'c.request_id').where('r.tracking_code', code).first('c.number', 'c.verification_code', 'c.pdf');
  t.equal(await page.locator('#certificate-number').innerText(), persianDigits(issued.number), 'the request page shows the permit number');
  const story = await page.locator('#timeline').innerText();
  for (const [what, pattern] of [['the inspection', /بازدید کارشناس انجام شد/], ['the decision waiting', /در انتظار تصمیم/], ['the payment', /پرداخت ۶۰٬۰۰۰٬۰۰۰ ریال انجام شد/], ['the document', /مدرک «تصویر سند مالکیت یا قولنامه معتبر» بارگذاری شد/], ['the permit and its number', new RegExp(`به شماره ${persianDigits(issued.number)} صادر شد`)]] as const) {
    t.match(story, pattern, `the timeline tells ${what}`);
  }
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'دریافت مجوز' }).click();
  t.match((await download).suggestedFilename(), /\.pdf$/, 'the certificate downloads as a PDF');

  // A neighbour scans the permit's QR code with a phone: the Persian verify page says it is valid
  const scanned = qrOfPdf(issued.pdf as Buffer);
  t.equal(scanned, `${portal.base}/verify/${issued.verification_code}`, 'the QR code leads to the verify page on the address the citizen uses');
  const neighbour = await openPage(portal, phone);
  await neighbour.page.goto(scanned);
  await neighbour.page.getByRole('heading', { level: 1, name: 'این مجوز معتبر است' }).waitFor();
  const verified = await neighbour.page.locator('main').innerText();
  t.match(verified, 'مجوز قطع درخت');
  t.match(verified, 'منطقه');
  t.match(verified, '*******', 'the holder\'s national code masked');
  t.notMatch(verified, /رضایی/, 'and the family name');
  await check('verify-page', neighbour.page);
  await neighbour.page.goto(`${portal.base}/verify/ZZZZ-ZZZZ-ZZZZ`);
  await neighbour.page.getByRole('heading', { level: 1, name: 'مجوزی با این کد یافت نشد' }).waitFor();
  await check('verify-page-unknown', neighbour.page);
  await neighbour.context.close();

  // And the citizen rates the service
  await rateService(page);
  await check('rated', page);
  const request = await portal.db('requests').where({ tracking_code: code }).first();
  t.equal(request.outcome, 'completed');
  t.equal((await portal.db('ratings').where({ request_id: request.id }).first()).score, 5);
  t.same(citizen.errors, [], 'no script errors in the portal');
  t.same(citizen.foreign, [], 'nothing fetched from outside our server');
});
