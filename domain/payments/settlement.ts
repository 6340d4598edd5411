// What happens when the gateway sends the citizen back. The callback is only
// a hint: we verify with the gateway, compare amount and order id with our
// own row, settle, and only then tell the process (message payment-confirmed,
// correlated by payment id). The API's callback route calls `settlePayment`;
// the payment worker's sweep reconciles callbacks that never came.
import type { Knex } from 'knex';
import type { ZBClient } from 'zeebe-node';
import { clockNow } from '../../platform/clock.ts';
import { persianDigits, rials } from '../../platform/persian.ts';
import type { Logger } from '../../platform/logger.ts';
import { publishOnce } from '../../platform/messages.ts';
import type { PaymentGateway } from './gateway.ts';

export interface SettlementDeps {
  db: Knex;
  zeebe: Pick<ZBClient, 'publishMessage'>;
  gateway: PaymentGateway;
  logger: Logger;
}

export type SettlementResult =
  | { status: 'paid'; paymentId: string; requestId: string; reference: string }
  | { status: 'failed'; paymentId: string; requestId: string; reason: string }
  | { status: 'unknown' };

/** Messages live an hour, so a callback that beats the process to its wait still arrives. */
const messageTimeToLive = 60 * 60 * 1000;

async function publish(deps: Pick<SettlementDeps, 'zeebe'>, name: 'payment-confirmed' | 'payment-failed', paymentId: string, variables: Record<string, unknown>) {
  // messageId makes a repeated callback publish once; the engine drops duplicates within the TTL.
  await publishOnce(deps.zeebe, { name, correlationKey: paymentId, messageId: `${name}:${paymentId}`, timeToLive: messageTimeToLive, variables });
}

/** Each payment's outcome on the request's timeline, once (the citizen and staff read the whole story there). */
async function recordOnTimeline(trx: Knex, payment: { id: string; request_id: string; amount: string | number }, kind: 'payment-received' | 'payment-failed', titleFa: string, extra: Record<string, unknown> = {}) {
  await trx('request_events').insert({
    request_id: payment.request_id, kind, dedupe_key: `payment:${payment.id}:${kind}`,
    data: { paymentId: payment.id, amount: Number(payment.amount), titleFa, ...extra },
  }).onConflict(['request_id', 'dedupe_key']).ignore();
}

/** Verifies the payment behind `token` and tells its process; safe to call any number of times. */
export async function settlePayment(deps: SettlementDeps, token: string): Promise<SettlementResult> {
  const payment = await deps.db('payments').where({ gateway_token: token }).first();
  if (!payment) return { status: 'unknown' };
  const log = deps.logger.child({ paymentId: payment.id, requestId: payment.request_id });

  if (payment.status === 'paid' || payment.status === 'reversed') {
    await publish(deps, 'payment-confirmed', payment.id, { paymentReference: payment.reference });
    return { status: 'paid', paymentId: payment.id, requestId: payment.request_id, reference: payment.reference };
  }
  if (payment.status === 'failed') {
    await publish(deps, 'payment-failed', payment.id, { paymentFailure: payment.failure_reason });
    return { status: 'failed', paymentId: payment.id, requestId: payment.request_id, reason: payment.failure_reason };
  }

  const verified = await deps.gateway.verify(token);
  let reason: string | undefined;
  if (!verified.ok) reason = verified.reason;
  else if (verified.orderId !== payment.id) reason = `gateway order id ${verified.orderId} is not ${payment.id}`;
  else if (verified.amount !== Number(payment.amount)) reason = `gateway amount ${verified.amount} is not ${payment.amount}`;

  if (reason) {
    // Money taken for the wrong order or amount goes back to the card at once.
    if (verified.ok) await deps.gateway.reverse(token).catch((error) => log.error({ err: error }, 'reverse after mismatch failed; the bank refunds unverified payments'));
    await deps.db.transaction(async (trx) => {
      const failed = await trx('payments').where({ id: payment.id }).whereIn('status', ['created', 'pending']).update({ status: 'failed', failure_reason: reason });
      if (failed) await recordOnTimeline(trx, payment, 'payment-failed', `پرداخت ${rials(Number(payment.amount))} انجام نشد`);
    });
    log.warn({ reason }, 'payment not verified');
    await publish(deps, 'payment-failed', payment.id, { paymentFailure: reason });
    return { status: 'failed', paymentId: payment.id, requestId: payment.request_id, reason };
  }

  const { reference } = verified as { reference: string };
  await deps.gateway.settle?.(token);
  await deps.db.transaction(async (trx) => {
    const paid = await trx('payments').where({ id: payment.id }).whereIn('status', ['created', 'pending'])
      .update({ status: 'paid', reference, paid_at: clockNow(trx) });
    if (paid) await recordOnTimeline(trx, payment, 'payment-received', `پرداخت ${rials(Number(payment.amount))} انجام شد؛ شماره پیگیری بانک ${persianDigits(reference)}`, { reference });
  });
  log.info({ reference }, 'payment verified and settled');
  await publish(deps, 'payment-confirmed', payment.id, { paymentReference: reference });
  return { status: 'paid', paymentId: payment.id, requestId: payment.request_id, reference };
}

