// Reports of simulated months (npm run simulate), kept where the staff
// workspace can show them. The simulation itself runs in a database of its
// own; only its report comes here.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('simulation_reports', (table) => {
    table.comment('Reports of simulated months (simulation/report.ts), newest shown first in the staff workspace.');
    table.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()')).comment('Report id.');
    table.integer('district_id').notNullable().references('districts.id').comment('District simulated.');
    table.integer('days').notNullable().comment('Simulated days.');
    table.timestamp('simulated_from', { useTz: true }).notNullable().comment('First simulated instant (business time of the run).');
    table.timestamp('simulated_to', { useTz: true }).notNullable().comment('End of the simulated period.');
    table.integer('requests').notNullable().comment('Requests filed in the run.');
    table.jsonb('report').notNullable().comment('The whole report: figures, ledger, check, utilisation, throughput, CPU, capacity plan.');
    table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now()).comment('When the run finished (machine time).');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('simulation_reports');
}
