// A person completes a task: the engine's job is completed with the form's
// variables, then the row; findings of an inspection close its visit.
import type { Knex } from 'knex';
import type { ZBClient } from 'zeebe-node';
import { clockNow } from '../../platform/clock.ts';
import { isNotFound } from '../../platform/zeebe.ts';
import { recordFindings } from '../inspections/visits.ts';
import { savedFormSchemaSql } from './forms.ts';

export class TaskNotOpen extends Error {
  override name = 'TaskNotOpen';
}

/**
 * What completing reads of a task, under its row lock: who may see and holds
 * it, the form its variables are checked with (with the schema of the form
 * version an analyst deployed from the modeler that its form key names, if
 * any), and whether it is still open. Not its variables: they hold the
 * request's whole form, and the new ones are merged into them by PostgreSQL.
 */
export interface LockedTask {
  job_key: string; request_id: string | null; status: string; assignee: string | null; candidate_groups: string[];
  form_id: string | null; form_key: string | null; saved_form_schema: string | null;
}

/** Decides, on the locked row, whether this completion may go on (it throws if not); the row is undefined when there is no such task. */
export type CompletionCheck = (task: LockedTask | undefined, trx: Knex.Transaction) => Promise<void>;

/**
 * Completes a task for the API: locks the row, lets `check` refuse (who may,
 * with which form), completes the job in the engine with the form's
 * variables, then marks the row. If the engine call fails the row stays open
 * and the caller may try again.
 */
export async function completeUserTask(
  deps: { db: Knex; zeebe: ZBClient },
  input: { jobKey: string; variables: Record<string, unknown>; completedBy: string },
  check?: CompletionCheck,
): Promise<void> {
  let cancelled = false;
  await deps.db.transaction(async (trx) => {
    const task = await trx('user_tasks').where({ job_key: input.jobKey }).forUpdate()
      .first('job_key', 'request_id', 'status', 'assignee', 'candidate_groups', 'form_id', 'form_key', trx.raw(`${savedFormSchemaSql} as saved_form_schema`)) as LockedTask | undefined;
    await check?.(task, trx);
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
    // jsonb || jsonb: the form's variables over the task's, key by key, as the engine merges them.
    await trx('user_tasks').where({ job_key: input.jobKey }).update({
      status: 'completed', completed_at: clockNow(trx), completed_by: input.completedBy,
      variables: trx.raw('variables || ?::jsonb', [JSON.stringify(input.variables)]),
    });
    await recordFindings(trx, task, input.variables);
  });
  if (cancelled) throw new TaskNotOpen(`task ${input.jobKey} was ended by its process`);
}
