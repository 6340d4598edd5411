// Dates on the Jalali calendar: our conversion of typed dates agrees with
// Intl's Persian calendar on every day of three centuries, and in a Persian
// browser a citizen types a date in Persian digits, reads it back in words,
// is told in Persian when a date does not exist, and the API gets ISO 8601.
import t from 'tap';
import { isoToJalali, jalaliLongDate, jalaliText, jalaliToIso, parseJalali } from '../../portal/src/shared/jalali.ts';
import { accessibilityViolations, openPage, phone, screenshot, signInCitizen, startPortal } from './harness.ts';

t.setTimeout(300_000);

const DAY_MS = 86_400_000;
const intlParts = new Intl.DateTimeFormat('en-US-u-ca-persian-nu-latn', { timeZone: 'UTC', year: 'numeric', month: 'numeric', day: 'numeric' });
/** Intl's own reading of an ISO date, kept apart from the code under test. */
function intlJalali(iso: string): string {
  const parts = intlParts.formatToParts(new Date(`${iso}T12:00:00Z`));
  const part = (type: string) => parts.find((p) => p.type === type)!.value.replace(/\D/g, '');
  return `${part('year')}/${part('month')}/${part('day')}`;
}

t.test('typed Jalali dates and Intl name the same day, 1900 to 2200', async (t) => {
  let days = 0;
  const wrong: string[] = [];
  for (let utc = Date.UTC(1900, 0, 1); utc < Date.UTC(2200, 0, 1); utc += DAY_MS) {
    const iso = new Date(utc).toISOString().slice(0, 10);
    const [year, month, day] = intlJalali(iso).split('/').map(Number) as [number, number, number];
    if (jalaliToIso({ year, month, day }) !== iso) wrong.push(`${intlJalali(iso)} → ${jalaliToIso({ year, month, day })}, Intl says ${iso}`);
    days += 1;
  }
  t.equal(days, 109_573);
  t.same(wrong.slice(0, 5), [], 'every day converts back to itself');
});

t.test('known days, days that do not exist, and what a person may type', async (t) => {
  t.equal(jalaliToIso({ year: 1403, month: 1, day: 1 }), '2024-03-20', 'Nowruz 1403');
  t.equal(jalaliToIso({ year: 1357, month: 11, day: 22 }), '1979-02-11');
  t.equal(jalaliToIso({ year: 1403, month: 12, day: 30 }), '2025-03-20', '1403 is a leap year');
  t.equal(jalaliToIso({ year: 1404, month: 12, day: 30 }), null, '1404 is not');
  t.equal(jalaliToIso({ year: 1404, month: 7, day: 31 }), null, 'the second half-year has 30-day months');
  t.equal(jalaliToIso({ year: 1404, month: 6, day: 31 }), '2025-09-22');
  t.equal(jalaliToIso({ year: 1404, month: 13, day: 1 }), null);
  t.equal(jalaliToIso({ year: 1404, month: 1, day: 0 }), null);

  t.equal(parseJalali('۱۴۰۵/۰۹/۰۸'), '2026-11-29', 'Persian digits');
  t.equal(parseJalali('١٤٠٥/٩/٨'), '2026-11-29', 'Arabic-Indic digits, no leading zeros');
  t.equal(parseJalali(' 1405-9-8 '), '2026-11-29', 'dashes and spaces around');
  t.equal(parseJalali('1405.09.08'), '2026-11-29');
  t.equal(parseJalali('05/09/08'), null, 'a two-digit year is not guessed at');
  t.equal(parseJalali('2026-11-29'), null, 'a Gregorian date is not a Jalali one');
  t.equal(parseJalali('1405/09'), null);
  t.equal(parseJalali('فردا'), null);

  t.equal(isoToJalali('2026-11-29')?.day, 8);
  t.equal(isoToJalali('2026-02-30'), null, 'no 30 February');
  t.equal(jalaliText('2026-11-29'), '1405/09/08', 'the date box shows the stored date this way');
  t.equal(jalaliLongDate('2026-11-29'), 'یکشنبه ۸ آذر ۱۴۰۵');
});

