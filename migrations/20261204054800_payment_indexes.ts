// Indexes for the payment reads that scanned every payment ever made (the
// same search as 20261204053000_month_indexes, second pass over the reads the
// bank's callback and the payment sweeps make).
import type { Knex } from 'knex';

const indexes: Array<{ name: string; sql: string }> = [
  // The bank's callback names its token: settlePayment finds the payment by it (payments/settlement.ts).
  { name: 'payments_gateway_token', sql: 'on payments (gateway_token)' },
  // The sweep for callbacks that never came: pending payments older than half an hour, oldest first.
  { name: 'payments_pending', sql: `on payments (created_at) where status = 'pending'` },
  // The sweep for settled payments whose process never heard: paid within the last three days.
  { name: 'payments_paid', sql: `on payments (paid_at) where status = 'paid'` },
];

export async function up(knex: Knex): Promise<void> {
  for (const index of indexes) await knex.raw(`create index ${index.name} ${index.sql}`);
}

export async function down(knex: Knex): Promise<void> {
  for (const index of [...indexes].reverse()) await knex.raw(`drop index if exists ${index.name}`);
}
