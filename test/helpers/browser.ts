// Headless Chromium for the browser tests: Debian's package (playwright
// cannot download its own here). A machine without it fails the tests that
// need it, never skips them: `.ci/run` installs it, and a developer is told
// how to.
import fs from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';

export const chromiumPath = '/usr/bin/chromium';

interface Teardown { teardown(fn: () => unknown): void }

/** A headless Chromium closed at teardown. */
export async function launchChromium(t: Teardown): Promise<Browser> {
  if (!fs.existsSync(chromiumPath)) {
    throw new Error(`${chromiumPath} is missing: the browser tests need Debian's Chromium (apt-get install -y chromium; .ci/run installs it)`);
  }
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  t.teardown(() => browser.close());
  return browser;
}

/**
 * Records into `errors` what the page's security headers refused: Chromium
 * reports a Content-Security-Policy violation (and a Permissions-Policy it
 * cannot read) on the console only, so a page that the policy breaks fails
 * its test like a script error would.
 */
export function recordPolicyViolations(page: Page, errors: string[]): void {
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy|Permissions-Policy/i.test(message.text())) errors.push(`${message.text()} (${message.location().url})`);
  });
}
