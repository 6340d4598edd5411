// A person completes a task: the engine's job is completed with the form's
// variables, then the row; findings of an inspection close its visit.
import type { Knex } from 'knex';
import type { ZBClient } from 'zeebe-node';
import { clockNow } from '../../platform/clock.ts';
import { isNotFound } from '../../platform/zeebe.ts';
import { recordFindings } from '../inspections/visits.ts';

export class TaskNotOpen extends Error {
  override name = 'TaskNotOpen';
}

/**
 * Completes a task for the API: locks the row, completes the job in the
 * engine with the form's variables, then marks the row. If the engine call
 * fails the row stays open and the caller may try again.
 */
export async function completeUserTask(
  deps: { db: Knex; zeebe: ZBClient },
  input: { jobKey: string; variables: Record<string, unknown>; completedBy: string },
): Promise<void> {
  let cancelled = false;
  await deps.db.transaction(async (trx) => {
    const task = await trx('user_tasks').where({ job_key: input.jobKey }).forUpdate().first();
    if (!task || task.status !== 'open') throw new TaskNotOpen(`task ${input.jobKey} is not open`);
    try {
      await deps.zeebe.completeJob({ jobKey: input.jobKey, variables: input.variables });
    } catch (error) {
      // NOT_FOUND: the engine no longer has the job (the instance was cancelled or a boundary event
      // ended the task). The task is gone for good; record that instead of leaving it open.
      if (!isNotFound(error)) throw error;
      await trx('user_tasks').where({ job_key: input.jobKey }).update({ status: 'cancelled', cancelled_at: clockNow(trx) });
      cancelled = true;
      return;
    }
    await trx('user_tasks').where({ job_key: input.jobKey }).update({
      status: 'completed', completed_at: clockNow(trx), completed_by: input.completedBy,
      variables: { ...(task.variables as Record<string, unknown>), ...input.variables },
    });
    await recordFindings(trx, task, input.variables);
  });
  if (cancelled) throw new TaskNotOpen(`task ${input.jobKey} was ended by its process`);
}
