// Open311 GeoReport v2 filing: the client applications allowed to POST
// requests (each with an api_key, kept only as a hash), and what a GeoReport
// submission carries beyond our start form (where, a photo link, which client
// and device filed it).
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('open311_clients', (table) => {
    table.comment('Applications allowed to file requests through Open311 GeoReport v2 (POST requests.json) with an api_key.');
    table.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()')).comment('Client id.');
    table.text('name').notNullable().comment('Who the application belongs to, for operators.');
    table.text('key_prefix').notNullable().comment('First characters of the api_key, so an operator can tell keys apart without the key.');
    table.string('key_hash', 64).notNullable().unique().comment('SHA-256 of the api_key, hex; the key itself is shown once when issued and never stored.');
    table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now()).comment('Issued.');
    table.timestamp('revoked_at', { useTz: true }).comment('Set when revoked; the key is refused from then on.');
  });

  await knex.schema.createTable('open311_requests', (table) => {
    table.comment('Requests filed through Open311 GeoReport v2: the GeoReport fields that have no place in a start form.');
    table.uuid('request_id').primary().references('requests.id').onDelete('CASCADE').comment('The request that was filed.');
    table.uuid('client_id').notNullable().references('open311_clients.id').comment('The client application that filed it.');
    table.double('lat').comment('Latitude (WGS84) the client sent, if any.');
    table.double('long').comment('Longitude (WGS84) the client sent, if any.');
    table.text('address_string').comment('Address text the client sent, if any (also copied into the form\'s address field).');
    table.text('media_url').comment('Link to a photo the client sent; not fetched by us.');
    table.text('device_id').comment('Device identifier the client sent.');
    table.text('account_id').comment('The client\'s own account id for the person, as sent.');
    table.text('email').comment('E-mail the client sent for the person; not verified.');
    table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now()).comment('Filed.');
    table.index(['client_id', 'created_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('open311_requests');
  await knex.schema.dropTable('open311_clients');
}
