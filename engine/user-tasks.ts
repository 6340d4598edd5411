// Job-worker user tasks, the way Zeebe 8.x runs them: a job of the fixed type
// `io.camunda.zeebe:userTask` whose custom headers carry assignment, form and
// schedule. Everything user-task specific lives here.
import { FeelError, valueOf } from './feel.ts';
import type { UserTaskDefinition } from './model/bpmn.ts';

export const userTaskJobType = 'io.camunda.zeebe:userTask';

const header = {
  assignee: 'io.camunda.zeebe:assignee',
  candidateGroups: 'io.camunda.zeebe:candidateGroups',
  candidateUsers: 'io.camunda.zeebe:candidateUsers',
  formKey: 'io.camunda.zeebe:formKey',
  dueDate: 'io.camunda.zeebe:dueDate',
  followUpDate: 'io.camunda.zeebe:followUpDate',
};

/** A list property: an expression giving a list or a string, or a static comma-separated list. */
function listOf(property: string, context: Record<string, unknown>, what: string): string[] {
  const value = valueOf(property, context);
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value as string[];
  if (typeof value === 'string') return value.split(',').map((v) => v.trim()).filter(Boolean);
  throw new FeelError(`Expected result of the expression '${property}' (${what}) to be 'ARRAY' or 'STRING', but was '${value === null ? 'NULL' : typeof value}'.`);
}

function dateOf(property: string, context: Record<string, unknown>, what: string): string {
  const value = valueOf(property, context);
  if (typeof value !== 'string' || Number.isNaN(Date.parse(value))) {
    throw new FeelError(`Expected result of the expression '${property}' (${what}) to be an ISO 8601 date-time, but was '${JSON.stringify(value)}'.`);
  }
  return value;
}

/**
 * Custom headers of the user task's job. `formKeyOfId` turns a linked form id
 * into the key of its latest deployed version.
 */
export function userTaskHeaders(
  definition: UserTaskDefinition, context: Record<string, unknown>, formKeyOfId: (formId: string) => number | undefined,
): Record<string, string> {
  const headers: Record<string, string> = {};
  if (definition.assignee) {
    const assignee = valueOf(definition.assignee, context);
    if (assignee !== null) {
      if (typeof assignee !== 'string' && typeof assignee !== 'number') throw new FeelError(`Expected result of the expression '${definition.assignee}' (assignee) to be 'STRING', but was '${typeof assignee}'.`);
      headers[header.assignee] = String(assignee);
    }
  }
  if (definition.candidateGroups) headers[header.candidateGroups] = JSON.stringify(listOf(definition.candidateGroups, context, 'candidate groups'));
  if (definition.candidateUsers) headers[header.candidateUsers] = JSON.stringify(listOf(definition.candidateUsers, context, 'candidate users'));
  if (definition.formKey) headers[header.formKey] = definition.formKey;
  else if (definition.formId) {
    const key = formKeyOfId(definition.formId);
    if (key === undefined) throw new FeelError(`Expected to find a form with id '${definition.formId}', but no form with this id is deployed.`);
    headers[header.formKey] = String(key);
  }
  if (definition.dueDate) headers[header.dueDate] = dateOf(definition.dueDate, context, 'due date');
  if (definition.followUpDate) headers[header.followUpDate] = dateOf(definition.followUpDate, context, 'follow-up date');
  return headers;
}
