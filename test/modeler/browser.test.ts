// The modeler in headless Chromium against the real API, PostgreSQL and the
// engine: open a service, edit it in the properties panel, watch the lint
// error come and go, save, deploy, and check that new instances run the edit;
// edit a user task's form in the form editor.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import pino from 'pino';
import { startEngine } from '../../engine/index.ts';
import { readConfig } from '../../platform/config.ts';
import { createZeebeClient } from '../../platform/zeebe.ts';
import authRoutes from '../../api/routes/api/auth/index.ts';
import modeler from '../../modeler/server.ts';
import processRoutes from '../../api/routes/api/processes/index.ts';
import { ensureBundle } from '../../modeler/build.ts';
import { listDiagrams } from '../../processes/diagrams.ts';
import { launchChromium, recordPolicyViolations } from '../helpers/browser.ts';
import { createTestDatabase } from '../helpers/database.ts';
import { reviewDiagram, reviewForm } from './fixtures.ts';
import { modelerHost, staffBearer } from './helpers.ts';
import { clipped, openGroup, selectElement, typeFeel } from './page.ts';

const artifacts = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));
const logger = pino({ level: 'silent' });
// Two browser sessions with a bundle build can pass tap's default 120 s on a busy two-core CI machine.
t.setTimeout(300_000);

interface Teardown { teardown(fn: () => unknown): void }

/** The modeler served by a real HTTP server on the API's context, a fresh database and a real engine. */
async function startModeler(t: Teardown) {
  const db = await createTestDatabase(t);
  const engine = await startEngine({ db, port: 0, logger });
  t.teardown(() => engine.stop());
  const config = readConfig({ JWT_SECRET: 'modeler-browser-test-secret-of-32-characters' });
  const zeebe = createZeebeClient(config, engine.address, logger);
  t.teardown(() => zeebe.close(1_000).catch(() => undefined));
  const app = await modelerHost({ config, db, zeebe });
  await app.register(modeler);
  await app.register(processRoutes, {
    prefix: '/api/processes',
    jobContracts: [{ type: 'payment.request', inputs: [{ name: 'amount', label: 'Amount in rials' }], errors: ['PAYMENT_DECLINED'] }],
  });
  // The API's own staff sign-in, against a real account.
  await app.register(authRoutes, { prefix: '/api/auth' });
  // The page waits for the bundle; on a busy machine building it can take longer than a page load may.
  await ensureBundle();
  const base = await app.listen({ host: '127.0.0.1', port: 0 });
  t.teardown(() => app.close());
  const analystToken = (await staffBearer(app, db, 'maryam', 'analyst')).authorization.slice('Bearer '.length);
  const browser = await launchChromium(t);
  // A municipal office's common laptop screen.
  const browserContext = await browser.newContext({ viewport: { width: 1366, height: 768 } });
  await browserContext.addInitScript((token) => window.localStorage.setItem('shahrdari.staffToken', token), analystToken);
  // Nothing may come from outside this server.
  const foreign: string[] = [];
  browserContext.on('request', (request) => { if (!request.url().startsWith(base)) foreign.push(request.url()); });
  const page = await browserContext.newPage();
  page.setDefaultTimeout(20_000);
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  recordPolicyViolations(page, pageErrors);
  return { app, zeebe, base, browser, page, pageErrors, foreign, analyst: { authorization: `Bearer ${analystToken}` } };
}

