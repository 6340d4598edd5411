// Where a running simulation keeps the business clock's offset. Redefining
// clock_now() at every step of a simulation (the first design) replaced a
// function and invalidated every cached plan in every session each time; a
// simulation now switches clock_now() once to read this row and moves the
// clock by updating it. Normal running never switches, so clock_now() stays
// now(), inlined (platform/clock.ts).
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('business_clock', (table) => {
    table.comment('Offset of the business clock while a simulation runs (platform/clock.ts); one row. clock_now() reads it only then.');
    table.boolean('id').primary().defaultTo(true).comment('Always true: one row.');
    table.bigInteger('offset_ms').notNullable().defaultTo(0).comment('How far the business clock runs ahead of now(), in milliseconds.');
    table.check('id', [], 'business_clock_one_row');
  });
  await knex('business_clock').insert({ id: true, offset_ms: 0 });
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('create or replace function clock_now() returns timestamptz language sql stable parallel safe as $body$ select now() $body$');
  await knex.schema.dropTable('business_clock');
}
