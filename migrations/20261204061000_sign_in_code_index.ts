// The newest sign-in code sent to a mobile is read back from the outbox only
// in development (the API shows it instead of an SMS gateway): index the
// sign-in codes alone, so the messages of every request, which the index of
// 20261204053000_month_indexes also kept, cost no index entry.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.raw('drop index if exists notifications_recipient_template');
  await knex.raw(`create index notifications_sign_in_codes on notifications (recipient, id) where template = 'sign-in-code'`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index if exists notifications_sign_in_codes');
  await knex.raw('create index notifications_recipient_template on notifications (recipient, template, id)');
}
