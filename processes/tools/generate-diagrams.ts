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

export function allDrafts(directory = processesDirectory): Array<{ file: string; draft: ProcessDraft }> {
  const { services } = loadCatalogue();
  return [
    ...sharedProcesses().map((draft) => ({ file: path.join(directory, 'shared', `${draft.id}.bpmn`), draft })),
    ...services.map((service) => ({ file: path.join(directory, `${service.id}.bpmn`), draft: serviceProcess(service) })),
  ];
}

export interface GenerateOptions {
  directory?: string;
  /** Overwrite diagrams that exist (and may have been edited by analysts). */
  force?: boolean;
  /** Only these process ids; all when empty. */
  only?: string[];
}

export function generateDiagrams(options: GenerateOptions = {}): { written: string[]; kept: string[] } {
  const written: string[] = [];
  const kept: string[] = [];
  for (const { file, draft } of allDrafts(options.directory)) {
    if (options.only?.length && !options.only.includes(draft.id)) continue;
    if (fs.existsSync(file) && !options.force) {
      kept.push(draft.id);
      continue;
    }
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, draftXml(draft));
    written.push(draft.id);
  }
  return { written, kept };
}

function main(): void {
  const args = process.argv.slice(2);
  const { written, kept } = generateDiagrams({ force: args.includes('--force'), only: args.filter((arg) => !arg.startsWith('--')) });
  console.log(`diagrams: ${written.length} written${kept.length ? `, ${kept.length} existing kept (edit them, or pass --force to regenerate)` : ''}`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) main();
