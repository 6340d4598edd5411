// The modeler page as the browser tests drive it: selecting an element,
// opening a properties group, typing FEEL, and what does not fit the screen.
import type { Page } from 'playwright-core';

/** Selects a diagram element as a click would. */
export async function selectElement(page: Page, elementId: string) {
  await page.evaluate((id) => {
    const editor = (window as any).shahrdariModeler.editor;
    editor.get('selection').select(editor.get('elementRegistry').get(id));
  }, elementId);
}

/** Expands a properties panel group (they start collapsed). */
export async function openGroup(page: Page, group: string) {
  const selector = `[data-group-id="group-${group}"]`;
  await page.waitForSelector(selector);
  if (await page.locator(`${selector} .bio-properties-panel-group-entries.open`).count() === 0) {
    await page.click(`${selector} .bio-properties-panel-group-header`);
  }
}

/** Replaces a FEEL editor's content by typing, as an analyst would. */
export async function typeFeel(page: Page, editor: ReturnType<Page['locator']>, text: string) {
  await editor.click();
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Backspace');
  await page.keyboard.type(text);
}

/**
 * What does not fit at the page's size: a page that scrolls sideways, a bar
 * that wraps, a button cut off, diagram elements under the palette or outside
 * the canvas. Empty when everything fits.
 */
export async function clipped(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const problems: string[] = [];
    const viewport = { width: window.innerWidth, height: window.innerHeight };
    if (document.documentElement.scrollWidth > viewport.width) problems.push(`the page scrolls sideways (${document.documentElement.scrollWidth} px)`);
    const bar = document.querySelector('.chrome-bar')!.getBoundingClientRect();
    for (const element of Array.from(document.querySelectorAll<HTMLElement>('.chrome-bar > *:not([hidden]), .actions > *:not([hidden])'))) {
      const box = element.getBoundingClientRect();
      if (box.width === 0) continue;
      if (box.left < 0 || box.right > viewport.width) problems.push(`${element.id || element.className} is cut off`);
      if (box.top < bar.top || box.bottom > bar.bottom) problems.push(`${element.id || element.className} wraps out of the bar`);
    }
    if (bar.height > 60) problems.push(`the bar is ${Math.round(bar.height)} px high: it wraps`);
    const canvas = document.querySelector('#canvas')!.getBoundingClientRect();
    const palette = document.querySelector('.djs-palette')?.getBoundingClientRect();
    for (const shape of Array.from(document.querySelectorAll<SVGGraphicsElement>('.djs-element.djs-shape'))) {
      const box = shape.getBoundingClientRect();
      if (box.width === 0) continue;
      const id = shape.getAttribute('data-element-id');
      if (palette && box.left < palette.right && box.top < palette.bottom && box.bottom > palette.top) problems.push(`${id} lies under the palette`);
      if (box.left < canvas.left || box.right > canvas.right || box.top < canvas.top || box.bottom > canvas.bottom) problems.push(`${id} is outside the canvas`);
    }
    for (const selector of ['.bjs-powered-by', '.bjsl-button', '#lint-summary', '#message']) {
      const element = document.querySelector(selector);
      if (!element) continue;
      const box = element.getBoundingClientRect();
      if (box.width > 0 && (box.right > viewport.width || box.bottom > viewport.height || box.left < 0)) problems.push(`${selector} is cut off`);
    }
    return problems;
  });
}
