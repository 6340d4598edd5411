// The business clock in SQL (platform/clock.ts): `clock_now()` is `now()`
// plus an offset a simulation sets by redefining the function. Timestamps of
// requests and their processing default to it, so rows written during a
// simulated month carry the simulated time. Accounts, sign-in codes, the
// modeler's versions and admin switches keep `now()`: they are about the
// machine and the people at it, not the business (see platform/clock.ts).
import type { Knex } from 'knex';

/** Columns that default to the business clock: table → columns. */
export const businessTimeColumns: Record<string, string[]> = {
  citizens: ['created_at'],
  requests: ['created_at', 'updated_at'],
  request_events: ['at'],
  documents: ['created_at'],
  payments: ['created_at'],
  appointments: ['created_at'],
  user_tasks: ['created_at'],
  notifications: ['created_at'],
  ratings: ['created_at'],
  inspection_visits: ['assigned_at'],
  certificates: ['issued_at'],
  sandbox_gateway_transactions: ['created_at'],
  open311_requests: ['created_at'],
};

export async function up(knex: Knex): Promise<void> {
  await knex.raw('create or replace function clock_now() returns timestamptz language sql stable parallel safe as $body$ select now() $body$');
  await knex.raw(`comment on function clock_now() is 'The business clock: now() plus the offset a simulation sets (platform/clock.ts redefines this function to change it). Without a simulation it is now(), inlined by the planner.'`);
  for (const [table, columns] of Object.entries(businessTimeColumns)) {
    for (const column of columns) await knex.raw('alter table ?? alter column ?? set default clock_now()', [table, column]);
  }
}

export async function down(knex: Knex): Promise<void> {
  for (const [table, columns] of Object.entries(businessTimeColumns)) {
    for (const column of columns) await knex.raw('alter table ?? alter column ?? set default now()', [table, column]);
  }
  await knex.raw('drop function if exists clock_now()');
}
