// Tokens that stop working at once. Every account gets a session epoch that
// each token carries; the API compares the two on every request. Signing out
// everywhere bumps it, and so does, by trigger, every change that should end
// the sessions an account has: deactivation, a new role, district, username
// or password (staff), a new mobile or national code (citizens). Whatever
// changes an account (the API, an operator's SQL), the change announces itself
// on the `account_changed` channel, and a deleted account too, so every API
// process drops what it cached about it.
import type { Knex } from 'knex';

const accounts = [
  { table: 'staff', kind: 'staff', watched: ['active', 'role_id', 'district_id', 'username', 'password_hash'] },
  { table: 'citizens', kind: 'citizen', watched: ['mobile', 'national_code'] },
] as const;

export async function up(knex: Knex): Promise<void> {
  for (const { table } of accounts) {
    await knex.schema.alterTable(table, (t) => {
      t.integer('session_epoch').notNullable().defaultTo(0)
        .comment('Tokens carry the epoch they were issued in and stop working once it moves: sign-out everywhere, and by trigger every change that ends sessions.');
    });
  }
  await knex.raw(`
    create function notify_account_changed() returns trigger language plpgsql as $body$
    begin
      if tg_op = 'DELETE' or new.session_epoch is distinct from old.session_epoch then
        perform pg_notify('account_changed', tg_argv[0] || ':' || old.id);
      end if;
      return null;
    end
    $body$`);
  await knex.raw(`comment on function notify_account_changed() is 'Tells every API process (channel account_changed, payload <kind>:<id>) that an account''s tokens are to be checked again: its session epoch moved or it was deleted.'`);
  for (const { table, kind, watched } of accounts) {
    const changed = watched.map((column) => `new.${column} is distinct from old.${column}`).join(' or ');
    await knex.raw(`
      create function ${table}_end_sessions() returns trigger language plpgsql as $body$
      begin
        if ${changed} then
          new.session_epoch := greatest(new.session_epoch, old.session_epoch + 1);
        end if;
        return new;
      end
      $body$`);
    await knex.raw(`comment on function ${table}_end_sessions() is 'Moves the session epoch when ${watched.join(', ')} change, so tokens issued before stop working.'`);
    await knex.raw(`create trigger ${table}_end_sessions before update on ${table} for each row execute function ${table}_end_sessions()`);
    await knex.raw(`create trigger ${table}_account_changed after update or delete on ${table} for each row execute function notify_account_changed('${kind}')`);
  }
}

export async function down(knex: Knex): Promise<void> {
  for (const { table } of accounts) {
    await knex.raw(`drop trigger ${table}_account_changed on ${table}`);
    await knex.raw(`drop trigger ${table}_end_sessions on ${table}`);
    await knex.raw(`drop function ${table}_end_sessions()`);
    await knex.schema.alterTable(table, (t) => t.dropColumn('session_epoch'));
  }
  await knex.raw('drop function notify_account_changed()');
}
