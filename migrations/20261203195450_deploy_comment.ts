// A deployment from the modeler is reviewed first: the analyst sees what
// changed against the version running now, confirms, and may say why. The
// version row keeps that comment beside who deployed it and when.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('process_versions', (table) => {
    table.text('deploy_comment').comment('What the analyst said when confirming the deployment (after reviewing the changes); null if nothing or never deployed.');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('process_versions', (table) => {
    table.dropColumn('deploy_comment');
  });
}
