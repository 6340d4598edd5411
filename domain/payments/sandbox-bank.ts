// The sandbox bank's book: what a Shaparak PSP keeps about each transaction,
// in our own table (sandbox_gateway_transactions). No money moves. The bank's
// HTTP face is api/routes/sandbox-gateway/; our merchant-side client of it is
// sandbox-gateway.ts. Like a PSP, a business answer (declined, error) is a
// value, and only a request it cannot take at all is a refusal.
import { randomBytes, randomInt } from 'node:crypto';
import type { Knex } from 'knex';
import { ApiProblem } from '../../platform/problem.ts';

export interface SandboxTransaction {
  token: string;
  order_id: string;
  amount: string | number;
  callback_url: string;
  status: 'created' | 'paid' | 'cancelled' | 'verified' | 'reversed';
  reference: string | null;
}

/** Like real PSPs, tiny amounts are refused (a business answer, not an error). */
export const sandboxMinimumRials = 10_000;

const table = (db: Knex) => db<SandboxTransaction>('sandbox_gateway_transactions');

export const findTransaction = (db: Knex, token: string) => table(db).where({ token }).first();

/** A token for the order; the same order and amount again get the same token. */
export async function openTransaction(db: Knex, order: { orderId: string; amount: number; callbackUrl: string }):
  Promise<{ status: 'ok'; token: string } | { status: 'declined'; reason: string }> {
  if (order.amount < sandboxMinimumRials) return { status: 'declined', reason: 'amount below the gateway minimum of 10,000 rials' };
  const existing = await table(db).where({ order_id: order.orderId }).first();
  if (existing) {
    if (Number(existing.amount) !== order.amount) throw new ApiProblem(409, 'order-reused', 'The order id was used with another amount.', 'این شماره سفارش با مبلغ دیگری به کار رفته است.');
    return { status: 'ok', token: existing.token };
  }
  const token = randomBytes(16).toString('hex');
  await table(db).insert({ token, order_id: order.orderId, amount: order.amount, callback_url: order.callbackUrl });
  return { status: 'ok', token };
}

/** The payer's choice on the payment page, once; answers the transaction as it stands after it. */
export async function decide(db: Knex, transaction: SandboxTransaction, pay: boolean): Promise<SandboxTransaction> {
  if (transaction.status === 'created') {
    await table(db).where({ token: transaction.token, status: 'created' }).update(
      pay ? { status: 'paid', reference: String(randomInt(100_000_000, 999_999_999)) } : { status: 'cancelled' },
    );
  }
  return (await findTransaction(db, transaction.token))!;
}

export async function verifyTransaction(db: Knex, token: string) {
  await table(db).where({ token, status: 'paid' }).update({ status: 'verified' });
  const transaction = await findTransaction(db, token);
  if (!transaction) return { status: 'error', reason: 'unknown token' };
  if (transaction.status !== 'verified') return { status: 'error', reason: `transaction is ${transaction.status}` };
  return { status: 'ok', orderId: transaction.order_id, amount: Number(transaction.amount), reference: transaction.reference };
}

export async function reverseTransaction(db: Knex, token: string) {
  const updated = await table(db).where({ token }).whereIn('status', ['verified', 'reversed']).update({ status: 'reversed' });
  return updated > 0 ? { status: 'ok' } : { status: 'error', reason: 'nothing to reverse' };
}
