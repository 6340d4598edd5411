// A citizen's appointment change is committed before the process is told of
// it. The row remembers which of its changes the engine has not yet taken, so
// a crash between the commit and the publish delays the message instead of
// losing it: the workers' sweep publishes what is left.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('appointments', (table) => {
    table.specificType('unannounced', 'text[]').notNullable().defaultTo('{}')
      .comment('Changes (booked, moved, cancelled) whose message the engine has not yet taken, oldest first; emptied once each was published or Zeebe said it already had it.');
    table.timestamp('unannounced_since', { useTz: true })
      .comment('When the oldest change in unannounced was committed; the sweep publishes rows older than a few seconds.');
  });
  await knex.raw('create index appointments_unannounced on appointments (unannounced_since) where unannounced_since is not null');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index if exists appointments_unannounced');
  await knex.schema.alterTable('appointments', (table) => {
    table.dropColumns('unannounced', 'unannounced_since');
  });
}
