// A task on the list as GET /api/tasks returns it (assumed from issue 6 and
// the user_tasks table: job key, name, form, candidate groups, assignee, due date).
import type { FormSchema } from '../shared/form-view.ts';

export interface TaskRequest {
  id?: string;
  trackingCode?: string;
  serviceId?: string;
  service?: { id: string; name?: { fa?: string } };
  serviceName?: { fa?: string } | string;
  districtId?: number;
  status?: string;
  form?: Record<string, unknown>;
  timeline?: Array<{ kind: string; at: string; data?: Record<string, unknown> }>;
  documents?: Array<{ id: string; kind: string; filename: string; size?: number; createdAt?: string }>;
}

export interface Task {
  key?: string;
  jobKey?: string;
  id?: string;
  name: string;
  formId?: string | null;
  candidateGroups?: string[];
  assignee?: string | null;
  dueAt?: string | null;
  createdAt?: string;
  status?: string;
  trackingCode?: string;
  serviceId?: string;
  requestId?: string;
  request?: TaskRequest | null;
  variables?: Record<string, unknown>;
  /** The form-js form(s) to complete the task with (GET /api/tasks/{jobKey}). */
  forms?: FormSchema[];
}

export function taskKey(task: Task): string {
  return String(task.key ?? task.jobKey ?? task.id ?? '');
}

export function trackingCodeOf(task: Task): string | undefined {
  return task.trackingCode ?? task.request?.trackingCode;
}

export function serviceIdOf(task: Task): string | undefined {
  return task.serviceId ?? task.request?.serviceId ?? task.request?.service?.id;
}

/** SLA state: past due is breached; within a working day of due is near. */
export function slaState(dueAt: string | null | undefined, now = Date.now()): 'breached' | 'near' | 'ok' | 'none' {
  if (!dueAt) return 'none';
  const left = new Date(dueAt).getTime() - now;
  if (left < 0) return 'breached';
  if (left < 24 * 3_600_000) return 'near';
  return 'ok';
}

export const slaNames = { breached: 'گذشته از موعد', near: 'نزدیک موعد', ok: 'در موعد', none: 'بدون موعد' } as const;
export const slaTags = { breached: 'red', near: 'yellow', ok: 'green', none: 'grey' } as const;

/**
 * Persian titles of the shared diagrams' user tasks. The task list stores the
 * element id as the name (a job does not carry the element's name), so the
 * workspace names the step itself.
 */
const taskTitles: Record<string, string> = {
  UserTask_CheckDocuments: 'بررسی مدارک',
  UserTask_RecordFindings: 'بازدید و ثبت یافته‌ها',
  UserTask_Decide: 'بررسی و تصمیم',
  UserTask_Perform: 'انجام کار و ثبت نتیجه',
};

export function taskTitle(task: Pick<Task, 'name'>): string {
  return taskTitles[task.name] ?? task.name;
}
