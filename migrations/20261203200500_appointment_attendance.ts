// Staff record at the counter whether the citizen came. The row keeps when and
// by whom, for the counter's day list and the timeline, and so the workers'
// sweep can tell the process again while its request still waits at the
// appointment (a message buffered for it may have run out).
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('appointments', (table) => {
    table.timestamp('attendance_recorded_at', { useTz: true })
      .comment('When staff recorded attended or missed; null until then.');
    table.text('attendance_recorded_by')
      .comment('Who recorded the attendance: staff:<username>.');
  });
  await knex.raw(`create index appointments_attendance_owed on appointments (attendance_recorded_at) where status in ('attended', 'missed')`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index if exists appointments_attendance_owed');
  await knex.schema.alterTable('appointments', (table) => {
    table.dropColumns('attendance_recorded_at', 'attendance_recorded_by');
  });
}
