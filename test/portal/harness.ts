// The whole system for a browser test: a fresh database, the embedded engine
// with every diagram deployed, the workers, the real API (which serves the
// portal) on a free port, and headless Chromium. Helpers read the SMS outbox,
// check a page with axe-core and keep screenshots.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import type { FastifyInstance } from 'fastify';
import type { Knex } from 'knex';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { buildApp } from '../../api/app.ts';
import { hashPassword } from '../../api/plugins/app/auth.ts';
import { startEngine } from '../../engine/index.ts';
import { readConfig } from '../../platform/config.ts';
import { deployResources } from '../../platform/deployment.ts';
import { deployServices } from '../helpers/services.ts';
import type { Logger } from '../../platform/logger.ts';
import { createZeebeClient } from '../../platform/zeebe.ts';
import { startWorkers } from '../../workers/index.ts';
import { launchChromium, recordPolicyViolations } from '../helpers/browser.ts';
import { createTestDatabase } from '../helpers/database.ts';
import { eventually, type Patience } from '../helpers/eventually.ts';
import { ensureBundle as ensureModelerBundle } from '../../modeler/build.ts';
import { ensureBundle as ensurePortalBundle } from '../../portal/build.ts';
import { freePort } from '../../platform/free-port.ts';

const require = createRequire(import.meta.url);
export const artifacts = fileURLToPath(new URL('../../test-artifacts/portal/', import.meta.url));
const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
// The UMD build sets module.exports to the decoder, while its types declare an ES default export.
const jsQR = require('jsqr') as typeof import('jsqr').default;

/**
 * The QR code printed on a PDF's first page, read as a phone camera would:
 * the page rasterised by poppler's pdftoppm (PPM), then decoded by jsQR.
 */
export function qrOfPdf(pdf: Buffer): string {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'qr-'));
  try {
    fs.writeFileSync(path.join(folder, 'document.pdf'), pdf);
    execFileSync('pdftoppm', ['-r', '100', '-f', '1', '-l', '1', path.join(folder, 'document.pdf'), path.join(folder, 'page')]);
    const image = fs.readFileSync(path.join(folder, fs.readdirSync(folder).find((name) => name.endsWith('.ppm'))!));
    // Binary PPM: "P6", width, height, maximum value, each after whitespace, then RGB bytes.
    const header = /^P6\s+(\d+)\s+(\d+)\s+(\d+)\s/.exec(image.subarray(0, 64).toString('latin1'));
    if (!header) throw new Error('pdftoppm did not write a binary PPM');
    const [width, height] = [Number(header[1]), Number(header[2])];
    const rgb = image.subarray(header[0].length);
    const rgba = new Uint8ClampedArray(width * height * 4);
    for (let i = 0; i < width * height; i++) {
      rgba[i * 4] = rgb[i * 3]!; rgba[i * 4 + 1] = rgb[i * 3 + 1]!; rgba[i * 4 + 2] = rgb[i * 3 + 2]!; rgba[i * 4 + 3] = 255;
    }
    const found = jsQR(rgba, width, height);
    if (!found) throw new Error('no QR code on the first page');
    return found.data;
  } finally {
    fs.rmSync(folder, { recursive: true, force: true });
  }
}

