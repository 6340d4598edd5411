// Job-worker user tasks: the engine hands each one out as a job of type
// `io.camunda.zeebe:userTask`; we keep it as a row of the clerks' task list
// and complete the job when a person completes the task.
import type { Knex } from 'knex';
import type { ZBClient } from 'zeebe-node';
import { clockNow } from '../../platform/clock.ts';
import type { Logger } from '../../platform/logger.ts';
import type { JobInput } from '../job.ts';
import { createTaskDefinitionResolver, type TaskDefinitionResolver } from './definitions.ts';

export const userTaskHeaders = {
  assignee: 'io.camunda.zeebe:assignee',
  candidateGroups: 'io.camunda.zeebe:candidateGroups',
  formKey: 'io.camunda.zeebe:formKey',
  dueDate: 'io.camunda.zeebe:dueDate',
  followUpDate: 'io.camunda.zeebe:followUpDate',
} as const;

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function candidateGroupsOf(header: string | undefined): string[] {
  if (!header) return [];
  try {
    const parsed: unknown = JSON.parse(header);
    if (Array.isArray(parsed)) return parsed.filter((group): group is string => typeof group === 'string');
  } catch {
    // The engine writes JSON; a hand-written comma list is accepted too.
  }
  return header.split(',').map((group) => group.trim()).filter(Boolean);
}

function dateOf(header: string | undefined): Date | null {
  if (!header) return null;
  const date = new Date(header);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** A user-task job: what every job carries plus the process definition its instance runs. */
export interface UserTaskJob extends JobInput {
  processDefinitionKey: string;
}

export interface StoredTask {
  jobKey: string;
  created: boolean;
}

export interface UserTaskDeps {
  db: Knex;
  logger: Logger;
  /** Shared by the worker so its cache serves every job; one is made when not given. */
  definitions?: TaskDefinitionResolver;
}

export function createUserTaskHandlers({ db, logger, definitions = createTaskDefinitionResolver({ db }) }: UserTaskDeps) {
  return {
    /**
     * Stores the task with the name and form its diagram version gives it; the
     * job key is the primary key, so a re-delivered job (timeout, worker
     * restart) finds its row and adds nothing.
     */
    async store(job: UserTaskJob): Promise<StoredTask> {
      const requestId = typeof job.variables.requestId === 'string' && uuidPattern.test(job.variables.requestId)
        ? job.variables.requestId : null;
      const formKey = job.headers[userTaskHeaders.formKey];
      const task = await definitions.resolve({
        processDefinitionKey: job.processDefinitionKey, bpmnProcessId: job.bpmnProcessId, elementId: job.elementId, formKey,
      });
      if (task.source === 'unknown') logger.warn({ jobKey: job.jobKey, bpmnProcessId: job.bpmnProcessId, elementId: job.elementId }, 'user task not found in a known diagram version; named by its element id');
      const inserted = await db('user_tasks')
        .insert({
          job_key: job.jobKey,
          request_id: requestId,
          process_instance_key: job.processInstanceKey,
          process_definition_key: job.processDefinitionKey,
          element_id: job.elementId,
          name: task.name,
          form_id: task.formId,
          form_key: formKey ?? null,
          job_retries: job.retries,
          candidate_groups: candidateGroupsOf(job.headers[userTaskHeaders.candidateGroups]),
          assignee: job.headers[userTaskHeaders.assignee] ?? null,
          due_at: dateOf(job.headers[userTaskHeaders.dueDate]),
          follow_up_at: dateOf(job.headers[userTaskHeaders.followUpDate]),
          variables: job.variables,
        })
        .onConflict('job_key')
        .ignore()
        .returning('job_key');
      logger.debug({ jobKey: job.jobKey, created: inserted.length > 0, source: task.source }, 'user task stored');
      return { jobKey: job.jobKey, created: inserted.length > 0 };
    },
  };
}

/** The gateway's answer for a job (or element) it no longer has: gRPC NOT_FOUND, from Zeebe and our engine alike. */
export function isNotFound(error: unknown): boolean {
  return (error as { code?: number }).code === 5 || /NOT_FOUND/.test((error as Error | undefined)?.message ?? '');
}

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
    await closeInspectionVisit(trx, task, input.variables);
  });
  if (cancelled) throw new TaskNotOpen(`task ${input.jobKey} was ended by its process`);
}

/**
 * Findings recorded (the task-inspection form's `inspectionResult`): the
 * assignee's open visit for the request is done, so it no longer counts
 * against them when inspectors are next assigned, and it keeps the result,
 * the day of the visit and the notes for the approver. The timeline says
 * the visit took place and how it came out (the notes stay with staff).
 */
async function closeInspectionVisit(trx: Knex, task: { job_key: string; request_id: string | null; assignee: string | null }, variables: Record<string, unknown>) {
  const result = variables.inspectionResult;
  if (!task.request_id || !task.assignee || (result !== 'pass' && result !== 'fail')) return;
  const visitedOn = typeof variables.inspectionDate === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(variables.inspectionDate) ? variables.inspectionDate : null;
  await trx('inspection_visits')
    .where({ request_id: task.request_id, status: 'open' })
    .whereIn('inspector_id', trx('staff').select('id').where({ username: task.assignee }))
    .update({
      status: 'done', result, done_at: clockNow(trx), visited_on: visitedOn,
      notes: typeof variables.inspectionNotes === 'string' ? variables.inspectionNotes : null,
    });
  const titleFa = result === 'pass' ? 'بازدید کارشناس انجام شد: مطابق است' : 'بازدید کارشناس انجام شد: مغایرت دارد';
  await trx('request_events')
    .insert({ request_id: task.request_id, kind: 'inspection-done', dedupe_key: `task:${task.job_key}:inspection`, data: { result, visitedOn, titleFa } })
    .onConflict(['request_id', 'dedupe_key']).ignore();
}
