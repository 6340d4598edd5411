// The engine's durable entities. Each lives in memory in a Map and as one row of
// an engine_* table; the row's `data`/`state` column holds the object itself.

export type ResourceKind = 'process' | 'decision_requirements' | 'decision' | 'form';

export interface Resource {
  key: number;
  kind: ResourceKind;
  resourceId: string;
  version: number;
  name: string | null;
  resourceName: string;
  checksum: string;
  deploymentKey: number;
  /** Decisions: their requirements graph. */
  parentKey: number | null;
  content: string | null;
  tenantId: string;
  deleted: boolean;
}

/** One running or waiting element of a process instance. */
export interface ElementInstance {
  key: number;
  elementId: string;
  /** Flow scope element instance (0 for the process itself). */
  scopeKey: number;
  /** `body` is the multi-instance body; `inner` one of its iterations. */
  mi?: 'body' | 'inner';
  /** Where a failed step resumes: nothing failed while unset. */
  incidentKey?: number;
  jobKey?: number;
  timerKeys?: number[];
  subscriptionKeys?: number[];
  /** Call activity: the child process instance. */
  childKey?: number;
  /** Multi-instance body bookkeeping. */
  loop?: { items: unknown[]; next: number; active: number; completed: number; outputs: unknown[] };
  /** Joining gateways in this scope: gateway id -> ids of the flows that arrived. */
  joins?: Record<string, string[]>;
  /** Set while an interrupting event subprocess or boundary is taking over this scope. */
  interrupted?: boolean;
  /** An event subprocess being entered: the start event that triggered it and the trigger's variables (runtime/events.ts). */
  triggeredBy?: { catchId: string; variables: Record<string, unknown> };
}

export interface ProcessInstance {
  key: number;
  processDefinitionKey: number;
  bpmnProcessId: string;
  version: number;
  tenantId: string;
  /** Call activity that started this instance. */
  parent?: { instanceKey: number; elementInstanceKey: number };
  /** Message start: name and correlation key, so a second instance is not started for the same key while this one runs. */
  startedBy?: { name: string; correlationKey: string };
  elements: Record<string, ElementInstance>;
  /** Variable scopes by element instance key (the process scope is the instance key). */
  variables: Record<string, Record<string, unknown>>;
  /** Steps still to run when a command's slice of work ended before this instance came to rest (runtime/executor.ts). */
  pending?: Step[];
}

/**
 * A step of work inside a command, as data, so it can wait in its instance's
 * state between commands when a command's slice of steps is used up, and
 * survive a restart there.
 */
export type Step =
  | { kind: 'begin'; instanceKey: number; startAt?: string[]; startEventId?: string }
  | { kind: 'activate'; instanceKey: number; elementId: string; scopeKey: number; viaFlow?: string }
  | { kind: 'enter'; instanceKey: number; elementKey: number }
  | { kind: 'complete'; instanceKey: number; elementKey: number; variables?: Record<string, unknown> }
  | { kind: 'trigger'; instanceKey: number; ownerKey: number; catchId: string; variables: Record<string, unknown> }
  | { kind: 'correlate'; instanceKey: number; subscriptionKey: number }
  | { kind: 'broadcast'; instanceKey: number; signalName: string }
  | { kind: 'subscribe'; instanceKey: number; elementKey: number };

export type JobState = 'activatable' | 'activated' | 'backoff' | 'incident';

export interface Job {
  key: number;
  type: string;
  processInstanceKey: number;
  elementInstanceKey: number;
  elementId: string;
  bpmnProcessId: string;
  processDefinitionKey: number;
  version: number;
  customHeaders: Record<string, string>;
  retries: number;
  state: JobState;
  tenantId: string;
  deadline?: number;
  worker?: string;
  errorMessage?: string;
  retryAt?: number;
}

export interface Timer {
  key: number;
  dueAt: number;
  elementId: string;
  processDefinitionKey: number;
  /** Unset for timer start events. */
  processInstanceKey?: number;
  elementInstanceKey?: number;
  /** Remaining repetitions after this one (-1 = unbounded), with the ISO interval. */
  repetitions?: number;
  interval?: string;
}

export interface Subscription {
  key: number;
  kind: 'message' | 'signal';
  name: string;
  correlationKey?: string;
  processInstanceKey: number;
  /** The element instance that owns it: the catch event, the activity of a boundary, the event gateway or the scope of an event subprocess. */
  elementInstanceKey: number;
  /** The catching event. */
  elementId: string;
  interrupting: boolean;
}

export interface Message {
  key: number;
  name: string;
  correlationKey: string;
  messageId?: string;
  expiresAt: number;
  variables: Record<string, unknown>;
  /** Process ids it started and instances it was correlated to: at most once each. */
  startedProcesses: string[];
  correlatedInstances: number[];
  tenantId: string;
}

/**
 * What resolving an incident retries: entering the element, leaving it, its
 * job; `begin` starting the process instance (its event subprocess
 * subscriptions failed; `begin` holds the start it was made with);
 * `subscribe` opening the waits of a scope created by a start instruction
 * or a modification.
 */
export type IncidentStep = 'activate' | 'complete' | 'job' | 'begin' | 'subscribe';

export interface Incident {
  key: number;
  processInstanceKey: number;
  elementInstanceKey: number;
  elementId: string;
  errorType: string;
  errorMessage: string;
  jobKey?: number;
  step: IncidentStep;
  begin?: { startAt?: string[]; startEventId?: string };
}
