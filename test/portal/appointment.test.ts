// The office appointment from a phone: a citizen asks to meet the district
// mayor (mayor-meeting calls processes/shared/appointment.bpmn after the
// manager's approval), sees the time the process booked in Jalali, moves it
// to a slot on another day, cancels it and books again. Each page is checked
// with axe-core and kept as a screenshot; the database confirms each change.
import t from 'tap';
import type { Page } from 'playwright-core';
import { eventually } from '../helpers/eventually.ts';
import {
  accessibilityViolations, createStaffAccount, openPage, phone, desk, screenshot, signInCitizen, staffPassword, startPortal, pagePatience, type Portal,
} from './harness.ts';

t.setTimeout(300_000);

const tehran = { timeZone: 'Asia/Tehran' } as const;
const dayMonth = new Intl.DateTimeFormat('fa-IR-u-ca-persian', { ...tehran, day: 'numeric', month: 'long' });
const clock = new Intl.DateTimeFormat('fa-IR', { ...tehran, hour: '2-digit', minute: '2-digit', hour12: false });
const isoDay = new Intl.DateTimeFormat('en-CA', { ...tehran, year: 'numeric', month: '2-digit', day: '2-digit' });

/** The manager approves the meeting through the API (the workspace is walked in walkthrough.test.ts). */
async function approve(portal: Portal, requestId: string): Promise<void> {
  await createStaffAccount(portal.db, 'manager-appointments', 'manager', staffPassword);
  const signedIn = await portal.app.inject({ method: 'POST', url: '/api/auth/staff/token', payload: { username: 'manager-appointments', password: staffPassword } });
  const headers = { authorization: `Bearer ${signedIn.json().token}` };
  const task = await eventually('the approval task', async () =>
    (await portal.app.inject({ url: `/api/tasks?requestId=${requestId}`, headers })).json()[0] as { jobKey: string } | undefined, pagePatience);
  const claimed = await portal.app.inject({ method: 'POST', url: `/api/tasks/${task.jobKey}/claim`, headers });
  if (claimed.statusCode !== 200) throw new Error(`claim: ${claimed.body}`);
  const completed = await portal.app.inject({
    method: 'POST', url: `/api/tasks/${task.jobKey}/complete`, headers,
    payload: { variables: { approvalDecision: 'approve', approvalReason: 'در روز ملاقات مردمی پذیرفته می‌شوید.' } },
  });
  if (completed.statusCode !== 200) throw new Error(`complete: ${completed.body}`);
}

/** Picks the first working day other than `except` that has free slots; answers the day and the slot ids offered. */
async function chooseDay(page: Page, except: string | null, latest = false): Promise<{ day: string; slots: string[] }> {
  const offered = await page.locator('#appointment-day option').evaluateAll((options) => options.map((option) => (option as HTMLOptionElement).value).filter(Boolean));
  for (const day of latest ? offered.reverse() : offered) {
    if (day === except) continue;
    await page.getByLabel('روز مراجعه').selectOption(day);
    const answer = page.locator('#appointment-slots form, #appointment-slots p');
    await answer.first().waitFor();
    const slots = await page.locator('#appointment-slots input[name=slot]').evaluateAll((inputs) => inputs.map((input) => (input as HTMLInputElement).value));
    if (slots.length) return { day, slots };
  }
  throw new Error('no working day in the picker has a free slot');
}

async function shownTime(page: Page): Promise<string> {
  return page.locator('#appointment-time strong').innerText();
}

