// Paying from a phone: a citizen asks for a resident parking permit, the
// clerk accepts the documents in the workspace, the citizen pays in the
// sandbox gateway and comes back to a receipt; then the permit is issued, the
// citizen downloads it and rates the service.
import t from 'tap';
import type { Page } from 'playwright-core';
import { eventually } from '../helpers/eventually.ts';
import {
  accessibilityViolations, asciiDigits, createStaffAccount, jobTypesOf, openPage, phone, rateService, screenshot, signInCitizen,
  staffPassword, startPortal, pagePatience, workTask,
} from './harness.ts';

t.setTimeout(600_000);

t.test('a citizen pays for a resident parking permit in the sandbox gateway and rates the service', async (t) => {
  const portal = await startPortal(t, ['resident-parking-permit']);
  t.same(jobTypesOf('resident-parking-permit').filter((type) => !portal.jobTypes.includes(type)), [], 'a worker for every job type of the service');
  const check = async (name: string, page: Page) => {
    await screenshot(page, `pay-${name}`);
    t.same(await accessibilityViolations(page), [], `${name}: no WCAG 2.1 AA violations`);
  };
  const { page, errors, foreign } = await openPage(portal, phone);

  // Given a citizen who files the request from their phone
  await page.goto(`${portal.base}/#/services/resident-parking-permit/apply`);
  await signInCitizen(page, portal, '3974017844', '09351234567');
  await page.getByLabel('نام و نام خانوادگی').fill('مریم رضایی');
  await page.getByLabel('کد پستی محل سکونت').fill('۹۱۷۷۹۴۸۹۷۴');
  await page.getByLabel('نشانی محل سکونت').fill('مشهد، خیابان احمدآباد، پلاک ۸');
  await page.getByLabel('شماره پلاک خودرو').fill('۱۲ ب ۳۴۵ - ۳۶');
  await page.getByLabel('نوع و مدل خودرو').fill('پراید ۱۳۱');
  await page.getByLabel('صحت اطلاعات واردشده را تأیید می‌کنم.').check();
  await page.getByRole('button', { name: 'ادامه' }).click();
  await page.getByRole('button', { name: 'ثبت درخواست' }).click();
  const code = asciiDigits(await page.locator('#tracking-code').innerText());


  // When the clerk accepts the documents
  await createStaffAccount(portal.db, 'clerk-pay', 'clerk', staffPassword);
  t.same(await workTask(portal, 'clerk-pay', code, async (staffPage) => {
    await staffPage.getByLabel('کامل است؛ ادامه رسیدگی').check();
  }, 'document-check', check), [], 'no script errors in the workspace');

  // Then the fee is due on the request page, and the citizen pays in the sandbox gateway
  // (the amount shows once the payment worker has recorded the payment, a moment after the status says it is due)
  await eventually('the fee to be due, with its amount', async () => {
    await page.goto(`${portal.base}/#/requests/${code}`);
    await page.locator('#request-status').waitFor();
    return (await page.locator('#pay').count()) > 0 && (await page.locator('#payment strong').count()) > 0;
  }, pagePatience);
  t.match(await page.locator('#payment').innerText(), /۱٬۲۰۰٬۰۰۰ ریال/, 'the fixed fee, in Persian digits');
  await check('due', page);
  page.on('framenavigated', (frame) => { if (process.env.PORTAL_TEST_DEBUG) console.error('navigated', frame.url()); });
  page.on('requestfailed', (request) => { if (process.env.PORTAL_TEST_DEBUG) console.error('failed', request.url()); });
  await page.locator('#pay').click();
  await page.waitForURL(/\/sandbox-gateway\/pay\//);
  await screenshot(page, 'pay-gateway');
  await page.getByRole('button', { name: 'پرداخت', exact: true }).click();
  await page.waitForURL(new RegExp(`#/requests/${code}\\?payment=paid`));
  // PUBLIC_URL is left to its default (the address npm start prints): the bank returns to the origin the citizen signed in at
  t.equal(new URL(page.url()).origin, portal.base, 'back on the same origin');
  await page.getByRole('status').filter({ hasText: 'پرداخت شما انجام شد' }).waitFor();
  t.equal(await page.getByRole('heading', { level: 1, name: 'ورود به حساب شهروندی' }).count(), 0, 'still signed in: no sign-in page');
  t.ok(await page.evaluate(() => Boolean(window.localStorage.getItem('shahrdari.citizenSession'))), 'the session is there');
  await eventually('the receipt', async () => {
    await page.reload();
    await page.locator('#request-status').waitFor();
    return (await page.getByRole('heading', { name: 'رسید پرداخت' }).count()) > 0;
  }, pagePatience);
  t.match(await page.locator('#payment').innerText(), /۱٬۲۰۰٬۰۰۰ ریال/);
  await check('receipt', page);
  const payment = await portal.db('payments').join('requests', 'requests.id', 'payments.request_id').where('requests.tracking_code', code).first('payments.status', 'payments.amount');
  t.equal(payment.status, 'paid');
  t.equal(Number(payment.amount), 1_200_000);

  // And the permit is issued and the request closes: the citizen downloads it and rates the service
  await eventually('the request to close', async () => {
    await page.reload();
    await page.locator('#request-status').waitFor();
    return (await page.locator('#rating').count()) > 0;
  }, pagePatience);
  t.ok(await page.locator('#certificate').count(), 'the permit is offered for download');
  await check('closed', page);
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'دریافت مجوز' }).click();
  t.match((await download).suggestedFilename(), /\.pdf$/, 'the permit downloads as a PDF');
  await rateService(page);
  await check('rated', page);
  const request = await portal.db('requests').where({ tracking_code: code }).first();
  t.equal(request.outcome, 'completed');
  t.equal((await portal.db('ratings').where({ request_id: request.id }).first()).score, 5, 'the rating is recorded');
  t.same(errors, [], 'no script errors in the portal');
  t.same(foreign.filter((url) => !url.includes('/sandbox-gateway/')), [], 'nothing fetched from outside our server');
});
