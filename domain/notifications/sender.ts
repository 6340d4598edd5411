// Delivers the outbox: pending rows go to the provider a few at a time, each
// few in one transaction with its rows locked (SKIP LOCKED), so two senders
// never deliver the same message and a crash before the commit only re-sends
// those few with the same ids (the provider's idempotency key).
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
  /** Messages sent under one transaction: fewer round trips, and at most this many sent again after a crash. */
  batch?: number;
}

export interface DeliveryReport {
  sent: number;
  failed: number;
}

export function createNotificationSender({ db, provider, logger, maxAttempts = 5, batch = 10 }: SenderOptions) {
  /** Delivers up to `limit` pending messages, oldest first, `batch` to a transaction. */
  async function deliverPending(limit = 50): Promise<DeliveryReport> {
    const report: DeliveryReport = { sent: 0, failed: 0 };
    while (report.sent < limit) {
      const wanted = Math.min(batch, limit - report.sent);
      const outcome = await db.transaction(async (trx) => {
        const rows = await trx('notifications').where({ status: 'pending' }).orderBy('id').forUpdate().skipLocked().limit(wanted);
        const sent: number[] = [];
        let stopped = false;
        for (const row of rows) {
          try {
            await provider.send({ id: row.dedupe_key, channel: row.channel, recipient: row.recipient, body: row.body });
            sent.push(row.id);
          } catch (error) {
            const attempts = row.attempts + 1;
            await trx('notifications').where({ id: row.id }).update({ attempts, status: attempts >= maxAttempts ? 'failed' : 'pending' });
            logger.warn({ err: error, notificationId: row.id, attempts, provider: provider.name }, 'notification delivery failed');
            report.failed++;
            stopped = true;
            break;
          }
        }
        if (sent.length > 0) {
          await trx('notifications').whereIn('id', sent).update({ status: 'sent', sent_at: clockNow(trx), attempts: trx.raw('attempts + 1') });
          report.sent += sent.length;
        }
        return { picked: rows.length, stopped };
      });
      // A provider failure ends this round: the next tick retries after the interval, which is the back-off.
      // Fewer rows than asked for: nothing else is pending that another sender is not already sending.
      if (outcome.stopped || outcome.picked < wanted) break;
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
