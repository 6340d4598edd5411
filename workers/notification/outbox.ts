// Writing to the outbox. The dedupe key is unique, so queueing the same
// message twice (a re-delivered job) leaves one row.
import type { Knex } from 'knex';

export interface QueuedMessage {
  requestId: string | null;
  channel: 'sms' | 'email' | 'staff';
  recipient: string;
  template: string;
  body: string;
  dedupeKey: string;
}

/** Returns whether the message is new. */
export async function queueNotification(db: Knex, message: QueuedMessage): Promise<boolean> {
  const inserted = await db('notifications')
    .insert({
      request_id: message.requestId,
      channel: message.channel,
      recipient: message.recipient,
      template: message.template,
      body: message.body,
      dedupe_key: message.dedupeKey,
    })
    .onConflict('dedupe_key')
    .ignore()
    .returning('id');
  return inserted.length > 0;
}
