// A citizen on a phone-sized screen: browse the catalogue, find the tree
// felling permit by name, read what it needs, sign in with the SMS code
// (typed in Persian digits), fill the form — meeting a Persian inline error
// first — check the answers and get a tracking code. Every page is checked
// with axe-core (WCAG 2.1 AA) and kept as a screenshot.
import t from 'tap';
import { accessibilityViolations, openPage, phone, screenshot, smsCode, startPortal } from './harness.ts';

t.setTimeout(300_000);

t.test('a citizen finds the tree felling permit and files a request from a phone', async (t) => {
  const portal = await startPortal(t);
  const { page, errors, foreign } = await openPage(portal, phone);
  const accessible = async (name: string) => {
    await screenshot(page, name);
    t.same(await accessibilityViolations(page), [], `${name}: no WCAG 2.1 AA violations`);
  };

  // Given the catalogue, when the citizen searches by part of a name
  await page.goto(`${portal.base}/`);
  t.equal(await page.getAttribute('html', 'dir'), 'rtl');
  t.equal(await page.getAttribute('html', 'lang'), 'fa');
  await page.getByRole('heading', { name: 'خدمات شهری', exact: false }).first().waitFor();
  t.equal(await page.locator('.service-list a').count(), 54, 'all 54 services are listed under their headings');
  await accessible('01-catalogue');
  await page.getByLabel('جست‌وجوی خدمت').fill('درخت');
  await page.getByRole('status').filter({ hasText: 'پیدا شد' }).waitFor();
  t.ok(await page.locator('.service-list a').count() < 54, 'the search narrows the list');
  t.equal(await page.evaluate(() => document.documentElement.scrollWidth), 360, 'nothing is wider than the phone');

  // Then the service page says what is needed, what it costs and how long it takes
  await page.getByRole('link', { name: 'مجوز قطع درخت' }).click();
  await page.getByRole('heading', { level: 1, name: 'مجوز قطع درخت' }).waitFor();
  const body = await page.locator('main').innerText();
  t.match(body, /۳۰٬۰۰۰٬۰۰۰ ریال به ازای هر واحد/, 'fee per tree, in Persian digits');
  t.match(body, /۱۵ روز کاری/, 'expected time in working days');
  t.match(body, /تصویر سند مالکیت/, 'documents to have ready');
  t.match(body, /سامانه ۱۳۷/, 'channels');
  await accessible('02-service');

  // When they start, they are asked to sign in first, and type the code in Persian digits
  await page.getByRole('button', { name: 'شروع درخواست' }).click();
  await page.getByRole('heading', { level: 1, name: 'ورود به حساب شهروندی' }).waitFor();
  await page.getByLabel('کد ملی').fill('۰۰۱۳۵۴۲۴۱۹');
  await page.getByLabel('شماره تلفن همراه').fill('۰۹۱۲۳۴۵۶۷۸۹');
  await page.getByRole('button', { name: 'دریافت کد ورود' }).click();
  await page.getByLabel('کد ورود').waitFor({ state: 'visible' });
  t.ok(await page.locator('#development-code').isHidden(), 'without the demo seed the code goes by SMS only, never onto the page');
  await accessible('03-sign-in');
  await page.getByLabel('کد ورود').fill(await smsCode(portal.db, '09123456789'));
  await page.getByRole('button', { name: 'ورود' }).click();

  // Then the form opens with their identity filled in
  await page.getByRole('heading', { level: 1, name: 'مجوز قطع درخت' }).waitFor();
  await page.getByLabel('نام و نام خانوادگی').waitFor();
  t.equal(await page.getByLabel('کد ملی').inputValue(), '0013542419');

  // When they continue with the form half filled, the mistakes are listed and shown in Persian beside the fields
  await page.getByLabel('نام و نام خانوادگی').fill('مریم رضایی');
  await page.getByLabel('کد پستی ملک').fill('۱۲۳');
  await page.getByRole('button', { name: 'ادامه' }).click();
  const summary = page.locator('.error-summary');
  await summary.waitFor();
  t.match(await summary.innerText(), /کد پستی ملک: قالب واردشده درست نیست/);
  t.match(await page.locator('.fjs-form-field-error').first().innerText(), /[\u0600-\u06FF]/, 'inline messages are Persian');
  await accessible('04-form-errors');

  // When they complete it (digits typed in Persian), then check their answers
  await page.getByLabel('کد پستی ملک').fill('۹۱۷۷۹-۴۸۹۷۴');
  await page.getByLabel('کد نوسازی ملک').fill('۱۲-۳۴-۵۶۷-۸-۰-۰');
  await page.getByLabel('نشانی ملک').fill('مشهد، بلوار وکیل‌آباد، کوچه ۱۲، پلاک ۴');
  await page.getByLabel('تعداد درختان').fill('۲');
  await page.getByLabel('گونه درخت').fill('چنار');
  // form-js draws its select as a list box beside a hidden input that carries the label; empty, it asks in Persian
  t.equal(await page.locator('.fjs-form-field-select .fjs-select-display').innerText(), 'انتخاب کنید', 'no English «Select»');
  await page.locator('.fjs-form-field-select .fjs-input-group').click();
  await page.locator('.fjs-dropdownlist-item', { hasText: 'خطر سقوط' }).click();
  await page.getByLabel('صحت اطلاعات واردشده را تأیید می‌کنم.').check();
  await page.getByRole('button', { name: 'ادامه' }).click();
  await page.getByRole('heading', { level: 1, name: 'پیش از ثبت، پاسخ‌های خود را بررسی کنید' }).waitFor();
  const answers = await page.locator('.summary-list').innerText();
  t.match(answers, /مریم رضایی/);
  t.match(answers, /خطر سقوط/, 'choices read as their labels');
  t.match(answers, /۹۱۷۷۹-۴۸۹۷۴/, 'digits shown in Persian');
  t.match(await page.locator('#fee-total').innerText(), /جمع هزینه: ۶۰٬۰۰۰٬۰۰۰ ریال/, 'the total for two trees, not the rate per tree');
  await accessible('05-check-answers');

  // When they submit, the confirmation page gives the tracking code and what happens next
  await page.getByRole('button', { name: 'ثبت درخواست' }).click();
  await page.getByRole('heading', { level: 1, name: 'درخواست شما ثبت شد' }).waitFor();
  const shownCode = await page.locator('#tracking-code').innerText();
  t.match(shownCode, /^[۰-۹]{6,20}$/, 'the tracking code is shown in Persian digits');
  t.match(await page.locator('main').innerText(), /پس از این چه می‌شود/);
  await accessible('06-confirmation');

  const request = await portal.db('requests').where({ service_id: 'tree-felling-permit' }).first();
  t.equal(request.channel, 'portal');
  t.equal(request.district_id, 12);
  t.equal(request.form.postalCode.replace('-', ''), '9177948974');
  t.equal(request.form.treeCount, 2);
  t.equal(shownCode.replace(/[۰-۹]/g, (digit) => String('۰۱۲۳۴۵۶۷۸۹'.indexOf(digit))), request.tracking_code);

  // And the request page shows its timeline with Jalali dates
  await page.getByRole('link', { name: 'مشاهده و پیگیری درخواست' }).click();
  await page.locator('#timeline li').first().waitFor();
  t.match(await page.locator('#timeline time').first().innerText(), /(فروردین|اردیبهشت|خرداد|تیر|مرداد|شهریور|مهر|آبان|آذر|دی|بهمن|اسفند) [۰-۹]{4}/);
  await accessible('07-request');

  // Keyboard only: a page opens with focus on its heading; Tab reaches the field, Enter follows the request
  await page.goto(`${portal.base}/#/track`);
  await page.getByRole('heading', { level: 1, name: 'پیگیری درخواست' }).waitFor();
  t.equal(await page.evaluate(() => document.activeElement?.tagName), 'H1', 'focus starts at the page heading');
  await page.keyboard.press('Tab');
  t.equal(await page.evaluate(() => document.activeElement?.id), 'trackingCode');
  await page.keyboard.type(shownCode);
  await page.keyboard.press('Enter');
  await page.locator('#request-status').waitFor();
  t.match(await page.locator('main').innerText(), /مجوز قطع درخت/);

  t.same(errors, [], 'no script errors');
  t.same(foreign, [], 'nothing is fetched from outside our server');
});
