// Rate limits and sign-in quotas shared by every API process: one counter per
// key (a route and a client address, a username) and fixed window. UNLOGGED:
// a counter is not worth a WAL write, and after a crash PostgreSQL empties the
// table, which at worst gives each client a fresh window once.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create unlogged table rate_limit_hits (
      key text primary key,
      hits integer not null,
      window_ends_at timestamptz not null
    )`);
  await knex.raw(`comment on table rate_limit_hits is 'Rate-limit and quota counters shared by all API processes, one fixed window per key; unlogged (emptied after a crash).'`);
  await knex.raw(`comment on column rate_limit_hits.key is 'What is counted: the limit''s scope and the client (address, username, mobile).'`);
  await knex.raw(`comment on column rate_limit_hits.hits is 'Hits in the current window.'`);
  await knex.raw(`comment on column rate_limit_hits.window_ends_at is 'When the window ends; the next hit after it starts a new one. Rows long past it are swept.'`);
  await knex.raw('create index rate_limit_hits_window_ends_at on rate_limit_hits (window_ends_at)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table rate_limit_hits');
}
