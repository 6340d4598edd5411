// What the figures need to judge deadlines and staff work: a request's own
// due date (so SLA met or missed is counted per request, not per task) and
// when a task's assignee took it up (so waiting and handling times part).
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('requests', (table) => {
    table.timestamp('due_at', { useTz: true })
      .comment('SLA due date, set by sla.due-date when the process computes it (working days from created_at); null before.');
  });
  await knex.schema.alterTable('user_tasks', (table) => {
    table.timestamp('claimed_at', { useTz: true })
      .comment('When the assignee claimed the task (business clock); null while unclaimed. Waiting time ends here, handling time starts.');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('user_tasks', (table) => table.dropColumn('claimed_at'));
  await knex.schema.alterTable('requests', (table) => table.dropColumn('due_at'));
}