t.test('an analyst edits, saves and deploys a service in the browser', async (t) => {
  const { app, zeebe, base, browser, page, pageErrors, foreign, analyst } = await startModeler(t);

  // Given a service whose first version runs in the engine
  const id = 'street-lighting-repair';
  await app.inject({ method: 'PUT', url: `/api/processes/${id}`, headers: analyst, payload: { xml: reviewDiagram(id, { name: 'تعمیر روشنایی معابر' }) } });
  const first = await app.inject({ method: 'POST', url: `/api/processes/${id}/deploy`, headers: analyst, payload: {} });
  t.equal(first.json().version.engineVersion, 1);

  // When the analyst opens the service from the list
  await page.goto(`${base}/modeler/`);
  await page.waitForSelector('body[data-ready="true"]');
  t.match(await page.textContent('#mode'), 'maryam');
  await page.click(`#process-list li[data-process-id="${id}"]`);
  await page.waitForSelector('.djs-element[data-element-id="Task_Review"]');
  t.match(await page.textContent('#current-process'), 'تعمیر روشنایی معابر');
  t.equal(await page.getAttribute('#lint-summary', 'data-errors'), '0', 'the diagram starts clean');

  // and renames the task in the properties panel
  await page.click('.djs-element[data-element-id="Task_Review"]');
  await openGroup(page, 'general');
  const nameField = page.locator('[data-entry-id="name"] textarea, [data-entry-id="name"] input').first();
  await nameField.fill('Review the application');
  await page.waitForFunction(() => (window as any).shahrdariModeler.editor.get('elementRegistry').get('Task_Review').businessObject.name === 'Review the application');

  // and breaks, then fixes, the gateway's FEEL condition
  await selectElement(page, 'Flow_Large');
  await openGroup(page, 'condition');
  const condition = page.locator('[data-entry-id="conditionExpression"] .cm-content');
  await typeFeel(page, condition, 'amount >');
  await page.waitForSelector('#lint-errors li[data-element-id="Flow_Large"]');
  t.equal(await page.getAttribute('#lint-summary', 'data-errors'), '1', 'an invalid FEEL condition is a lint error');
  t.match(await page.textContent('#lint-errors'), 'camunda-compat/feel');
  t.ok(await page.locator('.bjsl-overlay').count() > 0, 'the canvas marks the element');

  await page.click('#deploy');
  await page.waitForSelector('#message.error');
  t.match(await page.textContent('#message'), 'استقرار ممکن نیست', 'deploy is refused while the error remains');

  await typeFeel(page, condition, 'amount > 2000');
  await page.waitForSelector('#lint-summary[data-errors="0"]');
  t.equal(await page.locator('#lint-errors li').count(), 0, 'the error disappears once the condition is valid');

  fs.mkdirSync(artifacts, { recursive: true });
  await page.screenshot({ path: path.join(artifacts, 'modeler-street-lighting-repair.png') });

  // and saves and deploys
  await page.fill('#comment', 'Higher threshold for the large branch');
  await page.click('#save');
  await page.waitForSelector('#message:not(.error):has-text("ذخیره شد")');
  t.match(await page.textContent('#versions li[data-version="2"]'), 'Higher threshold for the large branch', 'the version list shows the comment');
  // and reviews what changes against the running version 1 before confirming
  await page.click('#deploy');
  await page.waitForSelector('#deploy-review[open]');
  t.match(await page.textContent('#review-against'), 'نسخهٔ ۱ که اکنون اجرا می‌شود');
  t.same(await page.locator('#review-changes li').evaluateAll((items) => items.map((item) => (item as HTMLElement).dataset.kind)), ['renamed', 'condition']);
  t.match(await page.textContent('#review-changes li[data-kind="renamed"]'), '«Review the request» به «Review the application»');
  fs.mkdirSync(artifacts, { recursive: true });
  await page.screenshot({ path: path.join(artifacts, 'modeler-deploy-review.png') });
  await page.fill('#review-comment', 'آستانهٔ بالاتر');
  await page.click('#review-confirm');
  await page.waitForSelector('#message:has-text("مستقر شد")');
  t.notOk(await page.locator('#message.error').count(), 'deployed without an error');

  // Then the API has the edit as version 2, deployed as engine version 2, with who confirmed it and why
  const versions = (await app.inject({ url: `/api/processes/${id}/versions` })).json();
  t.match(versions[0], {
    version: 2, author: 'maryam', comment: 'Higher threshold for the large branch', deployedBy: 'maryam', deployComment: 'آستانهٔ بالاتر', engineVersion: 2,
  });
  const latest = (await app.inject({ url: `/api/processes/${id}` })).json();
  t.match(latest.xml, 'name="Review the application"');
  t.match(latest.xml, '=amount &gt; 2000');

  // and a new request starts that version and takes the edited condition
  const started = await zeebe.createProcessInstanceWithResult({ bpmnProcessId: id, variables: { amount: 1500 }, requestTimeout: 10_000 } as never);
  t.equal(started.version, 2, 'new instances start the deployed version');
  t.equal(String(started.processDefinitionKey), versions[0].processDefinitionKey);

  // Previous versions stay viewable
  await page.click('#versions li[data-version="1"]');
  await page.waitForFunction(() => (window as any).shahrdariModeler.editor.get('elementRegistry').get('Task_Review').businessObject.name === 'Review the request');
  t.match(await page.textContent('#versions li[data-version="2"]'), 'مستقر', 'the list says which version is deployed');

  // Download gives the open diagram as <id>.bpmn; uploading a file puts it on the canvas
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
  t.equal(download.suggestedFilename(), `${id}.bpmn`);
  const downloaded = fs.readFileSync(await download.path(), 'utf8');
  t.match(downloaded, 'name="Review the request"', 'the version on the canvas');
  await page.setInputFiles('#upload', {
    name: `${id}.bpmn`,
    mimeType: 'application/xml',
    buffer: Buffer.from(reviewDiagram(id, { taskName: 'Uploaded review' })),
  });
  await page.waitForFunction(() => (window as any).shahrdariModeler.editor.get('elementRegistry').get('Task_Review').businessObject.name === 'Uploaded review');

  // A worker's element template turns the task into that worker's job
  await page.click('.djs-element[data-element-id="Task_Review"]');
  await page.click('.bio-properties-panel-select-template-button');
  await page.click('.template-chooser li:has-text("Payment: request")');
  await page.waitForFunction(() => {
    const element = (window as any).shahrdariModeler.editor.get('elementRegistry').get('Task_Review');
    const definition = element?.businessObject.extensionElements?.values.find((value: any) => value.$type === 'zeebe:TaskDefinition');
    return element.type === 'bpmn:ServiceTask' && definition?.type === 'payment.request';
  });
  await page.waitForSelector('.bio-properties-panel-group-header-title:has-text("ورودی‌ها")');
  t.pass('the payment template made Task_Review a payment.request service task with its inputs');

  // A real service opens fitted beside the palette, in one unclipped screen, with Persian labels
  await page.click('#process-list li[data-process-id="tree-felling-permit"]');
  await page.waitForSelector('.djs-element[data-element-id="Call_Payment"]');
  await page.waitForFunction(() => document.querySelector('#lint-summary')?.textContent !== '');
  t.same(await clipped(page), [], 'nothing clipped at 1366 × 768');
  t.equal(await page.textContent('#current-process bdi'), '(tree-felling-permit)', 'the id keeps its order in the right-to-left bar');
  t.match(await page.textContent('.bjsl-button'), 'بدون ایراد', 'the lint badge speaks Persian');
  t.ok(await page.isVisible('.bjs-powered-by'), 'the bpmn.io watermark stays');
  await page.click('.djs-element[data-element-id="Call_Payment"]');
  await page.waitForSelector('[data-group-id="group-general"] .bio-properties-panel-group-header-title:has-text("عمومی")');
  t.ok(await page.locator('.bio-properties-panel-label:has-text("شناسه")').count() > 0, 'properties panel entries in Persian');
  await page.screenshot({ path: path.join(artifacts, 'modeler-1366-tree-felling-permit.png') });

  // An analyst deletes the payment step (bpmn-js rejoins the flow) and is stopped with the Persian reason
  await page.click('.djs-context-pad [data-action="delete"]');
  await page.waitForSelector('#lint-errors li[data-rule="shahrdari/catalogue-promises"]');
  t.notOk(await page.locator('.djs-element[data-element-id="Call_Payment"]').count(), 'the payment step is gone from the canvas');
  t.match(await page.textContent('#lint-errors'), 'تعهد کاتالوگ: مرحلهٔ «پرداخت هزینه» (این خدمت هزینه دارد) — در نمودار نیست');
  t.match(await page.textContent('.bjsl-button'), /[۱-۹] خطا/, 'the badge counts the error in Persian digits');
  await page.click('#deploy');
  await page.waitForSelector('#message.error');
  t.match(await page.textContent('#message'), 'استقرار ممکن نیست');
  t.same(await clipped(page), [], 'the refusal and its reason fit the screen');
  await page.screenshot({ path: path.join(artifacts, 'modeler-1366-payment-removed.png') });
  // and the server's gate says the same if the page is bypassed
  const xml = await page.evaluate(async () => (await (window as any).shahrdariModeler.editor.saveXML()).xml);
  await app.inject({ method: 'PUT', url: '/api/processes/tree-felling-permit', headers: analyst, payload: { xml } });
  const refused = await app.inject({ method: 'POST', url: '/api/processes/tree-felling-permit/deploy', headers: analyst, payload: {} });
  t.equal(refused.statusCode, 422);
  t.match(refused.json().lint, [{ rule: 'shahrdari/catalogue-promises', message: /«پرداخت هزینه»/ }]);

  // Usable at 1280 too
  await page.setViewportSize({ width: 1280, height: 720 });
  t.same(await clipped(page), [], 'nothing clipped at 1280 × 720');
  await page.setViewportSize({ width: 1366, height: 768 });

  // A visitor without the analyst role gets a read-only view
  const visitor = await (await browser.newContext()).newPage();
  recordPolicyViolations(visitor, pageErrors);
  await visitor.goto(`${base}/modeler/#${id}`);
  await visitor.waitForSelector('body[data-ready="true"]');
  t.match(await visitor.textContent('#mode'), 'فقط خواندنی');
  t.ok(await visitor.isDisabled('#save'), 'no saving');
  t.equal(await visitor.locator('#properties *').count(), 0, 'no properties panel');
  await visitor.waitForSelector('.djs-element[data-element-id="Task_Review"]');

  // and becomes an editor by signing in as an analyst
  await visitor.click('#sign-in');
  await visitor.fill('#sign-in-form [name="username"]', 'maryam');
  await visitor.fill('#sign-in-form [name="password"]', 'wrong');
  await visitor.click('#sign-in-form button[type="submit"]');
  await visitor.waitForSelector('#message.error');
  await visitor.fill('#sign-in-form [name="password"]', 'correct horse');
  await visitor.click('#sign-in-form button[type="submit"]');
  await visitor.waitForSelector('#mode:has-text("maryam")');
  await visitor.waitForSelector('#save:not([disabled])');
  t.pass('signed in, the visitor may save');

  t.same(pageErrors, [], 'no script errors');
  t.same(foreign, [], 'no request left this server');
});

