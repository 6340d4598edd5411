// The diagram generator is scaffolding: it fills a folder once and never
// overwrites a diagram an analyst may have edited, unless forced.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { generateDiagrams } from '../../processes/tools/generate-diagrams.ts';
import { readDiagram } from '../../processes/diagrams.ts';

t.test('given an empty folder, when generated twice, then the second run keeps every file', async (t) => {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'diagrams-'));
  t.teardown(() => fs.rmSync(directory, { recursive: true, force: true }));
  const first = generateDiagrams({ directory });
  t.equal(first.written.length, 62);
  const edited = path.join(directory, 'complaint.bpmn');
  fs.writeFileSync(edited, fs.readFileSync(edited, 'utf8').replace('name="شکایت"', 'name="شکایت (ویرایش تحلیلگر)"'));
  const second = generateDiagrams({ directory });
  t.same(second.written, []);
  t.equal(second.kept.length, 62);
  t.match(fs.readFileSync(edited, 'utf8'), /ویرایش تحلیلگر/, 'the edit survives');
  const forced = generateDiagrams({ directory, force: true, only: ['complaint'] });
  t.same(forced.written, ['complaint']);
  t.notMatch(fs.readFileSync(edited, 'utf8'), /ویرایش تحلیلگر/, '--force regenerates');
  const diagram = await readDiagram(fs.readFileSync(edited, 'utf8'));
  t.same(diagram.processIds, ['complaint']);
});
