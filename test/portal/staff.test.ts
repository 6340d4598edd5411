// The workspace for the 137 desk and for managers: an agent finds a caller
// by national code, files a tree felling request on their behalf (channel
// call-centre) and reads its status, then finds the caller again by a mobile
// the household shares; a manager reads the figures as charts.
// And a clerk's task list: the steps' Persian names from the diagram, SLA
// colours in words, filters kept in the address.
import t from 'tap';
import { recordDeployment, saveVersion } from '../../domain/process-design/versions.ts';
import type { Page } from 'playwright-core';
import { statusName } from '../../portal/src/shared/display.ts';
import { chain, userTask } from '../helpers/diagrams.ts';
import { eventually } from '../helpers/eventually.ts';
import {
  accessibilityViolations, asciiDigits, createStaffAccount, desk, fillTreeFellingForm, openPage, screenshot,
  staffPassword, startPortal, pagePatience, type Portal,
} from './harness.ts';
import { storeSimulationReport } from './simulation-report.ts';

t.setTimeout(300_000);

const persian = (text: string) => text.replace(/[0-9]/g, (digit) => '۰۱۲۳۴۵۶۷۸۹'[Number(digit)]!);

async function signIn(portal: Portal, page: Page, username: string) {
  await page.goto(`${portal.base}/staff`);
  await page.getByLabel('نام کاربری').fill(username);
  await page.getByLabel('گذرواژه').fill(staffPassword);
  await page.getByRole('button', { name: 'ورود' }).click();
}