/**
 * The sweep for callbacks that never came (the citizen closed the tab, the
 * network dropped): every payment still pending after `olderThanMinutes` is
 * verified with the gateway like a callback would. Paid ones are confirmed;
 * unpaid ones fail, which is what the bank does with unverified money anyway.
 * Each payment is settled in a transaction holding its row (SKIP LOCKED), so
 * the sweeps of several workers processes share the payments instead of
 * asking the bank twice about one.
 */
export async function reconcilePendingPayments(deps: SettlementDeps, olderThanMinutes = 30, limit = 100): Promise<SettlementResult[]> {
  const results: SettlementResult[] = [];
  const tried: string[] = [];
  while (tried.length < limit) {
    const more = await deps.db.transaction(async (trx) => {
      const row: { gateway_token: string } | undefined = await trx('payments')
        .where({ status: 'pending', gateway: deps.gateway.name })
        .whereNotNull('gateway_token')
        .whereNotIn('gateway_token', tried)
        .where('created_at', '<', trx.raw(`clock_now() - make_interval(mins => ?)`, [olderThanMinutes]))
        .orderBy('created_at')
        .forUpdate().skipLocked()
        .first('gateway_token');
      if (!row) return false;
      tried.push(row.gateway_token);
      try {
        results.push(await settlePayment({ ...deps, db: trx }, row.gateway_token));
      } catch (error) {
        deps.logger.warn({ err: error }, 'reconciling a payment failed; next sweep tries again');
      }
      return true;
    });
    if (!more) break;
  }
  return results;
}

/**
 * A settled payment whose process never heard of it: the row says paid but
 * publishing payment-confirmed failed (the engine was away at the callback),
 * and no callback comes again. Its request still waits at the payment (status
 * awaiting-payment) minutes after the money arrived, so the confirmation is
 * published again; the message id makes a copy the engine already has a no-op.
 * Returns how many were announced.
 */
export async function announceUnheardPayments(deps: Omit<SettlementDeps, 'gateway'>, olderThanMinutes = 2): Promise<number> {
  const unheard: Array<{ id: string; reference: string | null }> = await deps.db('payments as p')
    .join('requests as r', 'r.id', 'p.request_id')
    .where({ 'p.status': 'paid', 'r.status': 'awaiting-payment' })
    .whereNull('r.closed_at')
    .where('p.paid_at', '<', deps.db.raw(`clock_now() - make_interval(mins => ?)`, [olderThanMinutes]))
    // The payment window is three days; older waits have lapsed.
    .where('p.paid_at', '>', deps.db.raw(`clock_now() - interval '3 days'`))
    .select('p.id', 'p.reference')
    .limit(100);
  let announced = 0;
  for (const payment of unheard) {
    try {
      await publish(deps, 'payment-confirmed', payment.id, { paymentReference: payment.reference });
      announced += 1;
    } catch (error) {
      deps.logger.warn({ err: error, paymentId: payment.id }, 'announcing a settled payment failed; next sweep tries again');
      break;
    }
  }
  return announced;
}
