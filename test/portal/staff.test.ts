// The workspace for the 137 desk and for managers: an agent finds a caller
// by national code, files a tree felling request on their behalf (channel
// call-centre) and reads its status; a manager reads the figures as charts.
import fs from 'node:fs';
import t from 'tap';
import type { Page } from 'playwright-core';
import {
  accessibilityViolations, asciiDigits, chromiumPath, createStaffAccount, desk, fillTreeFellingForm, openPage, routeExists, screenshot,
  staffPassword, startPortal, type Portal,
} from './harness.ts';

t.setTimeout(300_000);

async function signIn(portal: Portal, page: Page, username: string) {
  await page.goto(`${portal.base}/staff`);
  await page.getByLabel('نام کاربری').fill(username);
  await page.getByLabel('گذرواژه').fill(staffPassword);
  await page.getByRole('button', { name: 'ورود' }).click();
}

if (!fs.existsSync(chromiumPath)) {
  t.plan(0, `skipped: ${chromiumPath} is missing (apt-get install -y chromium)`);
} else {
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
    t.same(agent.errors, [], 'no script errors at the 137 desk');

    if (!(await routeExists(portal, 'GET', '/api/figures'))) return t.test('figures', { skip: 'waits for GET /api/figures' }, async () => undefined);

    // When the manager opens the figures
    const manager = await openPage(portal, desk);
    await signIn(portal, manager.page, 'manager-desk');
    await manager.page.getByRole('link', { name: 'آمار' }).click();
    await manager.page.getByRole('heading', { level: 1, name: 'آمار عملکرد' }).waitFor();
    t.ok(await manager.page.locator('#chart-channels').count(), 'requests per channel are drawn');
    t.match(await manager.page.locator('#chart-channels desc').textContent() ?? '', /سامانه ۱۳۷: ۱/, 'the chart says its numbers in text');
    t.ok(await manager.page.locator('#chart-services').count(), 'requests per service are drawn');
    await check('figures', manager.page);
    t.same(manager.errors, [], 'no script errors on the figures page');
    t.same([...agent.foreign, ...manager.foreign], [], 'nothing fetched from outside our server');
  });
}
