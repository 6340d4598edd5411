// Headless Chromium for the browser tests: Debian's package (playwright
// cannot download its own here). A machine without it fails the tests that
// need it, never skips them: `.ci/run` installs it, and a developer is told
// how to.
import fs from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

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
