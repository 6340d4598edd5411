// Renders diagrams to PNG with bpmn-js in headless Chromium, to review the
// generated layout without opening the modeler.
//   npx tsx processes/tools/render-diagrams.ts <out-dir> processes/building-permit.bpmn ...
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

async function main(): Promise<void> {
  const [outDirectory, ...files] = process.argv.slice(2);
  if (!outDirectory || !files.length) throw new Error('usage: render-diagrams.ts <out-dir> <file.bpmn> ...');
  fs.mkdirSync(outDirectory, { recursive: true });
  const bpmnJs = path.dirname(require.resolve('bpmn-js/package.json'));
  const script = fs.readFileSync(path.join(bpmnJs, 'dist/bpmn-viewer.development.js'), 'utf8');
  const css = ['diagram-js.css', 'bpmn-js.css'].map((file) => fs.readFileSync(path.join(bpmnJs, 'dist/assets', file), 'utf8')).join('\n');
  const browser = await chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox'] });
  try {
    const page = await browser.newPage({ viewport: { width: 2400, height: 1100 } });
    await page.setContent(`<html><head><style>${css} html,body,#canvas{width:100%;height:100%;margin:0}</style></head><body><div id="canvas"></div></body></html>`);
    await page.addScriptTag({ content: script });
    for (const file of files) {
      const warnings = await page.evaluate(async (xml) => {
        const container = document.getElementById('canvas')!;
        container.innerHTML = '';
        const Viewer = (window as unknown as { BpmnJS: new (options: { container: HTMLElement }) => {
          importXML(xml: string): Promise<{ warnings: Array<{ message: string }> }>;
          get(name: 'canvas'): { zoom(mode: string): void };
        } }).BpmnJS;
        const viewer = new Viewer({ container });
        const result = await viewer.importXML(xml);
        viewer.get('canvas').zoom('fit-viewport');
        return result.warnings.map((warning) => warning.message);
      }, fs.readFileSync(file, 'utf8'));
      const out = path.join(outDirectory, `${path.basename(file, '.bpmn')}.png`);
      await page.screenshot({ path: out });
      console.log(`${out}${warnings.length ? ` (import warnings: ${warnings.join('; ')})` : ''}`);
    }
  } finally {
    await browser.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