t.test('a citizen gives a date on the Jalali calendar in a Persian browser', async (t) => {
  const portal = await startPortal(t, ['bulky-waste-collection']);
  const { page, errors, foreign } = await openPage(portal, phone, 'fa-IR');
  const accessible = async (name: string) => {
    await screenshot(page, name);
    t.same(await accessibilityViolations(page), [], `${name}: no WCAG 2.1 AA violations`);
  };

  // Given a signed-in citizen on the bulky waste collection form (its preferred day is a date field)
  await page.goto(`${portal.base}/#/services/bulky-waste-collection/apply`);
  await signInCitizen(page, portal, '0013542419', '09123456789');
  await page.getByRole('heading', { level: 1, name: 'جمع‌آوری پسماند حجیم' }).waitFor();
  const date = page.getByLabel('تاریخ پیشنهادی جمع‌آوری');
  await date.waitFor();
  t.equal(await page.locator('.flatpickr-calendar, .fjs-datepicker').count(), 0, 'no Gregorian date picker');
  const dateId = await date.getAttribute('id');
  const hint = page.locator(`[id="${dateId}-description"]`);
  t.match(await hint.innerText(), /سال\/ماه\/روز/, 'the hint says how to write it');
  t.match(await date.getAttribute('aria-describedby'), `${dateId}-description`, 'and is read with the field');

  await page.getByLabel('نام و نام خانوادگی').fill('مریم رضایی');
  await page.getByLabel('نشانی محل').fill('مشهد، بلوار وکیل‌آباد، کوچه ۱۲، پلاک ۴');
  await page.getByLabel('فهرست اقلام').fill('یک کمد و دو صندلی');
  await page.getByLabel('صحت اطلاعات واردشده را تأیید می‌کنم.').check();

  // When they type a day the calendar does not have (1404 has no 30 Esfand), they are told in Persian
  await date.fill('۱۴۰۴/۱۲/۳۰');
  await page.getByRole('button', { name: 'ادامه' }).click();
  const summary = page.locator('.error-summary');
  await summary.waitFor();
  t.match(await summary.innerText(), /تاریخ پیشنهادی جمع‌آوری: تاریخ را به شکل سال\/ماه\/روز خورشیدی بنویسید/);
  t.match(await page.locator(`[id="${dateId}-error-message"]`).innerText(), /خورشیدی/, 'beside the field too');
  await accessible('jalali-01-bad-date');
  await summary.getByRole('link').first().click();
  t.equal(await page.evaluate(() => document.activeElement?.getAttribute('id')), dateId, 'the summary link moves focus to the date box');

  // When they type 1 Dey 1405 in Persian digits without leading zeros, the hint reads it back in words
  await date.fill('');
  await date.pressSequentially('۱۴۰۵/۱۰/۱');
  await hint.filter({ hasText: '۱ دی ۱۴۰۵' }).waitFor();
  t.equal(await date.inputValue(), '1405/10/1', 'what they typed stays as typed (ASCII inside, drawn in Persian digits)');
  await accessible('jalali-02-date');

  // Then the answers show the Jalali date, and the API receives ISO 8601
  await page.getByRole('button', { name: 'ادامه' }).click();
  await page.getByRole('heading', { level: 1, name: 'پیش از ثبت، پاسخ‌های خود را بررسی کنید' }).waitFor();
  t.match(await page.locator('.summary-list').innerText(), /۱ دی ۱۴۰۵/);
  await page.getByRole('link', { name: 'تغییر پاسخ‌ها' }).click();
  await date.waitFor();
  t.equal(await date.inputValue(), '1405/10/01', 'going back shows the kept date on the Jalali calendar');
  await page.getByRole('button', { name: 'ادامه' }).click();
  await page.getByRole('button', { name: 'ثبت درخواست' }).click();
  await page.getByRole('heading', { level: 1, name: 'درخواست شما ثبت شد' }).waitFor();
  const request = await portal.db('requests').where({ service_id: 'bulky-waste-collection' }).first();
  t.match(request.form.preferredDate, /^\d{4}-\d{2}-\d{2}$/, 'stored as an ISO date');
  t.equal(intlJalali(request.form.preferredDate), '1405/10/1', 'and Intl reads it as the day typed');

  t.same(errors, [], 'no script errors');
  t.same(foreign, [], 'nothing is fetched from outside our server');
});
