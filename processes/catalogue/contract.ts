// The names the diagrams share with the workers (issue 5) and the API: job
// types with the variables and headers they read and write, message names
// with their correlation keys, the status milestones and close outcomes.
// Workers and tests import these lists; the modeler offers element templates
// for `jobContracts`.
import { errorCodes, thrownByWorkers } from './errors.ts';

export const requestStatuses = [
  'received',
  'under-review',
  'awaiting-payment',
  'awaiting-inspection',
  /** The decision (approval) is open with the approver. */
  'awaiting-approval',
  /** Returned to the citizen for correction; the timeline event carries the clerk's note as `reason`. */
  'awaiting-correction',
  /** The citizen cancelled the office appointment and must book another (the API offers free slots). */
  'awaiting-appointment',
  /** The request has an office booking (the first, or one the citizen chose after cancelling); a move keeps it. */
  'appointment-booked',
  'approved',
  'rejected',
  'closed',
] as const;
export type RequestStatus = (typeof requestStatuses)[number];

/** The milestones in Persian, as analysts and lint messages name them. */
export const requestStatusNames: Record<RequestStatus, string> = {
  received: 'دریافت شد',
  'under-review': 'در حال بررسی',
  'awaiting-payment': 'در انتظار پرداخت',
  'awaiting-inspection': 'در انتظار بازدید',
  'awaiting-approval': 'در انتظار تصمیم',
  'awaiting-correction': 'نیازمند اصلاح',
  'awaiting-appointment': 'در انتظار نوبت',
  'appointment-booked': 'نوبت رزرو شده',
  approved: 'تأیید شده',
  rejected: 'رد شده',
  closed: 'بسته شده',
};

/** The outcome `request.close` records; one per end of a service diagram. */
export const requestOutcomes = ['completed', 'rejected', 'lapsed', 'cancelled'] as const;
export type RequestOutcome = (typeof requestOutcomes)[number];

export const requestOutcomeNames: Record<RequestOutcome, string> = {
  completed: 'انجام شد',
  rejected: 'رد شد',
  lapsed: 'منقضی شد',
  cancelled: 'لغو شد',
};

/** Variables the API sets when it starts a service's process. */
export const startVariables = ['requestId', 'trackingCode', 'serviceId', 'districtId', 'channel', 'citizen', 'form'] as const;

/** The job type of job-worker user tasks (Zeebe's own). */
export const userTaskJobType = 'io.camunda.zeebe:userTask';

/** A local variable a worker reads: the diagram maps it in (io input mappings), the modeler's template asks for it. */
export interface JobInput {
  name: string;
  label?: string;
  description?: string;
  /** Optional inputs may be left empty by the analyst. */
  optional?: boolean;
}

/** What a job type's worker reads and answers; the modeler offers one element template per contract. */
export interface JobContract {
  /** Job type, `family.step` (e.g. `payment.request`). */
  type: string;
  name?: string;
  description?: string;
  /** Local variables the worker reads (io input mappings in the diagrams). */
  inputs?: JobInput[];
  /** Task headers the worker reads. */
  headers?: Array<{ key: string; label?: string; value?: string }>;
  /** Variables the worker completes the job with. */
  outputs?: string[];
  /** BPMN error codes the worker may throw. */
  errors?: string[];
}

const request: JobInput[] = [
  { name: 'requestId', description: 'uuid of the request' },
  { name: 'serviceId', description: 'catalogue id of the service' },
  { name: 'districtId', description: 'district number' },
];

