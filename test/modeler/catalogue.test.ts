// The process list: diagrams in processes/ and saved processes, named in Persian.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { catalogueNames, diagramProcessName, listDiagramFiles, listProcesses } from '../../domain/process-design/catalogue.ts';
import { reviewDiagram } from './fixtures.ts';

function processesWith(t: { teardown(fn: () => unknown): void }, files: Record<string, string>): string {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'modeler-processes-'));
  t.teardown(() => fs.rmSync(directory, { recursive: true, force: true }));
  for (const [file, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(directory, file)), { recursive: true });
    fs.writeFileSync(path.join(directory, file), content);
  }
  return directory;
}

t.test('diagram files are services and shared processes, the file name being the id', async (t) => {
  const directory = processesWith(t, {
    'tree-pruning.bpmn': reviewDiagram('tree-pruning', { name: 'هرس و قطع درخت' }),
    'shared/pay-fee.bpmn': reviewDiagram('pay-fee', { name: 'پرداخت عوارض &amp; هزینه' }),
    'forms/start.form': '{}',
    'tools/scaffold.bpmn': 'not listed',
  });
  t.same(listDiagramFiles(directory).map((file) => [file.id, file.shared]), [['pay-fee', true], ['tree-pruning', false]]);
  t.equal(diagramProcessName(reviewDiagram('x', { name: 'A & B' }), 'x'), 'A & B', 'entities decoded');
  t.equal(diagramProcessName(reviewDiagram('x'), 'y'), undefined);
});

t.test('names come from the catalogue first, then the saved diagram, then the file', async (t) => {
  const directory = processesWith(t, {
    'tree-pruning.bpmn': reviewDiagram('tree-pruning', { name: 'from the file' }),
    'building-permit.bpmn': reviewDiagram('building-permit', { name: 'پروانه ساختمانی (فایل)' }),
    'excavation-permit.bpmn': reviewDiagram('excavation-permit', { name: 'مجوز حفاری' }),
  });
  const services = [
    { id: 'tree-pruning', name: { fa: 'هرس و قطع درخت', en: 'Tree pruning' } },
    { id: 'street-lighting', name: { fa: 'روشنایی معابر', en: 'Street lighting' } },
  ];
  t.same([...catalogueNames(services).entries()], [['tree-pruning', 'هرس و قطع درخت'], ['street-lighting', 'روشنایی معابر']]);
  const saved = new Map([
    ['building-permit', { name: 'پروانه ساختمانی' }],
    ['street-lighting', { name: null }],
    ['new-service', { name: 'خدمت تازه' }],
  ]);
  t.same(listProcesses(saved, directory, services), [
    { id: 'building-permit', name: 'پروانه ساختمانی', shared: false, inRepository: true },
    { id: 'excavation-permit', name: 'مجوز حفاری', shared: false, inRepository: true },
    { id: 'new-service', name: 'خدمت تازه', shared: false, inRepository: false },
    { id: 'street-lighting', name: 'روشنایی معابر', shared: false, inRepository: false },
    { id: 'tree-pruning', name: 'هرس و قطع درخت', shared: false, inRepository: true },
  ]);
});

t.test("the repository's catalogue names every service in Persian", async (t) => {
  const names = catalogueNames();
  t.ok(names.size >= 54, `${names.size} services named`);
  for (const [id, name] of names) {
    if (!/[\u0600-\u06FF]/.test(name)) t.fail(`${id} has no Persian name: ${name}`);
  }
});