/** A phone the size of the smallest common Android screens. */
export const phone = { viewport: { width: 360, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true } as const;
export const desk = { viewport: { width: 1366, height: 850 } } as const;

interface Teardown { teardown(fn: () => unknown): void }

export interface Portal { app: FastifyInstance; db: Knex; base: string; browser: Browser; jobTypes: string[] }

/** The portal on its own database, engine and workers; `services` deploys only those (with every form and shared process) where a test files nothing else. */
export async function startPortal(t: Teardown, services?: readonly string[]): Promise<Portal> {
  // Built before the app, so a cold build does not run into Fastify's plugin start-up timeout.
  await Promise.all([ensureModelerBundle(), ensurePortalBundle()]);
  const db = await createTestDatabase(t);
  // The API and the payment worker send citizens to the sandbox gateway mounted
  // on this API at the configuration's public URL, so the port is chosen first.
  // PUBLIC_URL is left to its default (what npm start prints), as a newcomer runs it.
  const port = await freePort();
  const config = readConfig({ JWT_SECRET: 'portal-browser-test-secret-of-32-characters', DEMO_SEED: 'false', PORT: String(port) });
  const logger = pino({ level: process.env.PORTAL_TEST_LOG ?? 'silent' }) as Logger;
  const engine = await startEngine({ db, port: 0, logger });
  t.teardown(() => engine.stop());
  const zeebe = createZeebeClient(config, engine.address, logger);
  t.teardown(() => zeebe.close(1_000).catch(() => undefined));
  if (services) await deployServices(zeebe, logger, services);
  else await deployResources(zeebe, logger);

  const app = await buildApp({ config, db, zeebe, logger });
  t.teardown(() => app.close());
  const base = await app.listen({ host: config.HOST, port });
  const workers = startWorkers({ zeebe, db, logger, publicUrl: config.publicUrl });
  t.teardown(() => workers.stop());
  const browser = await launchChromium(t);
  return { app, db, base, browser, jobTypes: workers.jobTypes };
}


export interface OpenPage { context: BrowserContext; page: Page; errors: string[]; foreign: string[] }

/** A page in its own browser context; records script errors, policy violations and any request that leaves our server. */
export async function openPage(portal: Portal, device: typeof phone | typeof desk, locale = 'fa-IR'): Promise<OpenPage> {
  const context = await portal.browser.newContext({ ...device, locale, timezoneId: 'Asia/Tehran' });
  const foreign: string[] = [];
  context.on('request', (request) => {
    const url = request.url();
    if (!url.startsWith(portal.base) && !url.startsWith('blob:') && !url.startsWith('data:')) foreign.push(url);
  });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  recordPolicyViolations(page, errors);
  return { context, page, errors, foreign };
}

/** The six-digit code in the newest sign-in SMS to `mobile`, as the citizen would read it (Persian digits). */
export async function smsCode(db: Knex, mobile: string): Promise<string> {
  const sms = await db('notifications').where({ recipient: mobile, template: 'sign-in-code' }).orderBy('id', 'desc').first();
  return /[۰-۹]{6}/.exec(sms.body)![0];
}

export interface AxeViolation { id: string; impact: string | null; help: string; nodes: Array<{ target: string[] }> }

/** WCAG 2.1 A and AA rules of axe-core on the page as it is now. */
export async function accessibilityViolations(page: Page): Promise<AxeViolation[]> {
  // Evaluated through DevTools rather than added as an inline <script>, which the pages' Content-Security-Policy refuses.
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(context: unknown, options: unknown): Promise<{ violations: AxeViolation[] }> } }).axe;
    const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return result.violations.map((violation) => ({ id: violation.id, impact: violation.impact, help: violation.help, nodes: violation.nodes.map((node) => ({ target: node.target })) }));
  });
}

export async function screenshot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(artifacts, { recursive: true });
  await page.screenshot({ path: path.join(artifacts, `${name}.png`), fullPage: true });
}

/** A staff account for the test, in district 12 unless told. */
export async function createStaffAccount(db: Knex, username: string, role: string, password: string, districtId: number | null = 12): Promise<void> {
  await db('staff').insert({ username, display_name: username, role_id: role, district_id: districtId, password_hash: await hashPassword(password) });
}

/** Signs a citizen in through the portal's page, reading the code from the SMS outbox. */
export async function signInCitizen(page: Page, portal: Portal, nationalCode: string, mobile: string): Promise<void> {
  await page.getByRole('heading', { level: 1, name: 'ورود به حساب شهروندی' }).waitFor();
  await page.getByLabel('کد ملی').fill(nationalCode);
  await page.getByLabel('شماره تلفن همراه').fill(mobile);
  await page.getByRole('button', { name: 'دریافت کد ورود' }).click();
  await page.getByLabel('کد ورود').waitFor({ state: 'visible' });
  await page.getByLabel('کد ورود').fill(await smsCode(portal.db, mobile.replace(/[۰-۹]/g, (digit) => String('۰۱۲۳۴۵۶۷۸۹'.indexOf(digit)))));
  await page.getByRole('button', { name: 'ورود' }).click();
}

/** Fills the tree felling permit's start form with a valid request for two trees. */
export async function fillTreeFellingForm(page: Page): Promise<void> {
  await page.getByLabel('نام و نام خانوادگی').fill('مریم رضایی');
  await page.getByLabel('کد پستی ملک').fill('۹۱۷۷۹-۴۸۹۷۴');
  await page.getByLabel('کد نوسازی ملک').fill('۱۲-۳۴-۵۶۷-۸-۰-۰');
  await page.getByLabel('نشانی ملک').fill('مشهد، بلوار وکیل‌آباد، کوچه ۱۲، پلاک ۴');
  await page.getByLabel('تعداد درختان').fill('۲');
  // form-js draws its select as a list box beside a hidden input that carries the label
  await page.locator('.fjs-form-field-select .fjs-input-group').click();
  await page.locator('.fjs-dropdownlist-item', { hasText: 'خطر سقوط' }).click();
  await page.getByLabel('صحت اطلاعات واردشده را تأیید می‌کنم.').check();
}