export const jobContracts: JobContract[] = [
  {
    type: 'request.status',
    description: 'Records a status milestone in the request timeline (with time and element).',
    inputs: [...request, { name: 'reason', optional: true, description: 'why: a rejection\'s reason, or what to correct' }],
    headers: [{ key: 'status', value: 'received', label: requestStatuses.join(' | ') }],
  },
  {
    type: 'request.close',
    description: 'Closes the request with its outcome and records the closed milestone.',
    inputs: [...request, { name: 'outcome', description: requestOutcomes.join(' | ') }],
  },
  {
    type: 'sla.due-date',
    description: 'Computes the request due date in working days from the catalogue SLA and the holiday table.',
    inputs: [...request],
    outputs: ['dueDate'],
  },
  {
    type: 'payment.request',
    description: 'Computes the fee from the catalogue rule and the start form, creates a payment and returns its id.',
    inputs: [...request, { name: 'form', description: 'submitted start form data' }, { name: 'citizen' }],
    outputs: ['paymentId', 'amount', 'paymentUrl'],
    errors: thrownByWorkers['payment.request'],
  },
  {
    type: 'payment.reverse',
    description: 'Reverses every settled payment of the request (after a cancellation).',
    inputs: [...request],
  },
  {
    type: 'inspection.assign',
    description: 'Assigns a field inspector of the district (least open visits, then round-robin).',
    inputs: [...request],
    outputs: ['inspectorId'],
  },
  {
    type: 'approval.route',
    description: 'Returns the candidate group of the role the catalogue names as approver.',
    inputs: [...request],
    outputs: ['approvalGroup'],
  },
  {
    type: 'appointment.book',
    description: 'Books the earliest free slot at the district office.',
    inputs: [...request, { name: 'citizen' }],
    outputs: ['appointmentId', 'appointmentAt', 'reminderAt'],
    errors: thrownByWorkers['appointment.book'],
  },
  {
    type: 'appointment.remind',
    description: 'Sends the reminder the day before the appointment.',
    inputs: [...request, { name: 'appointmentId' }],
  },
  {
    type: 'notification.send',
    description: 'Sends an SMS (and e-mail where given) from a Persian template through the outbox.',
    inputs: [
      ...request,
      { name: 'trackingCode' },
      { name: 'citizen', optional: true },
      { name: 'recipientGroup', optional: true, description: 'staff candidate group instead of the citizen' },
    ],
    headers: [{ key: 'template', value: 'request-received' }],
  },
  {
    type: 'certificate.issue',
    description: 'Issues the permit or certificate as a Persian PDF with a QR verification code.',
    inputs: [...request, { name: 'form' }, { name: 'citizen' }],
    outputs: ['certificateId', 'certificateNumber'],
  },
];

export const jobTypes: string[] = jobContracts.map((contract) => contract.type);

/** Every job type a diagram may use: worker job types plus user tasks. */
export const allJobTypes: string[] = [...jobTypes, userTaskJobType];

/** Templates `notification.send` must know. */
export const notificationTemplates = [
  'request-received',
  'correction-requested',
  'payment-requested',
  'payment-failed',
  'appointment-booked',
  'sla-escalated',
  'request-completed',
  'request-rejected',
  'request-lapsed',
  'request-cancelled',
  'satisfaction-survey',
] as const;

export interface MessageContract {
  name: string;
  /** FEEL correlation key expression used by every subscription. */
  correlationKey: string;
  description: string;
}

export const messageContracts: MessageContract[] = [
  { name: 'payment-confirmed', correlationKey: '=paymentId', description: 'the gateway verified and settled the payment' },
  { name: 'payment-failed', correlationKey: '=paymentId', description: 'the citizen cancelled or verification failed' },
  { name: 'request-resubmitted', correlationKey: '=requestId', description: 'the citizen sent corrected data or documents (variables: form)' },
  { name: 'request-cancelled', correlationKey: '=requestId', description: 'the citizen withdrew the request' },
  { name: 'appointment-attended', correlationKey: '=appointmentId', description: 'the citizen came to the appointment' },
  { name: 'appointment-missed', correlationKey: '=appointmentId', description: 'no-show recorded' },
  { name: 'appointment-moved', correlationKey: '=appointmentId', description: 'the citizen moved the booking to another slot; same appointment id (variables: appointmentAt, reminderAt)' },
  { name: 'appointment-cancelled', correlationKey: '=appointmentId', description: 'the citizen cancelled the booking; the process waits for a new one' },
  { name: 'appointment-booked', correlationKey: '=requestId', description: 'the citizen booked a slot of their choice after cancelling (variables: appointmentId, appointmentAt, reminderAt)' },
];

/**
 * How long the appointment process waits for a new booking after a
 * cancellation, and how long the API keeps appointment messages buffered
 * (so one published while the process is between waits still arrives).
 */
export const appointmentRebookingDays = 14;

export const messageNames: string[] = messageContracts.map((message) => message.name);

export { errorCodes };
