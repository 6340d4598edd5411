// A request's payments: one per payment step of its process (the step's
// element instance is the business key, so a retried job finds the payment a
// previous delivery made), charged through the gateway; listed and shown to
// the citizen; refunded when a paid request is withdrawn. What the bank says
// after the citizen paid is settlement.ts.
import type { Knex } from 'knex';
import { clockNow } from '../../platform/clock.ts';
import type { Logger } from '../../platform/logger.ts';
import type { PaymentGateway } from './gateway.ts';

export interface PaymentRow {
  id: string;
  request_id: string;
  business_key: string;
  amount: string;
  status: 'created' | 'pending' | 'paid' | 'failed' | 'reversed';
  gateway: string;
  gateway_token: string | null;
  failure_reason: string | null;
  reference: string | null;
  created_at: Date;
  paid_at: Date | null;
}

export interface Charge {
  /** The payment step's idempotency key (processInstanceKey:elementInstanceKey). */
  businessKey: string;
  requestId: string;
  /** Rials, more than zero. */
  amount: number;
  /** The payer's mobile, which some gateways show on their page. */
  mobile?: string;
}

export type ChargeOutcome =
  | { kind: 'due'; paymentId: string; amount: number; paymentUrl: string }
  /** The gateway refuses this payer or amount (the diagram's PAYMENT_DECLINED); a repeated charge gets the same answer. */
  | { kind: 'declined'; reason: string };

/**
 * The payment of this step, or the one a previous delivery created, in one
 * statement. Only when that delivery committed after this statement began
 * (the insert waited for it, and the statement's snapshot cannot see its row)
 * is the row read again.
 */
async function paymentFor(db: Knex, charge: Charge, gateway: string): Promise<PaymentRow> {
  const { rows } = await db.raw<{ rows: PaymentRow[] }>(`
    with inserted as (
      insert into payments (request_id, business_key, amount, gateway) values (?, ?, ?, ?)
      on conflict (business_key) do nothing
      returning *)
    select * from inserted
    union all
    select * from payments where business_key = ? and not exists (select 1 from inserted)`,
  [charge.requestId, charge.businessKey, charge.amount, gateway, charge.businessKey]);
  return rows[0] ?? (await db<PaymentRow>('payments').where({ business_key: charge.businessKey }).first())!;
}

/**
 * Asks the gateway for a token with our payment id as order id. A technical
 * failure throws and leaves the row without a token, so the retry asks again
 * with the same order id.
 */
export async function chargeFee(deps: { db: Knex; gateway: PaymentGateway; callbackUrl: string }, charge: Charge): Promise<ChargeOutcome> {
  const { db, gateway } = deps;
  const payment = await paymentFor(db, charge, gateway.name);
  if (payment.status === 'failed' && payment.failure_reason?.startsWith('declined')) return { kind: 'declined', reason: payment.failure_reason };
  let token = payment.gateway_token;
  if (!token) {
    const answer = await gateway.requestToken({
      orderId: payment.id, amount: charge.amount, callbackUrl: deps.callbackUrl, ...(charge.mobile ? { mobile: charge.mobile } : {}),
    });
    if (!answer.ok) {
      await db('payments').where({ id: payment.id }).update({ status: 'failed', failure_reason: `declined: ${answer.reason}` });
      return { kind: 'declined', reason: answer.reason };
    }
    token = answer.token;
    await db('payments').where({ id: payment.id }).whereNull('gateway_token').update({ gateway_token: token, status: 'pending' });
  }
  return { kind: 'due', paymentId: payment.id, amount: charge.amount, paymentUrl: gateway.paymentPageUrl(token) };
}

/** Refunds every paid payment of the request; answers how many this call refunded. */
export async function refundPayments(deps: { db: Knex; gateway: PaymentGateway; logger: Logger }, requestId: string): Promise<number> {
  const { db, gateway, logger } = deps;
  const ids: string[] = await db('payments').where({ request_id: requestId, status: 'paid' }).pluck('id');
  let reversed = 0;
  for (const id of ids) {
    // The row stays locked while the bank is asked, so an overlapping
    // delivery waits here and then finds it reversed instead of asking
    // again. A crash mid-call rolls back to 'paid' and the retry asks anew.
    const done = await db.transaction(async (trx) => {
      const payment = await trx<PaymentRow>('payments').where({ id, status: 'paid' }).forUpdate().first();
      if (!payment) return false;
      await gateway.reverse(payment.gateway_token!);
      await trx('payments').where({ id }).update({ status: 'reversed', reversed_at: clockNow(trx) });
      return true;
    });
    if (done) {
      reversed += 1;
      logger.info({ paymentId: id }, 'payment reversed');
    }
  }
  return reversed;
}

/** The request's payments, oldest first. */
export function paymentsOf(db: Knex, requestId: string): Promise<PaymentRow[]> {
  return db<PaymentRow>('payments').where({ request_id: requestId }).orderBy('created_at');
}

/** A payment as the citizen sees it: where to pay while it is due. */
export function paymentView(gateway: PaymentGateway, row: PaymentRow) {
  return {
    id: row.id, status: row.status, amount: Number(row.amount), paidAt: row.paid_at, reference: row.reference, createdAt: row.created_at,
    paymentUrl: row.gateway_token && ['created', 'pending'].includes(row.status) ? gateway.paymentPageUrl(row.gateway_token) : null,
  };
}

/** A payment with the request it belongs to, for its receipt; undefined when there is none. */
export async function paymentWithRequest(db: Knex, paymentId: string) {
  const payment = await db<PaymentRow>('payments').where({ id: paymentId }).first();
  const request = payment && await db('requests').where({ id: payment.request_id }).first('tracking_code', 'service_id') as
    { tracking_code: string; service_id: string } | undefined;
  return payment && request ? { payment, trackingCode: request.tracking_code, serviceId: request.service_id } : undefined;
}
