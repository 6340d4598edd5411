// Open tasks stored before migration 000700 were named by their element id and
// kept the engine's form key instead of a form id, and did not record which
// definition they run. Their names and forms are filled from the repository's
// diagrams once, when the worker starts: by element id where one diagram has
// it, else among the diagrams the request's service calls. What stays
// ambiguous keeps its element id as the name.
import fs from 'node:fs';
import type { Knex } from 'knex';
import type { Logger } from '../../platform/logger.ts';
import { listDiagrams, processesDirectory, readDiagram } from '../../processes/diagrams.ts';
import { userTaskElements, type TaskElement } from './definitions.ts';

interface Repository {
  /** Diagrams holding each user task element id, with what they say of it. */
  holders: Map<string, Array<{ processId: string; element: TaskElement }>>;
  /** Processes each diagram calls. */
  calls: Map<string, string[]>;
}

async function readRepository(directory: string): Promise<Repository> {
  const repository: Repository = { holders: new Map(), calls: new Map() };
  for (const diagram of listDiagrams(directory)) {
    const xml = fs.readFileSync(diagram.file, 'utf8');
    repository.calls.set(diagram.id, (await readDiagram(xml)).calls.map((call) => call.processId));
    for (const [elementId, element] of await userTaskElements(xml)) {
      repository.holders.set(elementId, [...(repository.holders.get(elementId) ?? []), { processId: diagram.id, element }]);
    }
  }
  return repository;
}

function reachableFrom(repository: Repository, processId: string): Set<string> {
  const seen = new Set<string>();
  const visit = (id: string) => {
    if (seen.has(id)) return;
    seen.add(id);
    for (const called of repository.calls.get(id) ?? []) visit(called);
  };
  visit(processId);
  return seen;
}

interface LegacyRow { job_key: string; element_id: string; name: string; form_id: string | null; variables: Record<string, unknown> }

export async function backfillLegacyTasks({ db, logger, directory = processesDirectory }: { db: Knex; logger: Logger; directory?: string }): Promise<number> {
  const rows = await db('user_tasks')
    .where({ status: 'open' })
    .whereNull('process_definition_key')
    .andWhere((q) => q.whereRaw('name = element_id').orWhereNull('form_id'))
    .select('job_key', 'element_id', 'name', 'form_id', 'variables') as LegacyRow[];
  if (rows.length === 0) return 0;
  const repository = await readRepository(directory);
  let filled = 0;
  for (const row of rows) {
    let holders = repository.holders.get(row.element_id) ?? [];
    const serviceId = row.variables.serviceId;
    if (holders.length > 1 && typeof serviceId === 'string') {
      const reachable = reachableFrom(repository, serviceId);
      holders = holders.filter((holder) => reachable.has(holder.processId));
    }
    if (holders.length !== 1) continue;
    const { element } = holders[0]!;
    const update = { name: element.name ?? row.name, form_id: row.form_id ?? element.formId };
    if (update.name === row.name && update.form_id === row.form_id) continue;
    filled += await db('user_tasks').where({ job_key: row.job_key, status: 'open' }).update(update);
  }
  logger.info({ open: rows.length, filled }, 'filled names and forms of user tasks stored before their definition was recorded');
  return filled;
}
