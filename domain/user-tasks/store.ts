// A job-worker user task as a row of the clerks' task list (`user_tasks`):
// the engine hands each one out as a job of type `io.camunda.zeebe:userTask`,
// and the row keeps what the job says of it plus the Persian name and form
// its diagram version gives it (definitions.ts).
import type { Knex } from 'knex';
import type { Logger } from '../../platform/logger.ts';
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

/** What a user-task job says of its task: where it runs, its headers and the instance's variables. */
export interface UserTaskJob {
  jobKey: string;
  processInstanceKey: string;
  processDefinitionKey: string;
  elementInstanceKey: string;
  elementId: string;
  bpmnProcessId: string;
  retries: number;
  headers: Record<string, string>;
  variables: Record<string, unknown>;
}

export interface StoredTask {
  jobKey: string;
  created: boolean;
}

export interface TaskStoreDeps {
  db: Knex;
  logger: Logger;
  /** Shared by the worker so its cache serves every job; one is made when not given. */
  definitions?: TaskDefinitionResolver;
}

export function createTaskStore({ db, logger, definitions = createTaskDefinitionResolver({ db }) }: TaskStoreDeps) {
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
