// The task list shows my groups' open tasks or the ones I hold
// (`candidate_groups && ? or assignee = ?`, user-tasks/task-list.ts): the
// groups have a partial GIN index of open tasks (user_tasks_open), the
// assignee had none, so PostgreSQL could not combine the two sides of the OR
// with a bitmap and scanned every open task, or every task a month keeps.
// A partial index of open tasks by assignee serves the other side, and the
// `mine` filter; the closed tasks of past months cost it no entries.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`create index user_tasks_open_assignee on user_tasks (assignee) where status = 'open'`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index if exists user_tasks_open_assignee');
}
