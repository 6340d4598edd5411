// The form a task is completed with, compiled once per version: the one the
// engine linked when an analyst deployed it from the modeler, else the
// repository's file, else the newest version only the modeler has.
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { Knex } from 'knex';
import { addIdentityFormats } from '../../platform/identity-formats.ts';
import { formToJsonSchema, listFormIds, readForm, type FormDefinition } from '../../processes/forms/index.ts';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

export interface TaskForm { id: string; form: FormDefinition; validate: ValidateFunction }

/**
 * The schema of the form version saved in the modeler whose engine key is the
 * task's form key (null when there is none, as for every form deployed from
 * the repository's files), as a column of a query over user_tasks: so a
 * statement that reads the task reads this too.
 */
export const savedFormSchemaSql = `(select schema from form_versions
  where form_versions.form_id = user_tasks.form_id and form_versions.form_key = user_tasks.form_key
  order by version desc limit 1)`;

/** A task's form fields; `saved_form_schema` when its query already looked the form key up (savedFormSchemaSql). */
export interface TaskFormRef { form_id: string | null; form_key: string | null; saved_form_schema?: string | null }

/**
 * The form a task is completed with, from the form id the worker stored.
 * When the engine linked a form version an analyst deployed from the modeler
 * (the job's form key is that version's), that version; otherwise the file
 * in processes/forms/, which is what deploy on start sends; a form that only
 * the modeler has, its newest deployed version.
 */
export function createFormResolver(db: Knex) {
  const ajv = addIdentityFormats(addFormats(new Ajv({ allErrors: true, strict: false })));
  const compiled = new Map<string, TaskForm>();
  const compile = (cacheKey: string, id: string, form: FormDefinition): TaskForm => {
    if (!compiled.has(cacheKey)) compiled.set(cacheKey, { id, form, validate: ajv.compile(formToJsonSchema(form, { additionalProperties: true })) });
    return compiled.get(cacheKey)!;
  };
  const saved = async (via: Knex, formId: string, formKey: string | null) => {
    const query = via('form_versions').where({ form_id: formId }).whereNotNull('form_key');
    if (formKey) query.andWhere({ form_key: formKey });
    return await query.orderBy('version', 'desc').first('form_key', 'schema') as { form_key: string; schema: string } | undefined;
  };
  /** `via` is the transaction the caller holds, if any, so a lookup does not wait for a second connection. */
  return async (task: TaskFormRef, via: Knex = db): Promise<TaskForm[]> => {
    const id = task.form_id;
    if (!id) return [];
    const deployed = !task.form_key ? undefined
      : task.saved_form_schema !== undefined ? (task.saved_form_schema === null ? undefined : { form_key: task.form_key, schema: task.saved_form_schema })
      : await saved(via, id, task.form_key);
    if (deployed) return [compile(`saved:${deployed.form_key}`, id, JSON.parse(deployed.schema) as FormDefinition)];
    if (listFormIds().includes(id)) return [compile(`file:${id}`, id, readForm(id))];
    const newest = await saved(via, id, null);
    return newest ? [compile(`saved:${newest.form_key}`, id, JSON.parse(newest.schema) as FormDefinition)] : [];
  };
}
