// Delivers the outbox: pending rows go to the provider one by one, each in
// its own transaction with the row locked (SKIP LOCKED), so two senders never
// deliver the same message and a crash before the update only re-sends with
// the same id.
import type { Knex } from 'knex';
import { clockNow } from '../../platform/clock.ts';
import type { Logger } from '../../platform/logger.ts';
import type { NotificationProvider } from './provider.ts';

export interface SenderOptions {
  db: Knex;
  provider: NotificationProvider;
  logger: Logger;
  /** After this many failed attempts the row is marked failed for an operator. */
  maxAttempts?: number;
}

export interface DeliveryReport {
  sent: number;
  failed: number;
}

export function createNotificationSender({ db, provider, logger, maxAttempts = 5 }: SenderOptions) {
  /** Delivers up to `limit` pending messages, oldest first. */
  async function deliverPending(limit = 50): Promise<DeliveryReport> {
    const report: DeliveryReport = { sent: 0, failed: 0 };
    for (let i = 0; i < limit; i++) {
      const handled = await db.transaction(async (trx) => {
        const row = await trx('notifications').where({ status: 'pending' }).orderBy('id').forUpdate().skipLocked().first();
        if (!row) return false;
        try {
          await provider.send({ id: row.dedupe_key, channel: row.channel, recipient: row.recipient, body: row.body });
          await trx('notifications').where({ id: row.id }).update({ status: 'sent', sent_at: clockNow(trx), attempts: row.attempts + 1 });
          report.sent++;
        } catch (error) {
          const attempts = row.attempts + 1;
          await trx('notifications').where({ id: row.id }).update({ attempts, status: attempts >= maxAttempts ? 'failed' : 'pending' });
          logger.warn({ err: error, notificationId: row.id, attempts, provider: provider.name }, 'notification delivery failed');
          report.failed++;
          return 'stop';
        }
        return true;
      });
      // A provider failure ends this round: the next tick retries after the interval, which is the back-off.
      if (handled !== true) break;
    }
    return report;
  }

  /** Runs `deliverPending` every `intervalMs` until stopped. */
  function start(intervalMs = 2_000): { stop(): Promise<void> } {
    let running: Promise<unknown> = Promise.resolve();
    const timer = setInterval(() => {
      running = running.then(() => deliverPending()).catch((error) => logger.error({ err: error }, 'notification sender round failed'));
    }, intervalMs);
    return {
      stop: async () => {
        clearInterval(timer);
        await running;
      },
    };
  }

  return { deliverPending, start };
}
