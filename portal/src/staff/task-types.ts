// A task as GET /api/tasks and GET /api/tasks/{jobKey} return it: the step's
// Persian name as its diagram version has it, and its SLA state by the
// server's clock (so every screen colours a task alike).
import type { Answer } from '../shared/api.ts';

export type ListedTask = Answer<'/api/tasks/'>[number];
export type TaskDetail = Answer<'/api/tasks/{jobKey}'>;
/** The request a task is about, with its data, documents, timeline and the field inspections' findings. */
export type TaskRequest = NonNullable<TaskDetail['request']>;
/** A task as the list has it, or the task page with its variables, forms and request. */
export type Task = ListedTask & Partial<Pick<TaskDetail, 'variables' | 'forms' | 'request'>>;
export type SlaState = ListedTask['sla'];

export function taskKey(task: Task): string {
  return task.jobKey;
}

export function trackingCodeOf(task: Task): string | undefined {
  return task.trackingCode ?? task.request?.trackingCode;
}

export function serviceIdOf(task: Task): string | undefined {
  return task.serviceId ?? task.request?.serviceId;
}

export function slaOf(task: Task): SlaState {
  return task.sla ?? 'none';
}

export const slaNames = { breached: 'گذشته از موعد', near: 'نزدیک موعد', ok: 'در موعد', none: 'بدون موعد' } as const;
export const slaTags = { breached: 'red', near: 'yellow', ok: 'green', none: 'grey' } as const;

/** What the list shows: everything of my groups, or what I claimed, or what nobody has; optionally one SLA state. */
export interface TaskListFilter {
  who: 'all' | 'mine' | 'unassigned';
  sla: SlaState | '';
}

export function filterOf(query: URLSearchParams): TaskListFilter {
  const who = query.get('who');
  const sla = query.get('sla');
  return {
    who: who === 'mine' || who === 'unassigned' ? who : 'all',
    sla: sla && sla in slaNames ? sla as SlaState : '',
  };
}

/** The API's query string for a filter (the API sorts soonest due first). */
export function apiQuery(filter: TaskListFilter): string {
  const query = new URLSearchParams();
  if (filter.who === 'mine') query.set('mine', 'true');
  if (filter.who === 'unassigned') query.set('unassigned', 'true');
  if (filter.sla) query.set('sla', filter.sla);
  const text = query.toString();
  return text ? `?${text}` : '';
}

/** The workspace's own route for a filter, so a filtered list can be reloaded and shared. */
export function routeOf(filter: TaskListFilter): string {
  const query = new URLSearchParams();
  if (filter.who !== 'all') query.set('who', filter.who);
  if (filter.sla) query.set('sla', filter.sla);
  const text = query.toString();
  return text ? `#/tasks?${text}` : '#/tasks';
}
