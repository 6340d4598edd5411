// An analyst moves running requests in the browser: with tree-felling-permit
// requests waiting at its document check and its field inspection (filed
// through the API, worked there by the real workers), she renames the
// inspection task in the properties panel, reviews the change, deploys, and
// the migration dialog opens: how many wait where, where each place goes,
// the citizen's cancellation they keep listening to, and which cannot move
// and why once she leaves a place without a target. She moves one place's
// requests, then the rest, and sees them on the new version, as the engine
// and each request's timeline say. Screenshots at 1366 × 768, with nothing
// of the dialog cut off.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import t from 'tap';
import type { Page } from 'playwright-core';
import { freePort } from '../../platform/free-port.ts';
import type { Logger } from '../../platform/logger.ts';
import { startWorkers } from '../../workers/index.ts';
import { nextErrandStep } from '../api/errand-steps.ts';
import { signInCitizen, signInStaff, startTestApi } from '../api/helpers.ts';
import { launchChromium } from '../helpers/browser.ts';
import { eventually } from '../helpers/eventually.ts';
import { deployServices } from '../helpers/services.ts';
import { clipped, openGroup, selectElement } from './page.ts';

const artifacts = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));
t.setTimeout(300_000);

/** What of the open dialog does not fit: the dialog past the screen, anything in it cut off sideways, buttons out of view. */
async function dialogClipped(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const problems: string[] = [];
    const dialog = document.querySelector<HTMLDialogElement>('#migration')!;
    const box = dialog.getBoundingClientRect();
    if (box.left < 0 || box.top < 0 || box.right > window.innerWidth || box.bottom > window.innerHeight) problems.push(`the dialog (${Math.round(box.width)} × ${Math.round(box.height)}) goes past the screen`);
    for (const scroller of [dialog, dialog.querySelector<HTMLElement>('.migration-body')!]) {
      if (scroller.scrollWidth > scroller.clientWidth + 1) problems.push(`${scroller.id || scroller.className} scrolls sideways (${scroller.scrollWidth} > ${scroller.clientWidth} px)`);
    }
    for (const element of Array.from(dialog.querySelectorAll<HTMLElement>('h2, p, caption, th, td, select, button, label, small'))) {
      const inner = element.getBoundingClientRect();
      if (inner.width === 0) continue;
      if (inner.left < box.left - 1 || inner.right > box.right + 1) problems.push(`${element.tagName.toLowerCase()} «${element.textContent!.trim().slice(0, 30)}» is cut off sideways`);
      if (element.scrollWidth > element.clientWidth + 1 && element.tagName !== 'SELECT') problems.push(`${element.tagName.toLowerCase()} «${element.textContent!.trim().slice(0, 30)}» overflows its box`);
    }
    for (const button of Array.from(dialog.querySelectorAll<HTMLElement>('.review-actions button'))) {
      const inner = button.getBoundingClientRect();
      if (inner.bottom > window.innerHeight || inner.top < 0) problems.push(`the ${button.id} button is out of view`);
    }
    return problems;
  });
}

