// Every version of a diagram or user-task form an analyst saves in the web
// modeler, kept for good: who saved it, when, and whether (and as which engine
// version) it was deployed. The latest row is what the modeler opens.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('process_versions', (table) => {
    table.comment('Diagram versions saved from the web modeler; rows are never updated except to record a deployment.');
    table.bigIncrements('id').comment('Order of saving across all processes.');
    table.text('process_id').notNullable().comment('BPMN process id = service slug = diagram file name.');
    table.integer('version').notNullable().comment('1, 2, 3... per process, in saving order.');
    table.text('name').comment('Name of the process element in this version (Persian), for the list.');
    table.text('xml').notNullable().comment('The BPMN 2.0 XML as saved.');
    table.text('author').notNullable().comment('Username of the analyst who saved it.');
    table.text('comment').comment('What the analyst said about the change.');
    table.timestamp('saved_at', { useTz: true }).notNullable().defaultTo(knex.fn.now()).comment('When it was saved.');
    table.timestamp('deployed_at', { useTz: true }).comment('When it was deployed to the engine; null if never.');
    table.text('deployed_by').comment('Username of the analyst who deployed it.');
    table.text('process_definition_key').comment('Engine key of the deployed definition.');
    table.integer('engine_version').comment('Version number the engine gave the deployed definition.');
    table.unique(['process_id', 'version']);
  });

  await knex.schema.createTable('form_versions', (table) => {
    table.comment('User-task forms (form-js JSON) saved from the modeler; deployed with the first diagram deployment that links them.');
    table.bigIncrements('id').comment('Order of saving across all forms.');
    table.text('form_id').notNullable().comment('Form id = file name in processes/forms/ = zeebe:formDefinition formId.');
    table.integer('version').notNullable().comment('1, 2, 3... per form, in saving order.');
    table.text('schema').notNullable().comment('The form-js schema as saved (JSON text).');
    table.text('author').notNullable().comment('Username of the analyst who saved it.');
    table.timestamp('saved_at', { useTz: true }).notNullable().defaultTo(knex.fn.now()).comment('When it was saved.');
    table.timestamp('deployed_at', { useTz: true }).comment('When it was deployed to the engine; null if never.');
    table.text('form_key').comment('Engine key of the deployed form.');
    table.integer('engine_version').comment('Version number the engine gave the deployed form.');
    table.unique(['form_id', 'version']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('form_versions');
  await knex.schema.dropTable('process_versions');
}
