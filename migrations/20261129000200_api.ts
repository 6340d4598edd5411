// What the API adds: one-time sign-in codes, which services each district
// offers (the rollout), and a lease on starting a request's process instance.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('sign_in_codes', (table) => {
    table.comment('One-time codes sent by SMS for citizens to sign in; only a salted hash is kept.');
    table.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()')).comment('Code id; also the notification dedupe key.');
    table.string('national_code', 10).notNullable().comment('National code the citizen signs in as.');
    table.string('mobile', 11).notNullable().comment('Mobile the code was sent to, 09XXXXXXXXX.');
    table.string('salt', 32).notNullable().comment('Random salt of the hash, hex.');
    table.string('code_hash', 64).notNullable().comment('SHA-256 of salt and code, hex; the code itself is not stored here.');
    table.integer('attempts').notNullable().defaultTo(0).comment('Wrong guesses so far; the code dies at the limit.');
    table.timestamp('expires_at', { useTz: true }).notNullable().comment('After this the code is refused.');
    table.timestamp('used_at', { useTz: true }).comment('When it signed someone in; a code works once.');
    table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now()).comment('When it was sent; the per-mobile limit counts these.');
    table.index(['mobile', 'created_at']);
  });

  await knex.schema.createTable('district_services', (table) => {
    table.comment('Rollout: which catalogue services a district offers. Pilot districts get every service; admins switch the rest on.');
    table.integer('district_id').notNullable().references('districts.id').comment('The district.');
    table.text('service_id').notNullable().comment('Service slug from the catalogue.');
    table.boolean('enabled').notNullable().defaultTo(true).comment('Whether citizens may file requests for it there; a switched-off row is kept so start-up never switches it back on.');
    table.text('changed_by').comment('Username of the admin who last changed it; null when seeded for a pilot district.');
    table.timestamp('changed_at', { useTz: true }).notNullable().defaultTo(knex.fn.now()).comment('Last change.');
    table.primary(['district_id', 'service_id']);
  });

  await knex.schema.alterTable('requests', (table) => {
    table.timestamp('start_leased_until', { useTz: true })
      .comment('While in the future, one API process is starting this request\'s instance and no other may.');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('requests', (table) => table.dropColumn('start_leased_until'));
  await knex.schema.dropTable('district_services');
  await knex.schema.dropTable('sign_in_codes');
}
