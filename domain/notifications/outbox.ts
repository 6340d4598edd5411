// The outbox: a row per message and channel, delivered by sender.ts. The
// dedupe key is unique, so queueing the same message twice (a re-delivered
// job) leaves one row.
import type { Knex } from 'knex';

export interface QueuedMessage {
  requestId: string | null;
  channel: 'sms' | 'email' | 'staff';
  recipient: string;
  template: string;
  body: string;
  dedupeKey: string;
}

const rowOf = (message: QueuedMessage) => ({
  request_id: message.requestId,
  channel: message.channel,
  recipient: message.recipient,
  template: message.template,
  body: message.body,
  dedupe_key: message.dedupeKey,
});

/** Returns whether the message is new. */
export async function queueNotification(db: Knex, message: QueuedMessage): Promise<boolean> {
  const inserted = await db('notifications')
    .insert(rowOf(message))
    .onConflict('dedupe_key')
    .ignore()
    .returning('id');
  return inserted.length > 0;
}

/** Who a message goes to: a staff group's task list, or a citizen by SMS (and e-mail when they gave one). */
export type Recipients = { staffGroup: string } | { mobile: string; email?: string };

/**
 * Queues one message on every channel of its recipients, each row keyed
 * `<key>:<channel>`, in one statement (all rows or none): a repeated call (a
 * re-delivered job with the same key) queues nothing new.
 */
export async function notify(db: Knex, message: { requestId: string; template: string; body: string; to: Recipients; key: string }): Promise<void> {
  const { to, key } = message;
  const base = { requestId: message.requestId, template: message.template, body: message.body };
  const messages: QueuedMessage[] = 'staffGroup' in to
    // Staff read these in their task list; no SMS numbers are kept for staff.
    ? [{ ...base, channel: 'staff', recipient: to.staffGroup, dedupeKey: `${key}:staff` }]
    : [
      { ...base, channel: 'sms', recipient: to.mobile, dedupeKey: `${key}:sms` },
      ...(to.email ? [{ ...base, channel: 'email' as const, recipient: to.email, dedupeKey: `${key}:email` }] : []),
    ];
  await db('notifications').insert(messages.map(rowOf)).onConflict('dedupe_key').ignore();
}

/** The text of the newest message of a template to a recipient, read back from the outbox. */
export async function latestMessageBody(db: Knex, recipient: string, template: string): Promise<string | undefined> {
  const row = await db('notifications').where({ recipient, template }).orderBy('id', 'desc').first('body');
  return row?.body;
}
