// Citizens move their own appointments: the row keeps its id (the process
// correlates attendance by it) and counts the moves, so each move's
// appointment-moved message has its own stable message id, and a retried move
// publishes the same one again.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('appointments', (table) => {
    table.integer('moves').notNullable().defaultTo(0)
      .comment('How many times the citizen moved this booking; names its appointment-moved message (appointment-moved:<id>:<moves>).');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('appointments', (table) => {
    table.dropColumn('moves');
  });
}
