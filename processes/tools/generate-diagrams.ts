// Scaffolding: writes processes/<service-id>.bpmn for each catalogue service
// and processes/shared/<id>.bpmn for the shared called processes, laid out with
// diagram interchange. The committed diagrams are the source analysts edit;
// an existing file is never overwritten unless --force is given.
//   npx tsx processes/tools/generate-diagrams.ts [--force] [id ...]
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadCatalogue } from '../catalogue/load.ts';
import { definitionsXml } from './bpmn-writer.ts';
import { serviceProcess } from './service-process.ts';
import { sharedProcesses, type ProcessDraft } from './shared-processes.ts';

const processesDirectory = fileURLToPath(new URL('..', import.meta.url));

export function draftXml(draft: ProcessDraft): string {
  return definitionsXml(draft.process, draft.name, draft.roots, draft.documentation);
}

export function allDrafts(): Array<{ file: string; draft: ProcessDraft }> {
  const { services } = loadCatalogue();
  return [
    ...sharedProcesses().map((draft) => ({ file: path.join(processesDirectory, 'shared', `${draft.id}.bpmn`), draft })),
    ...services.map((service) => ({ file: path.join(processesDirectory, `${service.id}.bpmn`), draft: serviceProcess(service) })),
  ];
}

function main(): void {
  const args = process.argv.slice(2);
  const force = args.includes('--force');
  const only = args.filter((arg) => !arg.startsWith('--'));
  let written = 0;
  const kept: string[] = [];
  for (const { file, draft } of allDrafts()) {
    if (only.length && !only.includes(draft.id)) continue;
    if (fs.existsSync(file) && !force) {
      kept.push(draft.id);
      continue;
    }
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, draftXml(draft));
    written++;
  }
  console.log(`diagrams: ${written} written${kept.length ? `, ${kept.length} existing kept (edit them, or pass --force to regenerate)` : ''}`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) main();
