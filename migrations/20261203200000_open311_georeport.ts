// Open311 GeoReport v2, completed: the address_id a client may send as a
// request's location, and when each version of the catalogue (services and
// start forms, which the service definitions publish) was first served, so
// the discovery document's changeset moves only when they change.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('open311_requests', (table) => {
    table.text('address_id').comment('Address id the client sent from its own address register, if any.');
  });
  await knex.schema.createTable('open311_catalogue_versions', (table) => {
    table.comment('Each catalogue (services and start forms) the API has published through Open311, by hash: its changeset is when it was first served.');
    table.string('catalogue_hash', 64).primary().comment('SHA-256 of the services and start forms, hex.');
    table.timestamp('first_served_at', { useTz: true }).notNullable().defaultTo(knex.fn.now()).comment('When an API process first served this catalogue.');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('open311_catalogue_versions');
  await knex.schema.alterTable('open311_requests', (table) => table.dropColumn('address_id'));
}