t.test("an analyst edits a user task's form in the form editor and deploys it with the diagram", async (t) => {
  const { app, base, page, pageErrors, foreign, analyst } = await startModeler(t);
  const id = 'street-lighting-repair';
  const formId = 'street-lighting-findings';
  await app.inject({ method: 'PUT', url: `/api/processes/forms/${formId}`, headers: analyst, payload: { schema: reviewForm(formId, 'Findings of the visit') } });
  await app.inject({ method: 'PUT', url: `/api/processes/${id}`, headers: analyst, payload: { xml: reviewDiagram(id, { formId }) } });

  await page.goto(`${base}/modeler/#${id}`);
  await page.waitForSelector('body[data-ready="true"]');
  await page.waitForSelector('.djs-element[data-element-id="Task_Review"]');
  t.ok(await page.isDisabled('#edit-form'), 'no form to edit until a user task is selected');
  await page.click('.djs-element[data-element-id="Task_Review"]');
  await page.waitForSelector('#edit-form:not([disabled])');
  await page.click('#edit-form');
  await page.waitForSelector('#form-dialog:not([hidden]) .fjs-editor-container');
  await page.waitForSelector('#form-editor :text("Findings of the visit")');
  fs.mkdirSync(artifacts, { recursive: true });
  await page.screenshot({ path: path.join(artifacts, 'modeler-form-editor.png') });

  // A change through the form editor's own command stack, then save
  await page.evaluate(() => {
    const dialog = (window as any).shahrdariModeler.formDialog;
    const editor = dialog.editor;
    const field = editor.get('formFieldRegistry').getAll().find((candidate: any) => candidate.key === 'findings');
    editor.get('modeling').editFormField(field, 'label', 'Inspector findings');
  });
  await page.click('#form-save');
  await page.waitForSelector('#message:has-text("نسخه ۲ ذخیره شد")');
  await page.click('#form-close');
  t.match((await app.inject({ url: `/api/processes/forms/${formId}` })).json(), { version: 2, schema: 'Inspector findings' });

  await page.click('#deploy');
  await page.waitForSelector('#deploy-review[open]');
  t.match(await page.textContent('#review-forms'), formId, 'the review says the saved form goes with the diagram');
  await page.click('#review-confirm');
  await page.waitForSelector('#message:has-text("مستقر شد")');
  const form = (await app.inject({ url: `/api/processes/${id}/versions` })).json()[0];
  t.match(form, { version: 1, engineVersion: 1 }, 'the diagram deployed, its form first');
  t.same(pageErrors, [], 'no script errors');
  t.same(foreign, [], 'no request left this server');
});

