// An analyst's diagrams: what the modeler opens (the latest saved version,
// else the repository's file) and saving a new version of one. One name per
// thing: the diagram saved as <id> must define process <id>.
import fs from 'node:fs';
import type { Knex } from 'knex';
import { ApiProblem } from '../../platform/problem.ts';
import { findDiagramFile } from './catalogue.ts';
import { lintDiagram, type LintIssue } from './lint.ts';
import { readDefinitions } from './moddle.ts';
import { findVersion, saveVersion, type ProcessVersion, type ProcessVersionSummary } from './versions.ts';

export const notFound = (detail: string, detailFa: string) => new ApiProblem(404, 'not-found', detail, detailFa);

export const noSavedVersion = (id: string, requested?: number) => (requested
  ? notFound(`There is no version ${requested} of ${id}.`, 'چنین نسخه‌ای پیدا نشد.')
  : notFound(`${id} has no saved version: save it first.`, 'این فرایند نسخه ذخیره‌شده‌ای ندارد؛ ابتدا ذخیره کنید.'));

const notADiagram = (detail: string) => new ApiProblem(400, 'not-a-diagram', detail, 'این پرونده نمودار BPMN درستی نیست.');

export type Diagram =
  | { id: string; xml: string; source: 'saved'; version: ProcessVersionSummary }
  | { id: string; xml: string; source: 'repository'; version: null };

const saved = (id: string, { xml, ...version }: ProcessVersion): Diagram => ({ id, xml, source: 'saved', version });

/** The latest saved version of a diagram, else its file in `directory`. */
export async function diagramOf(db: Knex, directory: string, id: string): Promise<Diagram> {
  const latest = await findVersion(db, id);
  if (latest) return saved(id, latest);
  const file = findDiagramFile(id, directory);
  if (!file) throw notFound(`There is no process ${id}.`, 'چنین فرایندی پیدا نشد.');
  return { id, xml: fs.readFileSync(file.file, 'utf8'), source: 'repository', version: null };
}

/** One saved version of a diagram. */
export async function diagramVersion(db: Knex, id: string, number: number): Promise<Diagram> {
  const found = await findVersion(db, id, number);
  if (!found) throw notFound(`There is no version ${number} of ${id}.`, 'چنین نسخه‌ای پیدا نشد.');
  return saved(id, found);
}

/** The processes a document defines, or the parse error. */
async function definedProcesses(xml: string): Promise<Array<{ id: string; name?: string }> | Error> {
  try {
    const roots = ((await readDefinitions(xml)).rootElements ?? []) as Array<{ $type: string; id: string; name?: string }>;
    return roots.filter((root) => root.$type === 'bpmn:Process');
  } catch (error) {
    return error as Error;
  }
}

/** Saves a new version of diagram `id`; lint findings come back with it, not enforced (deploying enforces them). */
export async function saveDiagram(db: Knex, directory: string, input: { id: string; xml: string; author: string; comment?: string }):
  Promise<{ version: ProcessVersionSummary; lint: LintIssue[] }> {
  const { id, xml } = input;
  const processes = await definedProcesses(xml);
  if (processes instanceof Error) throw notADiagram(`Not a BPMN diagram: ${processes.message}`);
  const process = processes.find((candidate) => candidate.id === id);
  if (!process) {
    throw notADiagram(`The diagram defines ${processes.map((candidate) => candidate.id).join(', ') || 'no process'}, not process ${id}.`);
  }
  const version = await saveVersion(db, { processId: id, name: process.name ?? null, xml, author: input.author, comment: input.comment });
  return { version, lint: await lintDiagram(xml, directory) };
}