t.test('a 137 agent files for a caller and a manager reads the figures', async (t) => {
  const portal = await startPortal(t);
  const check = async (name: string, page: Page) => {
    await screenshot(page, `staff-${name}`);
    t.same(await accessibilityViolations(page), [], `${name}: no WCAG 2.1 AA violations`);
  };
  await createStaffAccount(portal.db, 'agent-desk', 'agent-137', staffPassword);
  await createStaffAccount(portal.db, 'manager-desk', 'manager', staffPassword);

  // Given an agent on the phone with a caller the system has not seen
  const agent = await openPage(portal, desk);
  await signIn(portal, agent.page, 'agent-desk');
  await agent.page.getByRole('heading', { level: 1, name: 'سامانه ۱۳۷' }).waitFor();
  await check('call-centre', agent.page);
  await agent.page.getByLabel('کد ملی یا شماره همراه تماس‌گیرنده').fill('۴۷۲۱۰۱۶۳۵۲');
  await agent.page.getByRole('button', { name: 'جست‌وجو' }).click();
  await agent.page.getByText('شهروندی با این مشخصات پیدا نشد', { exact: false }).waitFor();

  // When they file a tree felling request for the caller
  await agent.page.getByRole('link', { name: 'ثبت درخواست برای شهروند تازه' }).click();
  await agent.page.getByLabel('خدمت').selectOption('tree-felling-permit');
  await agent.page.getByLabel('نام و نام خانوادگی').waitFor();
  await agent.page.getByLabel('کد ملی').fill('4721016352');
  await agent.page.getByLabel('شماره تلفن همراه').fill('09151234567');
  await fillTreeFellingForm(agent.page);
  await check('file-for-citizen', agent.page);
  await agent.page.getByRole('button', { name: 'ثبت درخواست' }).click();

  // Then the tracking code and the status are there to read to the caller
  await agent.page.locator('#tracking-code').waitFor();
  const code = asciiDigits(await agent.page.locator('#tracking-code').innerText());
  const request = await portal.db('requests').where({ tracking_code: code }).first();
  t.equal(request.channel, 'call-centre', 'the channel is recorded');
  t.ok(request.filed_by_staff_id, 'the agent who filed it is recorded');
  await check('status-for-caller', agent.page);

  // And a later look-up by national code lists it
  await agent.page.getByRole('link', { name: 'سامانه ۱۳۷' }).first().click();
  await agent.page.getByLabel('کد ملی یا شماره همراه تماس‌گیرنده').fill('4721016352');
  await agent.page.getByRole('button', { name: 'جست‌وجو' }).click();
  await agent.page.locator('#citizen-requests').getByText(code.replace(/[0-9]/g, (digit) => '۰۱۲۳۴۵۶۷۸۹'[Number(digit)]!)).waitFor();

  // Given a second member of the household registered with the same mobile
  await portal.db('citizens').insert({ national_code: '0013542419', mobile: '09151234567', name: 'علی رضایی' });
  const search = async (typed: string) => {
    await agent.page.getByLabel('کد ملی یا شماره همراه تماس‌گیرنده').fill(typed);
    await agent.page.getByLabel('کد ملی یا شماره همراه تماس‌گیرنده').press('Enter');
  };
  // When a caller gives only their mobile, typed in Persian digits
  await search('۰۹۱۵ ۱۲۳ ۴۵۶۷');
  // Then both are listed, told apart by name and how their national code ends
  const found = agent.page.locator('#citizens-found');
  await found.waitFor();
  t.same(await found.getByRole('button').allInnerTexts(), ['مریم رضایی — کد ملی به ۶۳۵۲ ختم می‌شود', 'علی رضایی — کد ملی به ۲۴۱۹ ختم می‌شود'], 'in the order they registered');
  t.notMatch(await found.innerText(), /۴۷۲۱۰۱|۰۰۱۳۵۴/, 'the list does not show whole national codes');
  t.match(await agent.page.locator('#citizen-search-status').innerText(), /۲ شهروند با این شماره همراه پیدا شد/, 'the live region says how many');
  await check('call-centre-by-mobile', agent.page);

  // When the agent picks the caller with the keyboard
  await found.getByRole('button', { name: /مریم رضایی/ }).focus();
  await agent.page.keyboard.press('Enter');
  // Then their requests and each one's status are there to read out, and focus is on them
  await agent.page.locator('#citizen-heading:focus').waitFor();
  t.equal(await found.getByRole('button', { name: /مریم رضایی/ }).getAttribute('aria-pressed'), 'true', 'the choice is announced as pressed');
  const row = agent.page.locator('#citizen-requests tbody tr', { hasText: persian(code) });
  await row.waitFor();
  const stored = await portal.db('requests').where({ tracking_code: code }).first();
  t.match(await row.innerText(), new RegExp(statusName(stored.status)), 'the status in words');
  t.match(await agent.page.locator('#citizen-chosen').innerText(), /۴۷۲۱۰۱۶۳۵۲/, 'the chosen caller\'s whole national code, to file with');
  t.match(await agent.page.locator('#citizen-search-status').innerText(), /مریم رضایی: ۱ درخواست/);
  await check('call-centre-caller-chosen', agent.page);

  // When the agent opens the request to read its steps, and comes back
  await row.getByRole('link', { name: persian(code) }).click();
  await agent.page.locator('#tracking-code').waitFor();
  t.match(await agent.page.locator('main').innerText(), new RegExp(`وضعیت\\s*${statusName(stored.status)}`), 'the request\'s page says its status');
  await agent.page.goBack();
  // Then the same caller is still chosen among the household
  await agent.page.locator('#citizen-heading', { hasText: 'مریم رضایی' }).waitFor();
  t.equal(await found.getByRole('button', { name: /مریم رضایی/ }).getAttribute('aria-pressed'), 'true', 'the choice survives the way back');
  t.equal(asciiDigits(await agent.page.getByLabel('کد ملی یا شماره همراه تماس‌گیرنده').inputValue()), '09151234567', 'and so does the search');

  // And the other member of the household has filed nothing
  await found.getByRole('button', { name: /علی رضایی/ }).click();
  await agent.page.locator('#citizen-chosen').getByText('درخواستی ثبت نشده است.').waitFor();
  t.equal(await found.getByRole('button', { name: /مریم رضایی/ }).getAttribute('aria-pressed'), 'false');

  // And a mobile nobody registered is said so
  await search('09350000000');
  await agent.page.locator('#citizen-results').getByText('شهروندی با این مشخصات پیدا نشد', { exact: false }).waitFor();
  t.equal(await agent.page.locator('#citizens-found').count(), 0, 'the earlier list is gone');
  t.same(agent.errors, [], 'no script errors at the 137 desk');

  // When the manager opens the figures
  const manager = await openPage(portal, desk);
  await signIn(portal, manager.page, 'manager-desk');
  await manager.page.getByRole('link', { name: 'آمار' }).click();
  await manager.page.getByRole('heading', { level: 1, name: 'آمار عملکرد' }).waitFor();
  t.ok(await manager.page.locator('#chart-channels').count(), 'requests per channel are drawn');
  const callCentreFilings = async () => (await manager.page.locator('#chart-channels .bar-row', { hasText: 'سامانه ۱۳۷' }).locator('dd').textContent())?.trim();
  t.equal(await callCentreFilings(), '۱', 'the chart says its numbers in text');
  t.ok(await manager.page.locator('#chart-services').count(), 'requests per service are drawn');
  await check('figures', manager.page);
  // And picks a period: the last 7 days still count today's filing, and the choice stays in the address
  await manager.page.getByLabel('بازه', { exact: true }).selectOption('7');
  await manager.page.getByRole('button', { name: 'نمایش' }).click();
  await manager.page.waitForURL(/#\/figures\?days=7$/);
  await manager.page.locator('#chart-period').waitFor();
  t.equal(await callCentreFilings(), '۱', 'today\'s filing is in the last 7 days');
  t.same(manager.errors, [], 'no script errors on the figures page');

  // When the manager opens a simulated month of their district
  await storeSimulationReport(portal.db);
  await manager.page.getByRole('link', { name: 'شبیه‌سازی', exact: true }).click();
  await manager.page.getByRole('heading', { level: 1, name: 'شبیه‌سازی‌ها' }).waitFor();
  await check('simulations', manager.page);
  await manager.page.getByRole('link', { name: /منطقه ۱۲، ۲ روز/ }).click();
  await manager.page.getByRole('heading', { level: 1, name: 'شبیه‌سازی منطقه ۱۲' }).waitFor();
  // Then the report draws the figures page's sections, the run as a load test and every district's roster
  t.ok(await manager.page.locator('#simulation-queues').count(), 'queues over time are drawn');
  t.match(await manager.page.locator('#simulation-queues desc').textContent() ?? '', /بازدیدکننده/, 'the queue chart names its lines in text');
  t.ok(await manager.page.getByRole('region', { name: 'کارکنان لازم در هر منطقه' }).getByRole('row', { name: /منطقه ۲/ }).count(), 'the rollout plan has district 2');
  await check('simulation-report', manager.page);
  t.same(manager.errors, [], 'no script errors on the simulation pages');
  t.same([...agent.foreign, ...manager.foreign], [], 'nothing fetched from outside our server');
});

/** Two steps of one case in district 12's clerk group, due at `dueDate` each. */
const clerkSteps = chain('clerk-steps', [
  { id: 'UserTask_CheckDeed', xml: userTask('UserTask_CheckDeed', { name: 'بررسی\nسند مالکیت', candidateGroups: 'district-12:clerk', dueDate: '=dueDate' }) },
]);

t.test('a clerk\'s task list: Persian step names, SLA colours, filters', async (t) => {
  const portal = await startPortal(t);
  const { zeebe } = portal.app;
  await createStaffAccount(portal.db, 'clerk-desk', 'clerk', staffPassword);
  // Deployed the way the modeler deploys: the saved version carries the engine's key.
  const saved = await saveVersion(portal.db, { processId: 'clerk-steps', xml: clerkSteps, author: 'analyst-12' });
  const deployed = (await zeebe.deployResource({ name: 'clerk-steps.bpmn', process: Buffer.from(clerkSteps) })).deployments[0] as unknown as { process: { processDefinitionKey: string; version: number } };
  await recordDeployment(portal.db, { processId: 'clerk-steps', version: saved.version, deployedBy: 'analyst-12', processDefinitionKey: String(deployed.process.processDefinitionKey), engineVersion: deployed.process.version });
  const day = 24 * 3_600_000;
  for (const [code, due] of [['140509080001', Date.now() - day], ['140509080002', Date.now() + 5 * day]] as const) {
    await zeebe.createProcessInstance({ bpmnProcessId: 'clerk-steps', variables: { trackingCode: code, serviceId: 'tree-felling-permit', dueDate: new Date(due).toISOString() } });
  }
  await eventually('both tasks stored', async () => (await portal.db('user_tasks').where({ element_id: 'UserTask_CheckDeed' })).length === 2, pagePatience);

  const { page, errors } = await openPage(portal, desk);
  await signIn(portal, page, 'clerk-desk');
  await page.getByRole('heading', { level: 1, name: 'کارتابل' }).waitFor();
  const rows = page.locator('#task-list tbody tr');
  t.equal(await rows.count(), 2);
  t.same(await rows.locator('td:first-child').allInnerTexts(), ['بررسی سند مالکیت', 'بررسی سند مالکیت'], 'the step\'s name from its diagram, not its element id');
  t.match(await rows.nth(0).innerText(), /۱۴۰۵۰۹۰۸۰۰۰۱[\s\S]*گذشته از موعد/, 'the overdue one first, its colour said in words');
  t.match(await rows.nth(1).innerText(), /در موعد/);
  t.equal(await rows.nth(0).getAttribute('class'), 'sla-breached');
  await screenshot(page, 'staff-task-list');
  t.same(await accessibilityViolations(page), [], 'task list: no WCAG 2.1 AA violations');

  // When the clerk shows only overdue tasks
  await page.getByLabel('موعد').selectOption('breached');
  await page.getByRole('button', { name: 'نمایش' }).click();
  await page.waitForURL(/#\/tasks\?sla=breached$/);
  await eventually('the filtered list', async () => (await rows.count()) === 1, pagePatience);
  t.match(await rows.nth(0).innerText(), /۱۴۰۵۰۹۰۸۰۰۰۱/);
  t.match(await page.locator('#task-count').innerText(), /۱ وظیفه با این پالایش/);

  // And then what they have claimed: nothing yet, then the one they take
  await page.getByLabel('وظایف', { exact: true }).selectOption('mine');
  await page.getByLabel('موعد').selectOption('');
  await page.getByRole('button', { name: 'نمایش' }).click();
  await page.getByText('وظیفه‌ای با این پالایش نیست.').waitFor();
  await page.goto(`${portal.base}/staff#/tasks`);
  await rows.nth(1).getByRole('button', { name: 'برداشتن' }).click();
  await page.locator('h1', { hasText: 'بررسی سند مالکیت' }).waitFor();
  await page.goto(`${portal.base}/staff#/tasks?who=mine`);
  await eventually('my claimed task', async () => (await rows.count()) === 1 && /۱۴۰۵۰۹۰۸۰۰۰۲/.test(await rows.nth(0).innerText()), pagePatience);
  t.equal(await page.getByLabel('وظایف', { exact: true }).inputValue(), 'mine', 'the filter is read back from the address');
  await screenshot(page, 'staff-task-list-mine');
  t.same(errors, [], 'no script errors on the task list');
});
