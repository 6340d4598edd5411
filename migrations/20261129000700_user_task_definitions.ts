// User tasks learn where they come from: the process definition the instance
// runs (so the worker stores the step's Persian name and its form id as that
// diagram version has them), the engine's form key as the job gave it, and
// what the stale-task sweep needs to ask the engine whether the job still
// exists. Before this, `form_id` held the job's formKey header, which for a
// linked form is the engine's deployed-form key rather than a form id.
import type { Knex } from 'knex';

const comments = {
  name: {
    now: 'Persian name of the BPMN user task in the diagram version the instance runs; the element id when that diagram gives none.',
    before: 'Task name shown to staff.',
  },
  form_id: {
    now: 'Form id (zeebe:formDefinition formId = file name in processes/forms/) the task is completed with, from the diagram version the instance runs.',
    before: 'Form to complete it with.',
  },
  status: {
    now: 'open, completed, cancelled (the engine ended the job: instance cancelled, boundary or interrupting event).',
    before: 'open, completed, cancelled.',
  },
} as const;

async function comment(knex: Knex, column: keyof typeof comments, which: 'now' | 'before'): Promise<void> {
  // COMMENT takes a literal, not a parameter; the texts are ours and quoted here.
  await knex.raw(`COMMENT ON COLUMN user_tasks.?? IS '${comments[column][which].replace(/'/g, "''")}'`, [column]);
}

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('user_tasks', (table) => {
    table.text('process_definition_key').comment('Engine key of the process definition (diagram version) the task\'s instance runs; null for rows stored before it was recorded.');
    table.text('form_key').comment('The job\'s io.camunda.zeebe:formKey header as the engine gave it: for a linked form, the key of the deployed form version.');
    table.integer('job_retries').comment('Retries the job had when stored; the stale-task sweep sets the same number when it asks the engine whether the job still exists.');
    table.timestamp('checked_at', { useTz: true }).comment('When the stale-task sweep last found the job alive in the engine; null if never asked.');
    table.timestamp('cancelled_at', { useTz: true }).comment('When the task was found ended by its process (by the sweep or a completion attempt).');
  });
  for (const column of Object.keys(comments) as Array<keyof typeof comments>) await comment(knex, column, 'now');
  // The sweep walks open tasks least recently checked first.
  await knex.raw('CREATE INDEX user_tasks_open_checked ON user_tasks (checked_at NULLS FIRST, created_at) WHERE status = \'open\'');
  // Rows stored so far kept the formKey header in form_id: keep it as the key,
  // and keep it as the form id only when it is not an engine key (all digits).
  await knex('user_tasks').whereNotNull('form_id').update({ form_key: knex.ref('form_id') });
  await knex('user_tasks').where('form_id', '~', '^[0-9]+$').update({ form_id: null });
}

export async function down(knex: Knex): Promise<void> {
  await knex('user_tasks').whereNotNull('form_key').update({ form_id: knex.ref('form_key') });
  await knex.raw('DROP INDEX user_tasks_open_checked');
  await knex.schema.alterTable('user_tasks', (table) => {
    table.dropColumn('process_definition_key');
    table.dropColumn('form_key');
    table.dropColumn('job_retries');
    table.dropColumn('checked_at');
    table.dropColumn('cancelled_at');
  });
  for (const column of Object.keys(comments) as Array<keyof typeof comments>) await comment(knex, column, 'before');
}