t.test('an analyst renames a task, deploys, and moves the running requests to the new version in the migration dialog', async (t) => {
  const port = await freePort();
  const api = await startTestApi(t, {}, { PORT: String(port) });
  const { app, db, zeebe } = api;
  const logger = pino({ level: 'silent' }) as Logger;
  const base = await app.listen({ host: app.config.HOST, port });
  await deployServices(zeebe, logger, ['tree-felling-permit']);
  const workers = startWorkers({ zeebe, db, logger, publicUrl: app.config.publicUrl });
  t.teardown(() => workers.stop());
  // The inspection worker assigns district 12's inspector, who must exist.
  const staff = { clerk: await signInStaff(api, 'clerk-12', 'clerk', 12), inspector: await signInStaff(api, 'inspector-12', 'inspector', 12) };
  const analyst = await signInStaff(api, 'maryam', 'analyst', null);
  const zahra = await signInCitizen(api, '0013542419', '09121234567');
  const form = {
    citizenName: 'زهرا کریمی', nationalCode: '0013542419', mobile: '09121234567', postalCode: '9184713456',
    renewalCode: '12-345-6', address: 'مشهد، بلوار پیروزی، کوچه ۱۲', treeCount: 1, fellingReason: 'dead', declaration: true,
  };

  // Given six requests running on the repository's version: three at the document check, three at the field inspection
  const filed: Array<{ id: string; trackingCode: string; at: string }> = [];
  for (let index = 0; index < 6; index++) {
    const response = await app.inject({ method: 'POST', url: '/api/requests', headers: zahra, payload: { serviceId: 'tree-felling-permit', districtId: 12, form } });
    t.equal(response.statusCode, 201);
    filed.push({ ...(response.json() as { id: string; trackingCode: string }), at: index < 3 ? 'task-document-check' : 'task-inspection' });
  }
  const openForm = async (requestId: string) => (await db('user_tasks').where({ request_id: requestId, status: 'open' }).first('form_id'))?.form_id as string | undefined;
  for (const request of filed) await eventually(`${request.trackingCode} at the document check`, async () => (await openForm(request.id)) === 'task-document-check', { timeoutMs: 60_000 });
  for (const request of filed.filter((candidate) => candidate.at === 'task-inspection')) {
    t.equal(await nextErrandStep(api, staff, request.id), 'task:task-document-check');
    await eventually(`${request.trackingCode} at the inspection`, async () => (await openForm(request.id)) === 'task-inspection', { timeoutMs: 60_000 });
  }

  const browser = await launchChromium(t);
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
  await context.addInitScript((token) => window.localStorage.setItem('shahrdari.staffToken', token), analyst.authorization.slice('Bearer '.length));
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));

  // When the analyst renames the inspection task in the properties panel
  await page.goto(`${base}/modeler/#tree-felling-permit`);
  await page.waitForSelector('body[data-ready="true"]');
  await page.waitForSelector('.djs-element[data-element-id="Call_FieldInspection"]');
  await selectElement(page, 'Call_FieldInspection');
  await openGroup(page, 'general');
  await page.locator('[data-entry-id="name"] textarea, [data-entry-id="name"] input').first().fill('بازدید کارشناس فضای سبز');
  await page.waitForFunction(() => (window as any).shahrdariModeler.editor.get('elementRegistry').get('Call_FieldInspection').businessObject.name === 'بازدید کارشناس فضای سبز');

  // and reviews the change before deploying
  await page.click('#deploy');
  await page.waitForSelector('#deploy-review[open]');
  t.match(await page.textContent('#review-changes li[data-kind="renamed"]'), '«بازدید میدانی» به «بازدید کارشناس فضای سبز»', 'the review names the rename');
  await page.fill('#review-comment', 'نام روشن‌تر برای بازدید');
  await page.click('#review-confirm');

  // Then the migration dialog opens on the running requests
  await page.waitForSelector('#migration[open]');
  t.match(await page.textContent('#migration-title'), 'انتقال درخواست‌های در جریان به نسخهٔ ۱');
  t.match(await page.textContent('#migration-source'), '۶ درخواست هنوز با نسخهٔ مخزن پیش می‌رود');
  const row = (id: string) => page.locator(`#migration tr[data-element-id="${id}"]`);
  t.equal(await row('Call_DocumentCheck').locator('td.count').textContent(), '۳', 'three wait at the document check');
  t.equal(await row('Call_FieldInspection').locator('td.count').textContent(), '۳', 'three at the inspection');
  t.equal(await row('Call_FieldInspection').locator('select').inputValue(), 'Call_FieldInspection', 'same id proposed');
  t.equal(await row('Call_Payment').count(), 0, 'places where nobody waits are not shown');
  t.equal(await page.locator('#migration-events tr[data-element-id="Start_Cancelled"] td.count').textContent(), '۶', "all six listen for the citizen's cancellation");
  t.equal(await page.locator('#migration-events tr[data-element-id="Start_Cancelled"] select').inputValue(), 'Start_Cancelled', 'and keep listening');
  t.equal(await page.textContent('#migration-run'), 'انتقال ۶ درخواست برگزیده');
  fs.mkdirSync(artifacts, { recursive: true });
  t.same(await dialogClipped(page), [], 'nothing of the dialog is cut off at 1366 × 768');
  t.same(await clipped(page), [], 'nor of the page behind it');
  await page.screenshot({ path: path.join(artifacts, 'modeler-1366-migration-plan.png') });

  // A place left without a target: its requests cannot move, and the dialog says why
  await row('Call_DocumentCheck').locator('select').selectOption('');
  t.equal(await page.locator('#migration-requests li[data-state="blocked"]').count(), 3);
  t.match(await page.textContent('#migration-requests li[data-state="blocked"] small'), 'جایش در نسخهٔ تازه تعیین نشده است؛ در نسخهٔ پیشین می‌ماند');
  t.equal(await page.textContent('#migration-run'), 'انتقال ۳ درخواست برگزیده');
  t.same(await dialogClipped(page), [], 'the reasons fit too');
  await page.screenshot({ path: path.join(artifacts, 'modeler-1366-migration-blocked.png') });

  // She moves the inspection's requests only, then maps the document check back and moves the rest
  await row('Call_FieldInspection').locator('button').click();
  t.equal(await page.textContent('#migration-run'), 'انتقال ۳ درخواست برگزیده');
  await page.click('#migration-run');
  await page.waitForSelector('#message:has-text("۳ درخواست منتقل شد")');
  t.equal(await page.locator('#migration-requests li[data-state="moved"]').count(), 3, 'three on the new version');
  t.match(await page.textContent('#migration-source'), '۳ درخواست هنوز با نسخهٔ مخزن پیش می‌رود');
  await row('Call_DocumentCheck').locator('select').selectOption('Call_DocumentCheck');
  await page.click('#migration-all');
  await page.click('#migration-run');
  await page.waitForSelector('#message:has-text("۳ درخواست منتقل شد")');
  await page.waitForSelector('#migration-source:has-text("منتقل شده‌اند")');
  t.equal(await page.locator('#migration-requests li[data-state="moved"]').count(), 6, 'all six are on the new version');
  t.match(await page.textContent('#migration-requests li[data-state="moved"]'), 'در نسخهٔ ۱');
  t.ok(await page.isDisabled('#migration-run'), 'nothing is left to move');
  t.same(await dialogClipped(page), [], 'nothing cut off after the move');
  await page.screenshot({ path: path.join(artifacts, 'modeler-1366-migration-done.png') });

  // And the engine and the requests' timelines agree
  const deployed = (await app.inject({ url: '/api/processes/tree-felling-permit/versions' })).json()[0];
  for (const request of filed) {
    const { process_instance_key: key } = await db('requests').where({ id: request.id }).first('process_instance_key');
    t.equal(String((await db('engine_process_instances').where({ key }).first()).process_definition_key), deployed.processDefinitionKey, `${request.trackingCode} runs the new version`);
    t.equal((await db('request_events').where({ request_id: request.id, kind: 'migrated' })).length, 1, 'its timeline has the move once');
  }
  // and a moved inspection goes on with the renamed task
  const inspected = filed.find((request) => request.at === 'task-inspection')!;
  t.equal(await openForm(inspected.id), 'task-inspection', 'the inspection still waits for the inspector');
  t.same(pageErrors, [], 'no script errors');
});
