// A return for correction, both sides: a citizen files a tree felling permit
// from a phone; the district clerk checks the documents in the workspace and
// returns the request with a note (processes/shared/document-check.bpmn →
// correction.bpmn); the citizen reads the note on the request page, corrects
// the form — meeting a Persian error first — and sends it again; the status
// moves on and the clerk has the check again. axe-core and screenshots on
// each page.
import t from 'tap';
import { eventually } from '../helpers/eventually.ts';
import {
  accessibilityViolations, asciiDigits, createStaffAccount, fillTreeFellingForm, openPage, phone, screenshot, signInCitizen,
  staffPassword, startPortal, pagePatience, workTask,
} from './harness.ts';

t.setTimeout(300_000);

const note = 'تعداد درختان با نقشه پیوست نمی‌خواند؛ تعداد درست را بنویسید.';

t.test('a clerk returns a request with a note and the citizen corrects it', async (t) => {
  const portal = await startPortal(t, ['tree-felling-permit']);
  const { page, errors, foreign } = await openPage(portal, phone);
  const accessible = async (name: string, on = page) => {
    await screenshot(on, name);
    t.same(await accessibilityViolations(on), [], `${name}: no WCAG 2.1 AA violations`);
  };

  // Given a citizen who filed a tree felling permit for two trees
  await page.goto(`${portal.base}/#/services/tree-felling-permit/apply`);
  await signInCitizen(page, portal, '0013542419', '09123456789');
  await page.getByLabel('نام و نام خانوادگی').waitFor();
  await fillTreeFellingForm(page);
  await page.getByRole('button', { name: 'ادامه' }).click();
  await page.getByRole('button', { name: 'ثبت درخواست' }).click();
  const code = asciiDigits(await page.locator('#tracking-code').innerText());
  const requestId = (await portal.db('requests').where({ tracking_code: code }).first()).id as string;

  // When the clerk returns it for correction with a note, in the workspace
  await createStaffAccount(portal.db, 'clerk-correction', 'clerk', staffPassword);
  const staffErrors = await workTask(portal, 'clerk-correction', code, async (staffPage) => {
    await staffPage.getByLabel('نقص دارد؛ بازگشت به شهروند برای اصلاح').check();
    await staffPage.getByLabel('شرح نقص یا دلیل رد', { exact: false }).fill(note);
  }, 'correction-01-clerk-returns', (name, on) => accessible(name, on));
  t.same(staffErrors, [], 'no script errors in the workspace');
  await eventually('the request waits for the correction', async () => (await portal.db('requests').where({ id: requestId }).first()).status === 'awaiting-correction', pagePatience);

  // Then the citizen sees the note, with the form filled with what they sent
  await page.getByRole('link', { name: 'مشاهده و پیگیری درخواست' }).click();
  const section = page.locator('#correction');
  await section.waitFor();
  t.match(await page.locator('#request-status').innerText(), 'نیازمند اصلاح');
  t.match(await page.locator('#correction-note').innerText(), note, 'the clerk\'s note');
  t.match(await page.locator('#correction-note').innerText(), /بازگردانده شده در .*(آذر|دی|بهمن|اسفند|فروردین|اردیبهشت|خرداد|تیر|مرداد|شهریور|مهر|آبان) [۰-۹]{4}/, 'when, on the Jalali calendar');
  const trees = section.getByLabel('تعداد درختان');
  await trees.waitFor();
  t.equal(await trees.inputValue(), '2', 'the answers they sent');
  t.equal(await section.getByLabel('نام و نام خانوادگی').inputValue(), 'مریم رضایی');
  await accessible('correction-02-note');

  // When they empty a required answer and send, the mistake is listed in Persian and nothing is sent
  await section.getByLabel('نشانی ملک').fill('');
  await section.getByRole('button', { name: 'ارسال دوباره' }).click();
  const summary = section.locator('.error-summary');
  await summary.waitFor();
  t.match(await summary.innerText(), /نشانی ملک: این بخش را پر کنید/);
  t.equal(await page.evaluate(() => document.activeElement?.classList.contains('error-summary')), true, 'focus moves to the summary');
  await summary.getByRole('link').first().click();
  t.equal(await page.evaluate(() => document.activeElement?.tagName), 'TEXTAREA', 'its link leads to the field');
  await accessible('correction-03-error');
  t.equal((await portal.db('requests').where({ id: requestId }).first()).status, 'awaiting-correction', 'still waiting');

  // When they correct the count (typed in Persian digits) and send again
  await section.getByLabel('نشانی ملک').fill('مشهد، بلوار وکیل‌آباد، کوچه ۱۲، پلاک ۴');
  await trees.fill('۳');
  await section.getByRole('button', { name: 'ارسال دوباره' }).click();
  await page.getByRole('status').filter({ hasText: 'اصلاحات شما فرستاده شد' }).waitFor();
  t.equal(await page.locator('#correction').count(), 0, 'the correction form is gone');
  await accessible('correction-04-sent');

  // Then the request carries the corrected form, moves on to review, and the clerk has the check again
  t.equal((await portal.db('requests').where({ id: requestId }).first()).form.treeCount, 3, 'the corrected answer is stored');
  await eventually('the request under review again', async () => (await portal.db('requests').where({ id: requestId }).first()).status === 'under-review', pagePatience);
  await eventually('the document check again', async () => portal.db('user_tasks').where({ request_id: requestId, status: 'open' }).first(), pagePatience);
  await page.reload();
  await page.locator('#request-status').filter({ hasText: 'در حال بررسی' }).waitFor();
  const timeline = await page.locator('#timeline').innerText();
  t.match(timeline, 'برای اصلاح بازگردانده شد', 'the return is on the timeline');
  t.match(timeline, note, 'with the note');
  await accessible('correction-05-under-review');

  t.same(errors, [], 'no script errors');
  t.same(foreign, [], 'nothing is fetched from outside our server');
});
