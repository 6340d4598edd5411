// User-task forms (form-js JSON): the files in processes/forms/ and the
// versions analysts save in the modeler (table form_versions).
import fs from 'node:fs';
import path from 'node:path';
import type { Knex } from 'knex';
import { ApiProblem } from '../../platform/problem.ts';

export interface FormVersion {
  formId: string;
  version: number;
  schema: string;
  author: string;
  savedAt: Date;
  deployedAt: Date | null;
  formKey: string | null;
  engineVersion: number | null;
}

interface Row {
  form_id: string; version: number; schema: string; author: string; saved_at: Date;
  deployed_at: Date | null; form_key: string | null; engine_version: number | null;
}

function fromRow(row: Row): FormVersion {
  return {
    formId: row.form_id,
    version: row.version,
    schema: row.schema,
    author: row.author,
    savedAt: row.saved_at,
    deployedAt: row.deployed_at,
    formKey: row.form_key,
    engineVersion: row.engine_version,
  };
}

export function formFile(directory: string, formId: string): string {
  return path.join(directory, 'forms', `${formId}.form`);
}

/** The form files in processes/forms/; the file name is the form id. */
export function listFormFiles(directory: string): string[] {
  const folder = path.join(directory, 'forms');
  if (!fs.existsSync(folder)) return [];
  return fs.readdirSync(folder).filter((name) => name.endsWith('.form')).map((name) => name.slice(0, -'.form'.length)).sort();
}

/** Adds the next version of a form; concurrent saves are serialised per form like diagram saves. */
export async function saveFormVersion(db: Knex, input: { formId: string; schema: string; author: string }): Promise<FormVersion> {
  return db.transaction(async (trx) => {
    await trx.raw('select pg_advisory_xact_lock(hashtext(?))', [`form_versions:${input.formId}`]);
    const latest = await trx('form_versions').where({ form_id: input.formId }).max<{ max: number | null }>('version as max').first();
    const [row] = await trx('form_versions')
      .insert({ form_id: input.formId, version: (latest?.max ?? 0) + 1, schema: input.schema, author: input.author })
      .returning('*');
    return fromRow(row as Row);
  });
}

export async function latestFormVersion(db: Knex, formId: string): Promise<FormVersion | undefined> {
  const row = await db('form_versions').where({ form_id: formId }).orderBy('version', 'desc').first() as Row | undefined;
  return row ? fromRow(row) : undefined;
}

export async function recordFormDeployment(
  db: Knex,
  input: { formId: string; version: number; formKey: string; engineVersion: number },
): Promise<void> {
  await db('form_versions').where({ form_id: input.formId, version: input.version }).update({
    deployed_at: db.fn.now(), // wall clock: when the engine got it, a deployment record
    form_key: input.formKey,
    engine_version: input.engineVersion,
  });
}

/** The form ids a diagram's user tasks link with zeebe:formDefinition. */
export function linkedFormIds(definitions: { rootElements?: unknown[] }): string[] {
  const found = new Set<string>();
  const visit = (element: unknown) => {
    if (!element || typeof element !== 'object') return;
    const node = element as { $type?: string; formId?: string; flowElements?: unknown[]; extensionElements?: { values?: unknown[] } };
    if (node.$type === 'zeebe:FormDefinition' && node.formId) found.add(node.formId);
    node.extensionElements?.values?.forEach(visit);
    node.flowElements?.forEach(visit);
  };
  definitions.rootElements?.forEach(visit);
  return [...found].sort();
}

export interface FormDocument { id: string; schema: string; source: 'saved' | 'repository'; version: number | null }

/** The latest saved version of a user-task form, else its file in `directory`'s forms/. */
export async function formOf(db: Knex, directory: string, formId: string): Promise<FormDocument> {
  const saved = await latestFormVersion(db, formId);
  if (saved) return { id: formId, schema: saved.schema, source: 'saved', version: saved.version };
  const file = formFile(directory, formId);
  if (!fs.existsSync(file)) throw new ApiProblem(404, 'not-found', `There is no form ${formId}.`, 'چنین فرمی پیدا نشد.');
  return { id: formId, schema: fs.readFileSync(file, 'utf8'), source: 'repository', version: null };
}

const notAForm = (detail: string) => new ApiProblem(400, 'not-a-form', detail, 'این پرونده فرم درستی نیست.');

/** Saves a new version of a form from its form-js JSON text; deployed with the next diagram that links it. */
export async function saveForm(db: Knex, input: { formId: string; schema: string; author: string }): Promise<FormVersion> {
  let parsed: { id?: unknown; components?: unknown };
  try {
    parsed = JSON.parse(input.schema) as typeof parsed;
  } catch (error) {
    throw notAForm(`Not JSON: ${(error as Error).message}`);
  }
  if (!parsed || !Array.isArray(parsed.components)) throw notAForm('Not a form-js schema: it has no components.');
  // One name per thing: the form saved as <formId> has the id <formId>, which user tasks link.
  if (parsed.id !== input.formId) throw notAForm(`The form's id is ${JSON.stringify(parsed.id)}, not ${input.formId}.`);
  return saveFormVersion(db, input);
}
