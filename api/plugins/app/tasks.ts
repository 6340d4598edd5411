// The staff task list over `user_tasks` (rows the user-task worker keeps for
// each open job-worker user task). Staff see the tasks of their candidate
// groups, `district-<id>:<role>`; claiming makes a task one person's; completing
// validates the task's form and completes the engine job.
import fp from 'fastify-plugin';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { Knex } from 'knex';
import type { ZBClient } from 'zeebe-node';
import { listDiagrams, readDiagram } from '../../../processes/diagrams.ts';
import { formToJsonSchema, listFormIds, readForm } from '../../../processes/forms/index.ts';
import type { FormDefinition } from '../../../processes/forms/index.ts';
import { completeUserTask, TaskNotOpen } from '../../../workers/user-tasks/handlers.ts';
import { addIdentityFormats } from '../../schemas/formats.ts';
import type { StaffClaims } from './auth.ts';
import { ApiProblem, fieldErrors } from './problems.ts';
import fs from 'node:fs';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

declare module 'fastify' {
  interface FastifyInstance {
    tasks: TaskService;
  }
}

export interface TaskRow {
  job_key: string; request_id: string | null; process_instance_key: string; element_id: string; name: string; form_id: string | null;
  candidate_groups: string[]; assignee: string | null; due_at: Date | null; follow_up_at: Date | null; status: string;
  variables: Record<string, unknown>; created_at: Date; completed_at: Date | null; completed_by: string | null;
}

export const groupsOf = (staff: StaffClaims): string[] => staff.districtId === null ? [] : [`district-${staff.districtId}:${staff.role}`];

interface TaskForm { id: string; form: FormDefinition; validate: ValidateFunction }

/**
 * The form a task is completed with. `form_id` holds the job's formKey
 * header: a form id when the diagram names one directly, but the engine's
 * deployed-form key when it links a form by id. Then the diagrams tell which
 * form the task's element links; an element id used with different forms in
 * different diagrams is resolved by accepting any of them.
 */
function createFormResolver() {
  const ajv = addIdentityFormats(addFormats(new Ajv({ allErrors: true, strict: false })));
  const forms = new Map<string, TaskForm>();
  const formById = (id: string): TaskForm | undefined => {
    if (!forms.has(id)) {
      if (!listFormIds().includes(id)) return undefined;
      const form = readForm(id);
      forms.set(id, { id, form, validate: ajv.compile(formToJsonSchema(form, { additionalProperties: true })) });
    }
    return forms.get(id);
  };
  let byElement: Promise<Map<string, Set<string>>> | undefined;
  const elementForms = () => byElement ??= (async () => {
    const map = new Map<string, Set<string>>();
    for (const diagram of listDiagrams()) {
      const { userTasks } = await readDiagram(fs.readFileSync(diagram.file, 'utf8'));
      for (const task of userTasks) {
        if (!task.formId) continue;
        map.set(task.elementId, (map.get(task.elementId) ?? new Set()).add(task.formId));
      }
    }
    return map;
  })();
  return async (task: TaskRow): Promise<TaskForm[]> => {
    const direct = task.form_id ? formById(task.form_id) : undefined;
    if (direct) return [direct];
    const ids = (await elementForms()).get(task.element_id) ?? new Set<string>();
    return [...ids].map(formById).filter((form): form is TaskForm => form !== undefined);
  };
}

const notFound = () => new ApiProblem(404, 'unknown-task', 'There is no such task in your groups.', 'چنین کاری در کارتابل شما نیست.');

export function createTaskService(db: Knex, zeebe: ZBClient) {
  const formsOf = createFormResolver();

  /** The task if the staff member may see it: one of their groups is a candidate, or it is theirs. */
  async function visible(jobKey: string, staff: StaffClaims): Promise<TaskRow> {
    const task = await db<TaskRow>('user_tasks').where({ job_key: jobKey }).first();
    if (!task) throw notFound();
    const groups = groupsOf(staff);
    if (task.assignee !== staff.username && !task.candidate_groups.some((group) => groups.includes(group))) throw notFound();
    return task;
  }

  return {
    formsOf,
    visible,

    /** Open tasks of my groups or assigned to me, soonest due first (no due date last). */
    async list(staff: StaffClaims, filter: { mine?: boolean; unassigned?: boolean; requestId?: string }): Promise<TaskRow[]> {
      const query = db<TaskRow>('user_tasks')
        .where({ status: 'open' })
        .andWhere((q) => q.whereRaw('candidate_groups && ?::text[]', [groupsOf(staff)]).orWhere({ assignee: staff.username }))
        .orderByRaw('due_at asc nulls last, created_at asc')
        .limit(200);
      if (filter.mine) query.where({ assignee: staff.username });
      if (filter.unassigned) query.whereNull('assignee');
      if (filter.requestId) query.where({ request_id: filter.requestId });
      return query;
    },

    async claim(jobKey: string, staff: StaffClaims): Promise<TaskRow> {
      await visible(jobKey, staff);
      const [claimed] = await db<TaskRow>('user_tasks')
        .where({ job_key: jobKey, status: 'open' })
        .andWhere((q) => q.whereNull('assignee').orWhere({ assignee: staff.username }))
        .update({ assignee: staff.username })
        .returning('*');
      if (!claimed) throw new ApiProblem(409, 'task-taken', 'Someone else has claimed this task, or it is closed.', 'این کار را همکار دیگری برداشته یا بسته شده است.');
      return claimed;
    },

    /** Only the assignee, or the district's manager, hands a task back. */
    async unclaim(jobKey: string, staff: StaffClaims): Promise<TaskRow> {
      const task = await visible(jobKey, staff);
      if (task.assignee !== staff.username && staff.role !== 'manager') {
        throw new ApiProblem(403, 'not-yours', 'Only the person who claimed the task may hand it back.', 'فقط کسی که این کار را برداشته می‌تواند آن را پس بدهد.');
      }
      const [released] = await db<TaskRow>('user_tasks').where({ job_key: jobKey, status: 'open' }).update({ assignee: null }).returning('*');
      if (!released) throw new ApiProblem(409, 'task-closed', 'The task is closed.', 'این کار بسته شده است.');
      return released;
    },

    async complete(jobKey: string, staff: StaffClaims, variables: Record<string, unknown>): Promise<void> {
      const task = await visible(jobKey, staff);
      if (task.assignee !== staff.username) {
        throw new ApiProblem(409, 'claim-first', 'Claim the task before completing it.', 'ابتدا این کار را بردارید.');
      }
      const forms = await formsOf(task);
      if (forms.length > 0 && !forms.some((form) => form.validate(variables))) {
        throw new ApiProblem(400, 'invalid-input', 'Some fields of the task form are not valid.', 'برخی از موردهای فرم درست پر نشده‌اند.',
          fieldErrors(forms[0]!.validate.errors as never, '/body/variables'));
      }
      try {
        await completeUserTask({ db, zeebe }, { jobKey, variables, completedBy: staff.username });
      } catch (error) {
        if (error instanceof TaskNotOpen) throw new ApiProblem(409, 'task-closed', 'The task is closed.', 'این کار بسته شده است.');
        throw error;
      }
    },
  };
}

export type TaskService = ReturnType<typeof createTaskService>;

export default fp(async (app) => {
  app.decorate('tasks', createTaskService(app.db, app.zeebe));
}, { name: 'tasks', dependencies: ['context', 'problems'] });
