// Builds a catalogue entry from what differs between services; what follows
// from the steps (the task forms, the roles that act) is derived here so it
// cannot drift from the diagrams, which are generated from the same steps.
import type { HeadingId, Role, Service, StepKind } from './types.ts';

/** The shared form of each step kind that puts a user task in front of staff. */
export const taskForms: Partial<Record<StepKind, string>> = {
  'document-check': 'task-document-check',
  inspection: 'task-inspection',
  approval: 'task-approval',
  'field-work': 'task-work-report',
  response: 'task-response',
};

/** The role each step kind involves regardless of service. */
const stepRoles: Partial<Record<StepKind, Role>> = {
  'document-check': 'clerk',
  inspection: 'inspector',
};

/** Who does a staff step of a service: the clerk, the inspector, or the service's approver or performer. */
export function roleOfStep(service: Pick<ServiceInput, 'approver' | 'performer'>, step: StepKind): Role | undefined {
  if (step === 'approval') return service.approver;
  if (step === 'field-work' || step === 'response') return service.performer;
  return stepRoles[step];
}

export function startFormId(serviceId: string): string {
  return `${serviceId}-start`;
}

/** A service as a heading's file writes it: the roles, the forms and the heading are derived. */
export type ServiceInput = Omit<Service, 'heading' | 'roles' | 'forms' | 'description'> & { description: string };

export function defineService(heading: HeadingId, input: ServiceInput): Service {
  const acting = new Set<Role>();
  for (const step of input.steps) {
    const role = stepRoles[step];
    if (role) acting.add(role);
  }
  if (input.approver) acting.add(input.approver);
  if (input.performer) acting.add(input.performer);
  // Every staff task escalates to the district manager when its SLA passes.
  acting.add('manager');
  const tasks: Partial<Record<StepKind, string>> = {};
  for (const step of input.steps) {
    const form = taskForms[step];
    if (form) tasks[step] = form;
  }
  const { description, ...rest } = input;
  return {
    ...rest,
    heading,
    roles: [...acting],
    forms: { start: startFormId(input.id), tasks },
    description: { fa: description },
  };
}
