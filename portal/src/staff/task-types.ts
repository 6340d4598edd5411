// A task as GET /api/tasks and GET /api/tasks/{jobKey} return it: the step's
// Persian name as its diagram version has it, and its SLA state by the
// server's clock (so every screen colours a task alike).
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
  /** The field inspection's findings, for the decision that follows it. */
  inspections?: Array<{ result: 'pass' | 'fail'; visitedOn: string | null; notes: string | null; recordedAt: string; inspectorName: string | null }>;
}

export type SlaState = 'breached' | 'near' | 'ok' | 'none';

export interface Task {
  jobKey: string;
  /** The step's Persian name. */
  name: string;
  elementId: string;
  formId?: string | null;
  candidateGroups?: string[];
  assignee?: string | null;
  dueAt?: string | null;
  followUpAt?: string | null;
  sla?: SlaState;
  createdAt?: string;
  status?: string;
  trackingCode?: string | null;
  serviceId?: string | null;
  requestId?: string | null;
  request?: TaskRequest | null;
  variables?: Record<string, unknown>;
  /** The form-js form(s) to complete the task with (GET /api/tasks/{jobKey}). */
  forms?: FormSchema[];
}

export function taskKey(task: Task): string {
  return task.jobKey;
}

export function trackingCodeOf(task: Task): string | undefined {
  return task.trackingCode ?? task.request?.trackingCode;
}

export function serviceIdOf(task: Task): string | undefined {
  return task.serviceId ?? task.request?.serviceId ?? task.request?.service?.id;
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