t.test('every service diagram in processes/ opens in the modeler and lints clean in the canvas', async (t) => {
  const { app, base, page, pageErrors, foreign } = await startModeler(t);
  const { processes } = (await app.inject({ url: '/api/processes' })).json() as { processes: Array<{ id: string; name: string; inRepository: boolean }> };
  const inRepository = processes.filter((entry) => entry.inRepository);
  t.same(inRepository.map((entry) => entry.id).sort(), listDiagrams().map((diagram) => diagram.id).sort(), 'the list offers every diagram in processes/');
  await page.goto(`${base}/modeler/`);
  await page.waitForSelector('body[data-ready="true"]');
  for (const entry of inRepository) {
    await page.click(`#process-list li[data-process-id="${entry.id}"]`);
    await page.waitForFunction((id) => (window as any).shahrdariModeler.state.processId === id
      && document.querySelector('#current-process')?.textContent?.includes(id), entry.id);
    // The page empties the summary on import and the linter fills it in.
    await page.waitForFunction(() => document.querySelector('#lint-summary')?.textContent !== '');
    const errors = await page.locator('#lint-errors li').allTextContents();
    t.same(errors, [], `${entry.id} (${entry.name}) opens without lint errors`);
    if (entry.id === 'building-permit') {
      fs.mkdirSync(artifacts, { recursive: true });
      await page.screenshot({ path: path.join(artifacts, 'modeler-building-permit.png') });
    }
  }

  // A user task drawn here is a job-worker user task (the engine refuses Camunda user tasks), and a Camunda user task is a lint error in the canvas.
  const drawn = await page.evaluate(() => {
    const editor = (window as any).shahrdariModeler.editor;
    const registry = editor.get('elementRegistry');
    const parent = registry.filter((element: any) => element.type === 'bpmn:Participant')[0] ?? editor.get('canvas').getRootElement();
    const shape = editor.get('modeling').createShape(editor.get('elementFactory').createShape({ type: 'bpmn:UserTask' }), { x: parent.x + 200 || 400, y: parent.y + parent.height - 60 || 600 }, parent);
    return { id: shape.id, extensions: (shape.businessObject.extensionElements?.values ?? []).map((value: any) => value.$type) };
  });
  t.same(drawn.extensions.filter((type: string) => type === 'zeebe:UserTask'), [], 'a new user task has no <zeebe:userTask/>');
  await page.evaluate((id) => {
    const editor = (window as any).shahrdariModeler.editor;
    const element = editor.get('elementRegistry').get(id);
    const modeling = editor.get('modeling');
    const moddle = editor.get('moddle');
    let extensions = element.businessObject.extensionElements;
    if (!extensions) {
      extensions = moddle.create('bpmn:ExtensionElements', { values: [] });
      modeling.updateProperties(element, { extensionElements: extensions });
    }
    modeling.updateModdleProperties(element, extensions, { values: [...extensions.values, moddle.create('zeebe:UserTask')] });
  }, drawn.id);
  await page.waitForSelector(`#lint-errors li[data-rule="camunda-compat/no-zeebe-user-task"]`);
  t.pass('a Camunda user task is a lint error in the canvas');
  t.same(pageErrors, [], 'no script errors');
  t.same(foreign, [], 'no request left this server');
});