/** On a closed request's page, the citizen gives the service five stars and a comment, and is thanked. */
export async function rateService(page: Page): Promise<void> {
  await page.getByLabel('۵ — خیلی راضی').check();
  await page.getByLabel('توضیح (اختیاری)').fill('سریع و بدون مراجعه حضوری.');
  await page.getByRole('button', { name: 'ثبت نظر' }).click();
  await page.locator('#rating').getByText('سپاس از شما', { exact: false }).waitFor();
}

/** Persian digits to ASCII, for comparing what a page shows with the database. */
export function asciiDigits(text: string): string {
  return text.replace(/[۰-۹]/g, (digit) => String('۰۱۲۳۴۵۶۷۸۹'.indexOf(digit)));
}

/** Job types the service's diagram and the processes it calls (transitively) need a worker for, user tasks aside. */
export function jobTypesOf(serviceId: string): string[] {
  const folder = fileURLToPath(new URL('../../processes/', import.meta.url));
  const fileOf = (id: string) => [path.join(folder, `${id}.bpmn`), path.join(folder, 'shared', `${id}.bpmn`)].find((file) => fs.existsSync(file));
  const types = new Set<string>();
  const seen = new Set<string>();
  const visit = (id: string) => {
    const file = fileOf(id);
    if (seen.has(id) || !file) return;
    seen.add(id);
    const xml = fs.readFileSync(file, 'utf8');
    for (const match of xml.matchAll(/zeebe:taskDefinition type="([^"]+)"/g)) types.add(match[1]!);
    for (const match of xml.matchAll(/calledElement processId="([a-z0-9-]+)"/g)) visit(match[1]!);
  };
  visit(serviceId);
  return [...types].filter((type) => type !== 'io.camunda.zeebe:userTask').sort();
}

/** How the browser tests wait: a step through the workers takes seconds on a busy machine, and a probe may reload a page. */
export const pagePatience: Patience = { timeoutMs: 60_000, intervalMs: 500 };

export const staffPassword = 'correct horse battery';

/** A staff member signs in to the workspace, claims the case's task and completes its form. */
export async function workTask(portal: Portal, username: string, code: string, fill: (page: Page) => Promise<void>, shot: string, check: (name: string, page: Page) => Promise<void>) {
  // An en-US browser on purpose: the form's date boxes are ours and take Jalali
  // text whatever the locale (portal/src/shared/form-view.ts, jalali.ts), and
  // the staff pages must read the same in a browser not set to Persian.
  const { page, context, errors } = await openPage(portal, desk, 'en-US');
  await page.goto(`${portal.base}/staff#/tasks`);
  await page.getByLabel('نام کاربری').fill(username);
  await page.getByLabel('گذرواژه').fill(staffPassword);
  await page.getByRole('button', { name: 'ورود' }).click();
  await page.getByRole('heading', { level: 1, name: 'کارتابل' }).waitFor();
  const row = page.locator('#task-list tbody tr', { hasText: code.replace(/[0-9]/g, (digit) => '۰۱۲۳۴۵۶۷۸۹'[Number(digit)]!) });
  await eventually(`${username}'s task`, async () => {
    if (await row.count()) return true;
    await page.getByRole('button', { name: 'به‌روزرسانی' }).click();
    return false;
  }, pagePatience);
  await check(`${shot}-list`, page);
  // A group task is claimed first; a task the process assigned (inspections) is already the inspector's
  if (await row.getByRole('button', { name: 'برداشتن' }).count()) await row.getByRole('button', { name: 'برداشتن' }).click();
  else await row.getByRole('link', { name: 'انجام' }).click();
  await page.locator('#task-form').waitFor();
  await page.locator('#request-context').getByText('مریم رضایی').waitFor();
  await fill(page);
  await check(shot, page);
  await page.getByRole('button', { name: 'ثبت و پایان وظیفه' }).click();
  await page.getByRole('heading', { level: 1, name: 'کارتابل' }).waitFor();
  await page.locator('#task-done', { hasText: 'وظیفه ثبت شد' }).waitFor();
  await context.close();
  return errors;
}

