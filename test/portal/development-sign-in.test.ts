// On a development machine (the demo seed on) no SMS leaves, so the sign-in
// page shows the code in a box marked as development only, and a developer
// signs in with it without reading the database. Without the demo seed the
// box never appears (citizen.test.ts, through the harness, runs that way).
import t from 'tap';
import { ensureBundle } from '../../portal/build.ts';
import { startTestApi } from '../api/helpers.ts';
import { launchChromium } from '../helpers/browser.ts';
import { accessibilityViolations, asciiDigits, openPage, phone, screenshot, smsCode } from './harness.ts';

t.setTimeout(180_000);

t.test('with the demo seed on, the sign-in page shows the code as a development aid', async (t) => {
  await ensureBundle();
  // The sign-in needs the API alone: no workers or deployed diagrams.
  const { app, db } = await startTestApi(t, {}, { DEMO_SEED: 'true' });
  const base = await app.listen({ host: '127.0.0.1', port: 0 });
  const browser = await launchChromium(t);
  const { page, errors, foreign } = await openPage({ app, db, base, browser, jobTypes: [] }, phone);

  await page.goto(`${base}/#/sign-in`);
  await page.getByLabel('کد ملی').fill('۰۰۱۳۵۴۲۴۱۹');
  await page.getByLabel('شماره تلفن همراه').fill('۰۹۱۲۳۴۵۶۷۸۹');
  t.ok(await page.locator('#development-code').isHidden(), 'no box before a code is asked for');
  await page.getByRole('button', { name: 'دریافت کد ورود' }).click();

  const box = page.locator('#development-code');
  await box.waitFor();
  t.match(await box.innerText(), /کد آزمایشی — فقط در محیط توسعه/, 'marked as development only');
  const shown = await box.locator('.development-code').innerText();
  t.equal(shown, await smsCode(db, '09123456789'), 'the code of the SMS, in Persian digits');
  await screenshot(page, 'development-sign-in');
  t.same(await accessibilityViolations(page), [], 'no WCAG 2.1 AA violations');

  await page.getByLabel('کد ورود').fill(asciiDigits(shown));
  await page.getByRole('button', { name: 'ورود' }).click();
  await page.getByRole('link', { name: 'درخواست‌های من' }).waitFor();

  // The API's documentation page works under the same Content-Security-Policy.
  await page.goto(`${base}/docs`);
  await page.locator('.opblock-summary-path', { hasText: '/api/requests/{trackingCode}' }).first().waitFor();
  t.ok(await page.locator('.opblock').count() > 60, 'Swagger UI lists the operations');
  t.same(errors, [], 'no script errors or policy violations');
  t.same(foreign, [], 'nothing is fetched from outside our server');
});
