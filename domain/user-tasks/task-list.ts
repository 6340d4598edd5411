// The staff task list over `user_tasks` (rows the user-task worker keeps for
// each open job-worker user task). Staff see the tasks of their candidate
// groups, `district-<id>:<role>`; claiming makes a task one person's;
// completing validates the task's form (forms.ts) and completes the engine
// job (completion.ts).
import type { Knex } from 'knex';
import type { ZBClient } from 'zeebe-node';
import { isoTimestamp as iso } from '../../platform/prepared-statements.ts';
import { ApiProblem, fieldErrors } from '../../platform/problem.ts';
import { completeUserTask, TaskNotOpen, type CompletionCheck } from './completion.ts';
import { createFormResolver } from './forms.ts';

/** Who works the list: a staff member's username, role and district (none for city-wide staff). */
export interface StaffMember { username: string; role: string; districtId: number | null }

export interface TaskRow {
  job_key: string; request_id: string | null; process_instance_key: string; process_definition_key: string | null;
  element_id: string; name: string; form_id: string | null; form_key: string | null;
  candidate_groups: string[]; assignee: string | null; claimed_at: Date | null; due_at: Date | null; follow_up_at: Date | null; status: string;
  variables: Record<string, unknown>; created_at: Date; completed_at: Date | null; completed_by: string | null;
  job_retries: number | null; checked_at: Date | null; cancelled_at: Date | null;
}

/** A task shown by itself also carries its SLA state, worked out by the business clock (platform/clock.ts). */
export type ListedTask = TaskRow & { sla: SlaState };

export const slaStates = ['breached', 'near', 'ok', 'none'] as const;
export type SlaState = typeof slaStates[number];

/**
 * The one definition of a task's SLA colour: past its due date it is
 * breached; near once its follow-up date has come (the diagram's
 * zeebe:taskSchedule followUpDate), or within a day of the due date when the
 * diagram sets none; no due date, none.
 */
const slaSql = `case
  when due_at is null then 'none'
  when due_at <= clock_now() then 'breached'
  when coalesce(follow_up_at, due_at - interval '1 day') <= clock_now() then 'near'
  else 'ok' end`;

const textVariable = (name: string) => `case when jsonb_typeof(variables->'${name}') = 'string' then variables->>'${name}' end`;

/**
 * A task as the list shows it, as JSON built by PostgreSQL in the API's
 * shape (the Task list schema of api/routes/api/tasks): of its variables only
 * the request's tracking code and service (when they are texts), its times
 * as JSON has them. A variables document holds the request's whole form; a
 * list of 200 tasks used to parse every one of them, and build 200 objects
 * and their dates, to show two fields.
 */
const summaryJson = `json_build_object(
  'jobKey', job_key, 'name', name, 'elementId', element_id, 'formId', form_id, 'requestId', request_id,
  'trackingCode', ${textVariable('trackingCode')}, 'serviceId', ${textVariable('serviceId')},
  'candidateGroups', candidate_groups, 'assignee', assignee,
  'dueAt', ${iso('due_at')}, 'followUpAt', ${iso('follow_up_at')}, 'status', status, 'createdAt', ${iso('created_at')},
  'sla', ${slaSql})::text`;

/** The candidate group of a role in a district, `district-<n>:<role>`: what the diagrams and the approval router assign tasks to. */
export const candidateGroup = (districtId: number, role: string): string => `district-${districtId}:${role}`;

export const groupsOf = (staff: StaffMember): string[] => staff.districtId === null ? [] : [candidateGroup(staff.districtId, staff.role)];

export interface TaskFilter {
  mine?: boolean; unassigned?: boolean; requestId?: string; serviceId?: string; sla?: SlaState[];
  sort?: 'due' | 'created'; limit?: number; offset?: number;
}

const notFound = () => new ApiProblem(404, 'unknown-task', 'There is no such task in your groups.', 'چنین کاری در کارتابل شما نیست.');

/** Whether a staff member may see a task: one of their groups is a candidate, or it is theirs. */
const maySee = (task: { assignee: string | null; candidate_groups: string[] }, staff: StaffMember): boolean => {
  const groups = groupsOf(staff);
  return task.assignee === staff.username || task.candidate_groups.some((group) => groups.includes(group));
};