t.test('a citizen sees, moves, cancels and books again the office appointment of a meeting with the district mayor', async (t) => {
  const portal = await startPortal(t, ['mayor-meeting']);
  const { page, errors, foreign } = await openPage(portal, phone);
  const accessible = async (name: string) => {
    await screenshot(page, name);
    t.same(await accessibilityViolations(page), [], `${name}: no WCAG 2.1 AA violations`);
  };

  // Given a citizen who asked to meet the district mayor, and the manager who agreed
  await page.goto(`${portal.base}/#/services/mayor-meeting/apply`);
  await signInCitizen(page, portal, '0013542419', '09123456789');
  await page.getByLabel('نام و نام خانوادگی').fill('مریم رضایی');
  await page.getByLabel('موضوع').fill('پیاده‌رو خیابان وکیل‌آباد');
  await page.getByLabel('شرح').fill('پیاده‌روی محله پس از حفاری ترمیم نشده است و می‌خواهم حضوری توضیح دهم.');
  await page.getByLabel('صحت اطلاعات واردشده را تأیید می‌کنم.').check();
  await page.getByRole('button', { name: 'ادامه' }).click();
  await page.getByRole('button', { name: 'ثبت درخواست' }).click();
  await page.getByRole('heading', { level: 1, name: 'درخواست شما ثبت شد' }).waitFor();
  const request = await eventually('the request started', async () => portal.db('requests').where({ service_id: 'mayor-meeting' }).whereNotNull('process_instance_key').first(), pagePatience);
  await approve(portal, request.id);
  const first = await eventually('the booking the process makes', async () => portal.db('appointments').where({ request_id: request.id, status: 'booked' }).first(), pagePatience);

  // When they open the request, the booked time is shown on the Jalali calendar in Tehran time
  await page.getByRole('link', { name: 'مشاهده و پیگیری درخواست' }).click();
  await page.locator('#appointment-time').waitFor();
  const booked = await shownTime(page);
  t.match(booked, dayMonth.format(first.starts_at), 'the Jalali day and month');
  t.match(booked, clock.format(first.starts_at), 'the Tehran time, in Persian digits');
  await accessible('appointment-01-booked');

  // When they move it to a slot on another day
  await page.getByRole('button', { name: 'تغییر نوبت' }).click();
  t.equal(await page.evaluate(() => document.activeElement?.id), 'appointment-day', 'focus goes to the day to choose');
  const other = await chooseDay(page, isoDay.format(first.starts_at));
  const chosen = other.slots.at(-1)!;
  await page.locator(`#appointment-slots input[value="${chosen}"]`).check();
  await accessible('appointment-02-move');
  await page.getByRole('button', { name: 'تغییر به این نوبت' }).click();
  await page.getByRole('status').filter({ hasText: 'نوبت شما تغییر کرد' }).waitFor();

  // Then the page and the database agree on the new time, on the same booking
  const moved = await portal.db('appointments').where({ id: first.id }).first();
  t.equal(moved.status, 'booked');
  t.equal(new Date(moved.starts_at).toISOString(), new Date(chosen).toISOString(), 'the slot chosen');
  t.equal(isoDay.format(moved.starts_at), other.day);
  t.match(await shownTime(page), clock.format(moved.starts_at));
  t.match(await shownTime(page), dayMonth.format(moved.starts_at));
  await accessible('appointment-03-moved');

  // When they cancel it, they are asked first, in the page
  await page.getByRole('button', { name: 'لغو نوبت' }).click();
  await page.getByText('نوبت لغو شود؟').waitFor();
  await accessible('appointment-04-cancel-question');
  await page.getByRole('button', { name: 'خیر' }).click();
  t.equal(await portal.db('appointments').where({ id: first.id }).first().then((row) => row.status), 'booked', 'no keeps the booking');
  await page.getByRole('button', { name: 'لغو نوبت' }).click();
  await page.getByRole('button', { name: 'بله، نوبت لغو شود' }).click();
  await page.getByRole('status').filter({ hasText: 'نوبت شما لغو شد' }).waitFor();
  t.equal((await portal.db('appointments').where({ id: first.id }).first()).status, 'cancelled');

  // Then, once the process waits for a new booking, they pick a day and a time again
  await eventually('booking open again', async () => {
    if (await page.getByLabel('روز مراجعه').count()) return true;
    await page.getByRole('button', { name: 'به‌روزرسانی' }).click();
    return false;
  }, pagePatience);
  t.match(await page.locator('#request-status').innerText(), 'در انتظار نوبت');
  await accessible('appointment-05-book-again');
  // The last day offered: days away, so the process waits for the reminder when the citizen comes in early.
  const again = await chooseDay(page, null, true);
  await page.getByRole('button', { name: 'رزرو نوبت' }).click();
  await page.getByRole('status').filter({ hasText: 'نوبت شما رزرو شد' }).waitFor();
  const rebooked = await portal.db('appointments').where({ request_id: request.id, status: 'booked' }).first();
  t.not(rebooked.id, first.id, 'a new booking');
  t.equal(new Date(rebooked.starts_at).toISOString(), new Date(again.slots[0]!).toISOString(), 'the first slot of the day, as the form offers by default');
  t.match(await shownTime(page), clock.format(rebooked.starts_at));
  t.match(await page.locator('#timeline').innerText(), /نوبت/, 'the changes are on the timeline');
  await accessible('appointment-06-booked-again');

  // When the citizen comes in, early (the reminder is not due: the process still waits for it), the clerk
  // finds them in the counter's list for that day in the workspace and records that they came
  await createStaffAccount(portal.db, 'clerk-counter', 'clerk', staffPassword);
  const counter = await openPage(portal, desk);
  await counter.page.goto(`${portal.base}/staff#/appointments?day=${isoDay.format(rebooked.starts_at)}`);
  await counter.page.getByLabel('نام کاربری').fill('clerk-counter');
  await counter.page.getByLabel('گذرواژه').fill(staffPassword);
  await counter.page.getByRole('button', { name: 'ورود' }).click();
  const row = counter.page.locator(`#counter-day tr[data-appointment="${rebooked.id}"]`);
  await row.waitFor();
  t.match(await row.innerText(), 'مریم رضایی', 'the counter sees who comes');
  t.match(await row.innerText(), 'ملاقات', 'and for what');
  await screenshot(counter.page, 'appointment-07-counter');
  t.same(await accessibilityViolations(counter.page), [], 'the counter\'s list: no WCAG 2.1 AA violations');
  t.notOk(await portal.db('appointments').where({ id: rebooked.id }).whereNotNull('reminded_at').first(), 'early: not reminded yet');
  await row.getByRole('button', { name: 'مریم رضایی حاضر شد' }).click();
  await counter.page.locator('#attendance-status', { hasText: 'حضور مریم رضایی ثبت شد' }).waitFor();
  t.match(await counter.page.locator(`#counter-day tr[data-appointment="${rebooked.id}"]`).innerText(), 'حاضر شد');
  await screenshot(counter.page, 'appointment-08-came');
  t.same(counter.errors, [], 'no script errors at the counter');
  await counter.context.close();

  // Then the process takes it at once and the request moves on to its end
  const closed = await eventually('the request closed', async () => portal.db('requests').where({ id: request.id }).whereNotNull('closed_at').first(), pagePatience);
  t.equal(closed.outcome, 'completed', 'the meeting took place; the request is completed');
  await page.reload();
  await page.locator('#request-status').waitFor();
  t.match(await page.locator('#request-status').innerText(), 'انجام شد');
  t.match(await page.locator('#timeline').innerText(), 'حاضر شد', 'the attendance is on the timeline');

  t.same(errors, [], 'no script errors');
  t.same(foreign, [], 'nothing is fetched from outside our server');
});
