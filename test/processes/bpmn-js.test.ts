// Every diagram imports into bpmn-js (the library behind the modeler and
// Camunda Modeler) without a warning, in headless Chromium, and every flow
// element gets a rendered shape or connection.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import t from 'tap';
import { listDiagrams, readDiagram } from '../../processes/diagrams.ts';
import { launchChromium } from '../helpers/browser.ts';

const require = createRequire(import.meta.url);

t.test('every diagram imports into bpmn-js cleanly', { timeout: 180_000 }, async (t) => {
  const bpmnJs = path.dirname(require.resolve('bpmn-js/package.json'));
  const browser = await launchChromium(t);
  const page = await browser.newPage();
  await page.setContent('<html><body><div id="canvas" style="width:1600px;height:900px"></div></body></html>');
  await page.addScriptTag({ content: fs.readFileSync(path.join(bpmnJs, 'dist/bpmn-viewer.production.min.js'), 'utf8') });
  for (const diagram of listDiagrams()) {
    const result = await page.evaluate(async (xml) => {
      const container = document.getElementById('canvas')!;
      container.innerHTML = '';
      type Viewer = {
        importXML(xml: string): Promise<{ warnings: Array<{ message: string }> }>;
        get(name: 'elementRegistry'): { getAll(): Array<{ id: string; type: string }> };
        destroy(): void;
      };
      const Viewer = (window as unknown as { BpmnJS: new (options: { container: HTMLElement }) => Viewer }).BpmnJS;
      const viewer = new Viewer({ container });
      const { warnings } = await viewer.importXML(xml);
      const rendered = viewer.get('elementRegistry').getAll().filter((element) => !element.type.startsWith('label')).length;
      viewer.destroy();
      return { warnings: warnings.map((warning) => warning.message), rendered };
    }, fs.readFileSync(diagram.file, 'utf8'));
    t.same(result.warnings, [], `${diagram.id}: no import warnings`);
    const elements = (await readDiagram(fs.readFileSync(diagram.file, 'utf8'))).elements.length;
    t.equal(result.rendered, elements + 1, `${diagram.id}: the process and its ${elements} flow elements rendered`);
  }
});
