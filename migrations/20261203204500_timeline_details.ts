// What a request's story needs kept: the day the inspector says the visit
// took place (the task-inspection form's inspectionDate), so the approver sees
// result, date and notes together; and documents a citizen removed (a wrong
// upload), kept for the record but no longer listed.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('inspection_visits', (table) => {
    table.date('visited_on').comment('The day of the visit as the inspector recorded it; null until findings are recorded.');
  });
  await knex.schema.alterTable('documents', (table) => {
    table.timestamp('removed_at', { useTz: true }).comment('When the uploader removed it (a wrong file); removed documents are kept but not listed.');
    table.text('removed_by').comment('Who removed it (the account id from the token).');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('documents', (table) => {
    table.dropColumns('removed_at', 'removed_by');
  });
  await knex.schema.alterTable('inspection_visits', (table) => {
    table.dropColumn('visited_on');
  });
}
