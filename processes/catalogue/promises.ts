// What a diagram must keep because the catalogue says so. A service with a
// fee takes it, an approval is the catalogue's approver's, the request is
// closed with every outcome the API relies on, and the milestones the portal
// shows are recorded. The lint rule `shahrdari/catalogue-promises` checks
// diagrams against these promises in the modeler's canvas, at the modeler's
// deploy and at `npm run deploy` / deploy on start; changing a promise means
// changing the catalogue (reviewed in code), not deleting a box.
import { taskForms } from './define.ts';
import { findService } from './data.ts';
import { errorCodes } from './errors.ts';
import { requestOutcomeNames, requestStatusNames, type RequestOutcome, type RequestStatus } from './contract.ts';
import { roleNames, type Role, type Service, type StepKind } from './types.ts';

/** The called process (processes/shared/<id>.bpmn) that carries out each step kind that has one. */
export const stepProcesses: Partial<Record<StepKind, string>> = {
  'document-check': 'document-check',
  inspection: 'field-inspection',
  approval: 'approval',
  appointment: 'appointment',
  payment: 'payment',
  'field-work': 'field-work',
  response: 'response',
};

/** Steps done by one task of the service diagram itself: its job type (and header template). */
export const stepJobs: Partial<Record<StepKind, { jobType: string; template?: string }>> = {
  certificate: { jobType: 'certificate.issue' },
  survey: { jobType: 'notification.send', template: 'satisfaction-survey' },
};

/** The step's name in a service's diagram (the generator labels the element with it). */
export function stepName(service: Pick<Service, 'approver' | 'performer'>, step: StepKind): string {
  switch (step) {
    case 'document-check': return 'بررسی مدارک';
    case 'inspection': return 'بازدید میدانی';
    case 'approval': return `تصمیم ${roleNames[service.approver!]}`;
    case 'appointment': return 'نوبت حضوری';
    case 'payment': return 'پرداخت هزینه';
    case 'field-work': return `انجام کار: ${roleNames[service.performer!]}`;
    case 'response': return `پاسخ ${roleNames[service.performer!]}`;
    case 'certificate': return 'صدور مجوز یا گواهی';
    case 'survey': return 'نظرسنجی از شهروند';
  }
}

/** What each shared called process records and waits for, and who decides in it. */
export interface SharedProcessContract {
  name: string;
  milestones: RequestStatus[];
  jobTypes: string[];
  messages: string[];
  calls: string[];
  /** The staff task: its form, and what its candidate groups must be built from. */
  decision?: { form: string; groupFrom: string; who: string };
}

const decision = (step: StepKind, groupFrom: string, who: string) => ({ form: taskForms[step]!, groupFrom, who });

export const sharedProcesses: Record<string, SharedProcessContract> = {
  'document-check': {
    name: 'بررسی مدارک', milestones: ['under-review', 'rejected'], jobTypes: [], messages: [], calls: ['correction'],
    decision: decision('document-check', ':clerk', roleNames.clerk),
  },
  'field-inspection': {
    name: 'بازدید میدانی', milestones: ['awaiting-inspection', 'rejected'], jobTypes: ['inspection.assign'], messages: [], calls: [],
    decision: decision('inspection', ':inspector', roleNames.inspector),
  },
  approval: {
    name: 'تأیید', milestones: ['awaiting-approval', 'approved', 'rejected'], jobTypes: ['approval.route'], messages: [], calls: ['correction'],
    // approval.route answers the group of the role the catalogue names as the service's approver.
    decision: decision('approval', 'approvalGroup', 'تصمیم‌گیر کاتالوگ (approvalGroup از approval.route)'),
  },
  appointment: {
    name: 'نوبت حضوری',
    milestones: ['appointment-booked', 'awaiting-appointment'],
    jobTypes: ['appointment.book', 'appointment.remind'],
    messages: ['appointment-attended', 'appointment-missed', 'appointment-moved', 'appointment-cancelled', 'appointment-booked'],
    calls: [],
  },
  payment: {
    name: 'پرداخت', milestones: ['awaiting-payment'], jobTypes: ['payment.request'], messages: ['payment-confirmed', 'payment-failed'], calls: [],
  },
  'field-work': {
    name: 'انجام کار', milestones: ['under-review', 'rejected'], jobTypes: [], messages: [], calls: [],
    decision: decision('field-work', 'performerRole', 'نقش انجام‌دهندهٔ کاتالوگ (performerRole)'),
  },
  response: {
    name: 'پاسخ', milestones: ['under-review', 'rejected'], jobTypes: [], messages: [], calls: [],
    decision: decision('response', 'performerRole', 'نقش پاسخ‌دهندهٔ کاتالوگ (performerRole)'),
  },
  correction: {
    name: 'اصلاح توسط شهروند', milestones: ['awaiting-correction', 'under-review'], jobTypes: [], messages: ['request-resubmitted'], calls: [],
  },
};

