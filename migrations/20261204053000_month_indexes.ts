// Indexes for the reads that scanned a whole table growing with every month
// of requests (found with pg_stat_statements on a simulated day of district
// 12 and EXPLAINed on that day copied 30 times). Each serves the predicate and
// order of the named query; a status that only a few live rows have is a
// partial index, so the years of sent, paid and done rows stay out of it.
import type { Knex } from 'knex';

const indexes: Array<{ name: string; sql: string }> = [
  // The sender's next pending message, oldest first (notifications/sender.ts): with only the
  // primary key it walked every sent row in id order to find the few pending ones.
  { name: 'notifications_pending', sql: `on notifications (id) where status = 'pending'` },
  // The newest sign-in code text sent to a mobile (notifications/outbox.ts latestMessageBody).
  { name: 'notifications_recipient_template', sql: 'on notifications (recipient, template, id)' },
  // A request's payments, oldest first, and its paid ones to refund (payments/payments.ts).
  { name: 'payments_request', sql: 'on payments (request_id, created_at)' },
  // A request's latest certificate: its status page and its PDF (requests/view.ts, certificates/issue.ts).
  { name: 'certificates_request', sql: 'on certificates (request_id, issued_at)' },
  // A request's latest and live appointment (appointments/listings.ts, choices.ts, booking.ts).
  { name: 'appointments_request', sql: 'on appointments (request_id, created_at)' },
  // A district office's day at the counters (appointments/listings.ts counterDay).
  { name: 'appointments_district_day', sql: 'on appointments (district_id, starts_at)' },
  // A request's visits: findings recorded, a closed request's visit cancelled, findings read (inspections/visits.ts).
  { name: 'inspection_visits_request', sql: 'on inspection_visits (request_id)' },
  // Whoever was assigned least recently (inspections/visits.ts assignInspector): max(assigned_at) per inspector
  // read every visit the inspector ever had.
  { name: 'inspection_visits_inspector_assigned', sql: 'on inspection_visits (inspector_id, assigned_at)' },
  // A request's tasks: where it waits (requests/positions.ts), the task list filtered by request, the figures.
  { name: 'user_tasks_request', sql: 'on user_tasks (request_id)' },
];

export async function up(knex: Knex): Promise<void> {
  for (const index of indexes) await knex.raw(`create index ${index.name} ${index.sql}`);
}

export async function down(knex: Knex): Promise<void> {
  for (const index of [...indexes].reverse()) await knex.raw(`drop index if exists ${index.name}`);
}