export function createTaskList(db: Knex, zeebe: ZBClient) {
  const formsOf = createFormResolver(db);

  /** The task if the staff member may see it: one of their groups is a candidate, or it is theirs. */
  async function visible(jobKey: string, staff: StaffMember): Promise<ListedTask> {
    const task = await db<TaskRow>('user_tasks').where({ job_key: jobKey }).first('*', db.raw(`${slaSql} as sla`)) as ListedTask | undefined;
    if (!task || !maySee(task, staff)) throw notFound();
    return task;
  }

  /** A task of one of the manager's district's groups (`district-<id>:<any role>`), or one they may see anyway. */
  async function ofManagersDistrict(jobKey: string, staff: StaffMember): Promise<TaskRow> {
    const task = await db<TaskRow>('user_tasks').where({ job_key: jobKey }).first();
    const prefix = `district-${staff.districtId}:`;
    if (task && staff.districtId !== null && task.candidate_groups.some((group) => group.startsWith(prefix))) return task;
    return visible(jobKey, staff);
  }

  /**
   * Open tasks of my groups or assigned to me (so only my district's: a
   * group is `district-<id>:<role>`), soonest due first (no due date last)
   * or oldest first, with the number of all that match: the page as a JSON
   * array of tasks (summaryJson).
   */
  async function list(staff: StaffMember, filter: TaskFilter): Promise<{ json: string; total: number }> {
    const query = db<TaskRow>('user_tasks')
      .select(db.raw(`${summaryJson} as task`), db.raw('count(*) over () as total'))
      .where({ status: 'open' })
      .andWhere((q) => q.whereRaw('candidate_groups && ?::text[]', [groupsOf(staff)]).orWhere({ assignee: staff.username }))
      .orderByRaw(filter.sort === 'created' ? 'created_at asc, job_key' : 'due_at asc nulls last, created_at asc, job_key')
      .limit(filter.limit ?? 200)
      .offset(filter.offset ?? 0);
    if (filter.mine) query.where({ assignee: staff.username });
    if (filter.unassigned) query.whereNull('assignee');
    if (filter.requestId) query.where({ request_id: filter.requestId });
    if (filter.serviceId) query.whereRaw("variables->>'serviceId' = ?", [filter.serviceId]);
    if (filter.sla?.length) query.whereRaw(`(${slaSql}) = any(?::text[])`, [filter.sla]);
    const rows = await query as unknown as Array<{ task: string; total: string }>;
    // A page past the end has no row to carry the count: ask for the first page's.
    const total = rows.length > 0 ? Number(rows[0]!.total) : filter.offset ? (await list(staff, { ...filter, offset: 0, limit: 1 })).total : 0;
    return { json: `[${rows.map((row) => row.task).join(',')}]`, total };
  }

  return {
    formsOf,
    visible,

    list,

    /**
     * Takes an open task nobody (or I) holds, if I may see it, in one
     * statement; only when that changes nothing is the task read again, to
     * tell a task I may not see (404) from one taken or closed (409).
     */
    async claim(jobKey: string, staff: StaffMember): Promise<TaskRow> {
      const [claimed] = await db<TaskRow>('user_tasks')
        .where({ job_key: jobKey, status: 'open' })
        .andWhere((q) => q.whereNull('assignee').orWhere({ assignee: staff.username }))
        .andWhere((q) => q.whereRaw('candidate_groups && ?::text[]', [groupsOf(staff)]).orWhere({ assignee: staff.username }))
        .update({ assignee: staff.username, claimed_at: db.raw('coalesce(claimed_at, clock_now())') })
        .returning('*');
      if (claimed) return claimed;
      await visible(jobKey, staff);
      throw new ApiProblem(409, 'task-taken', 'Someone else has claimed this task, or it is closed.', 'این کار را همکار دیگری برداشته یا بسته شده است.');
    },

    /**
     * Only the assignee, or the district's manager, hands a task back. A
     * manager does not work the district's other groups' tasks (nor list them),
     * but frees one a colleague holds, say while they are away.
     */
    async unclaim(jobKey: string, staff: StaffMember): Promise<TaskRow> {
      const task = staff.role === 'manager' ? await ofManagersDistrict(jobKey, staff) : await visible(jobKey, staff);
      if (task.assignee !== staff.username && staff.role !== 'manager') {
        throw new ApiProblem(403, 'not-yours', 'Only the person who claimed the task may hand it back.', 'فقط کسی که این کار را برداشته می‌تواند آن را پس بدهد.');
      }
      const [released] = await db<TaskRow>('user_tasks').where({ job_key: jobKey, status: 'open' }).update({ assignee: null, claimed_at: null }).returning('*');
      if (!released) throw new ApiProblem(409, 'task-closed', 'The task is closed.', 'این کار بسته شده است.');
      return released;
    },

    /**
     * Completes a task I hold with its form's data. Who may (404 when I may
     * not see it, 409 when it is not mine) and the form are decided on the row
     * the completion locks, read once: one statement besides the update.
     */
    async complete(jobKey: string, staff: StaffMember, variables: Record<string, unknown>): Promise<void> {
      const check: CompletionCheck = async (task, trx) => {
        if (!task || !maySee(task, staff)) throw notFound();
        if (task.assignee !== staff.username) {
          throw new ApiProblem(409, 'claim-first', 'Claim the task before completing it.', 'ابتدا این کار را بردارید.');
        }
        const forms = await formsOf(task, trx);
        if (forms.length > 0 && !forms.some((form) => form.validate(variables))) {
          throw new ApiProblem(400, 'invalid-input', 'Some fields of the task form are not valid.', 'برخی از موردهای فرم درست پر نشده‌اند.',
            fieldErrors(forms[0]!.validate.errors as never, '/body/variables'));
        }
      };
      try {
        await completeUserTask({ db, zeebe }, { jobKey, variables, completedBy: staff.username }, check);
      } catch (error) {
        if (error instanceof TaskNotOpen) throw new ApiProblem(409, 'task-closed', 'The task is closed.', 'این کار بسته شده است.');
        throw error;
      }
    },
  };
}

export type TaskList = ReturnType<typeof createTaskList>;