/** How a request can end other than completed: the event that starts each ending in every service. */
export const endingTriggers: Record<Exclude<RequestOutcome, 'completed'>, { error: string } | { message: string }> = {
  rejected: { error: errorCodes.REQUEST_REJECTED },
  lapsed: { error: errorCodes.REQUEST_LAPSED },
  cancelled: { message: 'request-cancelled' },
};

/** One thing a diagram must contain; `fa` names it in the lint message. */
export type DiagramPromise = { fa: string } & (
  /** A service's step: the call of its shared process (or its own task), on every way to completion and after `after` (what comes before it). */
  | { kind: 'step'; step: StepKind; process?: string; jobType?: string; template?: string; after: string; performer?: Role }
  /** A request.status task with this status; in a service, before any step and on every way to completion. */
  | { kind: 'milestone'; status: RequestStatus; first: boolean }
  /** A request.close task with this outcome, reached from the process start (completed) or from the ending's event. */
  | { kind: 'outcome'; outcome: RequestOutcome; trigger?: { error: string } | { message: string } }
  /** A cancelled request's payment is reversed (payment.reverse) before it is closed. */
  | { kind: 'reversal' }
  | { kind: 'job'; jobType: string }
  | { kind: 'message'; name: string }
  | { kind: 'call'; process: string }
  | { kind: 'decision'; form: string; groupFrom: string }
);

const quoted = (text: string) => `«${text}»`;

/** The promises a service's entry makes about its diagram, in the order a reader meets them. */
export function servicePromises(service: Service): DiagramPromise[] {
  const received = `ثبت وضعیت ${quoted(requestStatusNames.received)}`;
  const promises: DiagramPromise[] = [{ kind: 'milestone', status: 'received', first: true, fa: `${received} در آغاز` }];
  let previous = received;
  for (const step of service.steps) {
    const name = stepName(service, step);
    const why = step === 'payment' ? ' (این خدمت هزینه دارد)' : '';
    promises.push({
      kind: 'step',
      step,
      process: stepProcesses[step],
      ...stepJobs[step],
      after: previous,
      performer: step === 'field-work' || step === 'response' ? service.performer : undefined,
      fa: `مرحلهٔ ${quoted(name)}${why}`,
    });
    previous = quoted(name);
  }
  promises.push({ kind: 'outcome', outcome: 'completed', fa: `بستن درخواست با نتیجهٔ ${quoted(requestOutcomeNames.completed)}` });
  for (const [outcome, trigger] of Object.entries(endingTriggers) as Array<[Exclude<RequestOutcome, 'completed'>, (typeof endingTriggers)['rejected']]>) {
    promises.push({ kind: 'outcome', outcome, trigger, fa: `بستن درخواست با نتیجهٔ ${quoted(requestOutcomeNames[outcome])}` });
  }
  if (service.fee.kind !== 'none') promises.push({ kind: 'reversal', fa: 'بازگرداندن وجه پرداختی هنگام انصراف شهروند (این خدمت هزینه دارد)' });
  return promises;
}

/** The promises of a shared called process: the milestones, jobs, messages, calls and staff decision the services rely on. */
export function sharedProcessPromises(contract: SharedProcessContract): DiagramPromise[] {
  return [
    ...contract.milestones.map((status): DiagramPromise => ({ kind: 'milestone', status, first: false, fa: `ثبت وضعیت ${quoted(requestStatusNames[status])}` })),
    ...contract.jobTypes.map((jobType): DiagramPromise => ({ kind: 'job', jobType, fa: `کار ${jobType}` })),
    ...contract.messages.map((name): DiagramPromise => ({ kind: 'message', name, fa: `انتظار برای پیام ${name}` })),
    ...contract.calls.map((process): DiagramPromise => ({ kind: 'call', process, fa: `فراخوانی فرایند ${quoted(sharedProcesses[process]?.name ?? process)}` })),
    ...(contract.decision
      ? [{ kind: 'decision', form: contract.decision.form, groupFrom: contract.decision.groupFrom, fa: `تصمیم ${contract.decision.who} با فرم ${contract.decision.form}` } as DiagramPromise]
      : []),
  ];
}

/** The promises for the process with this id: a catalogue service's, a shared process's, or none. */
export function diagramPromises(processId: string): DiagramPromise[] {
  const service = findService(processId);
  if (service) return servicePromises(service);
  const shared = sharedProcesses[processId];
  return shared ? sharedProcessPromises(shared) : [];
}
