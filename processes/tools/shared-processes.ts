// The shared called processes: the recurring parts of the 54 services, each
// modelled once and reused through call activities.
import { appointmentRebookingDays } from '../catalogue/contract.ts';
import { errorCodes } from '../catalogue/errors.ts';
import { Container, type RootElements } from './bpmn-writer.ts';
import { called, districtGroup, job, passThrough, requestInputs, userTask, type Mapping } from './zeebe.ts';

export interface ProcessDraft {
  id: string;
  name: string;
  documentation: string;
  process: Container;
  roots: RootElements;
}

export const messages = {
  resubmitted: { id: 'Message_RequestResubmitted', name: 'request-resubmitted', correlationKey: '=requestId' },
  cancelled: { id: 'Message_RequestCancelled', name: 'request-cancelled', correlationKey: '=requestId' },
  paymentConfirmed: { id: 'Message_PaymentConfirmed', name: 'payment-confirmed', correlationKey: '=paymentId' },
  paymentFailed: { id: 'Message_PaymentFailed', name: 'payment-failed', correlationKey: '=paymentId' },
  attended: { id: 'Message_AppointmentAttended', name: 'appointment-attended', correlationKey: '=appointmentId' },
  missed: { id: 'Message_AppointmentMissed', name: 'appointment-missed', correlationKey: '=appointmentId' },
  moved: { id: 'Message_AppointmentMoved', name: 'appointment-moved', correlationKey: '=appointmentId' },
  appointmentCancelled: { id: 'Message_AppointmentCancelled', name: 'appointment-cancelled', correlationKey: '=appointmentId' },
  booked: { id: 'Message_AppointmentBooked', name: 'appointment-booked', correlationKey: '=requestId' },
};

export const errors = {
  rejected: { id: 'Error_RequestRejected', name: 'درخواست رد شد', code: errorCodes.REQUEST_REJECTED },
  lapsed: { id: 'Error_RequestLapsed', name: 'مهلت شهروند گذشت', code: errorCodes.REQUEST_LAPSED },
  paymentDeclined: { id: 'Error_PaymentDeclined', name: 'پرداخت پذیرفته نشد', code: errorCodes.PAYMENT_DECLINED },
  noFeeDue: { id: 'Error_NoFeeDue', name: 'هزینه‌ای تعلق نمی‌گیرد', code: errorCodes.NO_FEE_DUE },
  slotTaken: { id: 'Error_SlotTaken', name: 'نوبت گرفته شد', code: errorCodes.SLOT_TAKEN },
};

/** How long a citizen has to correct a returned request, and to pay. */
export const correctionWindow = 'P14D';
export const paymentWindow = 'P3D';
/** How long a citizen who cancelled an appointment has to book another. */
export const rebookingWindow = `P${appointmentRebookingDays}D`;
export const paymentAttempts = 3;

const request = ['requestId', 'serviceId', 'districtId'];

export function status(status: string, inputs: Mapping[] = []): string {
  return job('request.status', { headers: { status }, inputs: [...passThrough(...request), ...inputs] });
}

export function notify(template: string, inputs: Mapping[] = []): string {
  return job('notification.send', { headers: { template }, inputs: [...passThrough(...request, 'trackingCode', 'citizen'), ...inputs] });
}

/** The SLA guard of a staff task: a non-interrupting timer at the request's due date that tells the district manager. */
function escalation(process: Container, task: string, name: string, col: number): void {
  const suffix = task.replace(/^UserTask_/, '');
  process
    .add({ id: `Timer_${suffix}Overdue`, type: 'boundaryEvent', name: 'مهلت رسیدگی گذشت', col: 0, row: 0, attachedTo: task, side: 'top', offset: 0.5, interrupting: false, event: { kind: 'timer', date: '=dueDate' } })
    .add({ id: `Task_Escalate${suffix}`, type: 'serviceTask', name: `اطلاع به شهردار منطقه: ${name}`, col, row: -1, extensions: notify('sla-escalated', [['recipientGroup', `=${districtGroup('manager')}`]]) })
    .add({ id: `End_${suffix}Escalated`, type: 'endEvent', name: 'ارجاع شد', col: col + 1, row: -1 })
    .chain(`Timer_${suffix}Overdue`, `Task_Escalate${suffix}`, `End_${suffix}Escalated`);
}

/**
 * A rejection is recorded and told to the citizen here, where the reason is
 * known: an error end event carries no variables to the service that catches it.
 */
function rejectedEnd(process: Container, suffix: string, reason: string, col: number, row: number): void {
  process
    .add({ id: `Task_Record${suffix}Rejected`, type: 'serviceTask', name: 'ثبت وضعیت: رد شد', col, row, extensions: status('rejected', [['reason', `=${reason}`]]) })
    .add({ id: `Task_Notify${suffix}Rejected`, type: 'serviceTask', name: 'اطلاع رد و دلیل آن', col: col + 1, row, extensions: notify('request-rejected', [['reason', `=${reason}`]]) })
    .add({ id: `End_${suffix}Rejected`, type: 'endEvent', name: 'رد شد', col: col + 2, row, event: { kind: 'error', errorId: errors.rejected.id } })
    .chain(`Task_Record${suffix}Rejected`, `Task_Notify${suffix}Rejected`, `End_${suffix}Rejected`);
}

function correctionCall(process: Container, id: string, reason: string, col: number, row: number): void {
  process.add({
    id, type: 'callActivity', name: 'اصلاح توسط شهروند', col, row,
    extensions: called('correction', [...requestInputs, ...passThrough('form'), ['correctionReason', `=${reason}`]], passThrough('form')),
  });
}

function correction(): ProcessDraft {
  const p = new Container('correction');
  // The status goes first so the API shows the clerk's note (and takes a
  // resubmission) from the moment the citizen is told; after the resubmission
  // the request is back with staff.
  p.add({ id: 'Start_CorrectionRequested', type: 'startEvent', name: 'بازگشت برای اصلاح', col: 0, row: 0 })
    .add({ id: 'Task_RecordAwaitingCorrection', type: 'serviceTask', name: 'ثبت وضعیت: نیازمند اصلاح', col: 1, row: 0, extensions: status('awaiting-correction', [['reason', '=correctionReason']]) })
    .add({ id: 'Task_NotifyCorrection', type: 'serviceTask', name: 'اطلاع نقص به شهروند', col: 2, row: 0, extensions: notify('correction-requested', [['reason', '=correctionReason']]) })
    .add({ id: 'Gateway_AwaitResubmission', type: 'eventBasedGateway', name: 'منتظر اصلاح', col: 3, row: 0 })
    .add({ id: 'Event_Resubmitted', type: 'intermediateCatchEvent', name: 'شهروند اصلاح کرد', col: 4, row: 0, event: { kind: 'message', messageId: messages.resubmitted.id } })
    .add({ id: 'Task_RecordResubmitted', type: 'serviceTask', name: 'ثبت وضعیت: در حال بررسی', col: 5, row: 0, extensions: status('under-review') })
    .add({ id: 'End_Resubmitted', type: 'endEvent', name: 'اصلاح شد', col: 6, row: 0 })
    .add({ id: 'Event_CorrectionWindowPassed', type: 'intermediateCatchEvent', name: 'مهلت اصلاح گذشت', col: 4, row: 1, event: { kind: 'timer', duration: correctionWindow } })
    .add({ id: 'End_CorrectionLapsed', type: 'endEvent', name: 'درخواست منقضی شد', col: 5, row: 1, event: { kind: 'error', errorId: errors.lapsed.id } })
    .chain('Start_CorrectionRequested', 'Task_RecordAwaitingCorrection', 'Task_NotifyCorrection', 'Gateway_AwaitResubmission', 'Event_Resubmitted', 'Task_RecordResubmitted', 'End_Resubmitted')
    .chain('Gateway_AwaitResubmission', 'Event_CorrectionWindowPassed', 'End_CorrectionLapsed');
  return {
    id: 'correction',
    name: 'اصلاح درخواست توسط شهروند',
    documentation: `The request is marked awaiting-correction with the clerk's note (correctionReason) and the citizen is told what to correct; the citizen resubmits (message request-resubmitted with the corrected form) within ${correctionWindow} and the request is under review again; otherwise ${errorCodes.REQUEST_LAPSED} ends the request.`,
    process: p,
    roots: { messages: [messages.resubmitted], errors: [errors.lapsed] },
  };
}

function documentCheck(): ProcessDraft {
  const p = new Container('document-check');
  p.add({ id: 'Start_DocumentCheck', type: 'startEvent', name: 'مدارک رسید', col: 0, row: 0 })
    .add({ id: 'Task_RecordUnderReview', type: 'serviceTask', name: 'ثبت وضعیت: در حال بررسی', col: 1, row: 0, extensions: status('under-review') })
    .add({ id: 'Gateway_JoinCheck', type: 'exclusiveGateway', name: 'بررسی (دوباره)', col: 2, row: 0 })
    .add({
      id: 'UserTask_CheckDocuments', type: 'userTask', name: 'بررسی مدارک', col: 3, row: 0,
      extensions: userTask({ formId: 'task-document-check', candidateGroups: `=[${districtGroup('clerk')}]`, dueDate: '=dueDate' }),
    })
    .add({ id: 'Gateway_DocumentsComplete', type: 'exclusiveGateway', name: 'مدارک کامل است؟', col: 4, row: 0 })
    .add({ id: 'End_DocumentsAccepted', type: 'endEvent', name: 'مدارک پذیرفته شد', col: 6, row: 0 })
    .chain('Start_DocumentCheck', 'Task_RecordUnderReview', 'Gateway_JoinCheck', 'UserTask_CheckDocuments', 'Gateway_DocumentsComplete')
    .connect('Gateway_DocumentsComplete', 'End_DocumentsAccepted', { name: 'کامل', condition: '=documentDecision = "accept"' });
  correctionCall(p, 'Call_RequestCorrection', 'documentReason', 3, 1);
  p.connect('Gateway_DocumentsComplete', 'Call_RequestCorrection', { name: 'ناقص', condition: '=documentDecision = "return"' })
    .connect('Call_RequestCorrection', 'Gateway_JoinCheck');
  rejectedEnd(p, 'Documents', 'documentReason', 5, 2);
  p.connect('Gateway_DocumentsComplete', 'Task_RecordDocumentsRejected', { name: 'رد', condition: '=documentDecision = "reject"' });
  escalation(p, 'UserTask_CheckDocuments', 'بررسی مدارک', 4);
  return {
    id: 'document-check',
    name: 'بررسی مدارک',
    documentation: 'A district clerk checks the documents: accept, return to the citizen for correction (looping until corrected or lapsed), or reject with a reason.',
    process: p,
    roots: { messages: [], errors: [errors.rejected] },
  };
}

function fieldInspection(): ProcessDraft {
  const p = new Container('field-inspection');
  p.add({ id: 'Start_Inspection', type: 'startEvent', name: 'بازدید لازم است', col: 0, row: 0 })
    .add({ id: 'Task_RecordAwaitingInspection', type: 'serviceTask', name: 'ثبت وضعیت: در انتظار بازدید', col: 1, row: 0, extensions: status('awaiting-inspection') })
    .add({ id: 'Task_AssignInspector', type: 'serviceTask', name: 'تعیین بازدیدکننده', col: 2, row: 0, extensions: job('inspection.assign', { inputs: passThrough(...request), outputs: passThrough('inspectorId') }) })
    .add({
      id: 'UserTask_RecordFindings', type: 'userTask', name: 'بازدید و ثبت یافته‌ها', col: 3, row: 0,
      extensions: userTask({ formId: 'task-inspection', assignee: '=inspectorId', candidateGroups: `=[${districtGroup('inspector')}]`, dueDate: '=dueDate' }),
    })
    .add({ id: 'Gateway_InspectionPassed', type: 'exclusiveGateway', name: 'بازدید تأیید شد؟', col: 4, row: 0 })
    .add({ id: 'End_InspectionPassed', type: 'endEvent', name: 'بازدید تأیید شد', col: 6, row: 0 })
    .chain('Start_Inspection', 'Task_RecordAwaitingInspection', 'Task_AssignInspector', 'UserTask_RecordFindings', 'Gateway_InspectionPassed')
    .connect('Gateway_InspectionPassed', 'End_InspectionPassed', { name: 'تأیید', condition: '=inspectionResult = "pass"' });
  rejectedEnd(p, 'Inspection', 'inspectionNotes', 5, 1);
  p.connect('Gateway_InspectionPassed', 'Task_RecordInspectionRejected', { name: 'عدم تأیید', condition: '=inspectionResult = "fail"' });
  escalation(p, 'UserTask_RecordFindings', 'بازدید', 4);
  return {
    id: 'field-inspection',
    name: 'بازدید میدانی',
    documentation: 'An inspector of the district is assigned (inspection.assign) and records the findings; a failed inspection rejects the request with the notes as reason.',
    process: p,
    roots: { messages: [], errors: [errors.rejected] },
  };
}

function approval(): ProcessDraft {
  const p = new Container('approval');
  // The status moves on from the step before (awaiting-inspection, under-review)
  // the moment the decision is open, so the citizen sees where the request is.
  p.add({ id: 'Start_Approval', type: 'startEvent', name: 'تصمیم لازم است', col: 0, row: 0 })
    .add({ id: 'Task_RecordAwaitingApproval', type: 'serviceTask', name: 'ثبت وضعیت: در انتظار تصمیم', col: 1, row: 0, extensions: status('awaiting-approval') })
    .add({ id: 'Task_RouteApproval', type: 'serviceTask', name: 'تعیین مرجع تصمیم', col: 2, row: 0, extensions: job('approval.route', { inputs: passThrough(...request), outputs: passThrough('approvalGroup') }) })
    .add({ id: 'Gateway_JoinDecision', type: 'exclusiveGateway', name: 'تصمیم (دوباره)', col: 3, row: 0 })
    .add({
      id: 'UserTask_Decide', type: 'userTask', name: 'بررسی و تصمیم', col: 4, row: 0,
      extensions: userTask({ formId: 'task-approval', candidateGroups: '=[approvalGroup]', dueDate: '=dueDate' }),
    })
    .add({ id: 'Gateway_ApprovalDecision', type: 'exclusiveGateway', name: 'تصمیم؟', col: 5, row: 0 })
    .add({ id: 'Task_RecordApproved', type: 'serviceTask', name: 'ثبت وضعیت: تأیید شد', col: 6, row: 0, extensions: status('approved') })
    .add({ id: 'End_Approved', type: 'endEvent', name: 'تأیید شد', col: 7, row: 0 })
    .chain('Start_Approval', 'Task_RecordAwaitingApproval', 'Task_RouteApproval', 'Gateway_JoinDecision', 'UserTask_Decide', 'Gateway_ApprovalDecision')
    .connect('Gateway_ApprovalDecision', 'Task_RecordApproved', { name: 'تأیید', condition: '=approvalDecision = "approve"' })
    .chain('Task_RecordApproved', 'End_Approved');
  correctionCall(p, 'Call_RequestCorrection', 'approvalReason', 4, 1);
  p.connect('Gateway_ApprovalDecision', 'Call_RequestCorrection', { name: 'بازگشت', condition: '=approvalDecision = "return"' })
    .connect('Call_RequestCorrection', 'Gateway_JoinDecision');
  rejectedEnd(p, 'Approval', 'approvalReason', 6, 2);
  p.connect('Gateway_ApprovalDecision', 'Task_RecordApprovalRejected', { name: 'رد', condition: '=approvalDecision = "reject"' });
  escalation(p, 'UserTask_Decide', 'تصمیم', 5);
  return {
    id: 'approval',
    name: 'تأیید',
    documentation: 'The request is marked awaiting-approval; approval.route names the candidate group of the approver role from the catalogue; the approver (who sees the inspection\'s result, date and findings beside the task) approves, returns for correction, or rejects with a reason.',
    process: p,
    roots: { messages: [], errors: [errors.rejected] },
  };
}

function payment(): ProcessDraft {
  const p = new Container('payment');
  p.add({ id: 'Start_Payment', type: 'startEvent', name: 'پرداخت لازم است', col: 0, row: 0 })
    .add({ id: 'Task_RecordAwaitingPayment', type: 'serviceTask', name: 'ثبت وضعیت: در انتظار پرداخت', col: 1, row: 0, extensions: status('awaiting-payment') })
    .add({ id: 'Gateway_JoinPayment', type: 'exclusiveGateway', name: 'درخواست پرداخت (دوباره)', col: 2, row: 0 })
    .add({
      id: 'Task_RequestPayment', type: 'serviceTask', name: 'محاسبه هزینه و ایجاد پرداخت', col: 3, row: 0,
      extensions: job('payment.request', {
        inputs: passThrough(...request, 'form', 'citizen'),
        outputs: [...passThrough('paymentId', 'amount', 'paymentUrl'), ['paymentAttempts', '=paymentAttempts + 1']],
      }),
    })
    .add({ id: 'Task_NotifyPayment', type: 'serviceTask', name: 'ارسال پیوند پرداخت', col: 4, row: 0, extensions: notify('payment-requested', passThrough('paymentId', 'amount', 'paymentUrl')) })
    .add({ id: 'Gateway_AwaitPayment', type: 'eventBasedGateway', name: 'منتظر پرداخت', col: 5, row: 0 })
    .add({ id: 'Event_PaymentConfirmed', type: 'intermediateCatchEvent', name: 'پرداخت تأیید شد', col: 6, row: 0, event: { kind: 'message', messageId: messages.paymentConfirmed.id } })
    .add({ id: 'End_Paid', type: 'endEvent', name: 'پرداخت شد', col: 7, row: 0 })
    .chain('Start_Payment', 'Task_RecordAwaitingPayment', 'Gateway_JoinPayment', 'Task_RequestPayment', 'Task_NotifyPayment', 'Gateway_AwaitPayment', 'Event_PaymentConfirmed', 'End_Paid');
  // The gateway refused to open a payment for this payer.
  p.add({ id: 'Catch_PaymentDeclined', type: 'boundaryEvent', name: 'پرداخت پذیرفته نشد', col: 0, row: 0, attachedTo: 'Task_RequestPayment', side: 'top', offset: 0.5, event: { kind: 'error', errorId: errors.paymentDeclined.id } })
    .add({ id: 'Task_NotifyPaymentDeclined', type: 'serviceTask', name: 'اطلاع عدم امکان پرداخت', col: 4, row: -1, extensions: notify('payment-failed') })
    .add({ id: 'End_PaymentDeclined', type: 'endEvent', name: 'درخواست منقضی شد', col: 5, row: -1, event: { kind: 'error', errorId: errors.lapsed.id } })
    .chain('Catch_PaymentDeclined', 'Task_NotifyPaymentDeclined', 'End_PaymentDeclined');
  // The fee rule came to zero: nothing to charge.
  p.add({ id: 'Catch_NoFeeDue', type: 'boundaryEvent', name: 'هزینه‌ای ندارد', col: 0, row: 0, attachedTo: 'Task_RequestPayment', side: 'bottom', offset: 0.5, event: { kind: 'error', errorId: errors.noFeeDue.id } })
    .add({ id: 'End_NoFeeDue', type: 'endEvent', name: 'بدون هزینه', col: 4, row: 1 })
    .chain('Catch_NoFeeDue', 'End_NoFeeDue');
  // A failed payment may be retried a few times with a new payment.
  p.add({ id: 'Event_PaymentFailed', type: 'intermediateCatchEvent', name: 'پرداخت ناموفق', col: 6, row: 1, event: { kind: 'message', messageId: messages.paymentFailed.id } })
    .add({ id: 'Task_NotifyPaymentFailed', type: 'serviceTask', name: 'اطلاع پرداخت ناموفق', col: 7, row: 1, extensions: notify('payment-failed', passThrough('paymentId')) })
    .add({ id: 'Gateway_RetryPayment', type: 'exclusiveGateway', name: 'تلاش دوباره؟', col: 8, row: 1 })
    .add({ id: 'End_PaymentFailed', type: 'endEvent', name: 'درخواست منقضی شد', col: 9, row: 1, event: { kind: 'error', errorId: errors.lapsed.id } })
    .chain('Gateway_AwaitPayment', 'Event_PaymentFailed', 'Task_NotifyPaymentFailed', 'Gateway_RetryPayment')
    .connect('Gateway_RetryPayment', 'Gateway_JoinPayment', { name: 'بله', condition: `=paymentAttempts < ${paymentAttempts}`, route: 'below' })
    .connect('Gateway_RetryPayment', 'End_PaymentFailed', { name: 'خیر', condition: `=paymentAttempts >= ${paymentAttempts}` });
  p.add({ id: 'Event_PaymentWindowPassed', type: 'intermediateCatchEvent', name: 'مهلت پرداخت گذشت', col: 6, row: 2, event: { kind: 'timer', duration: paymentWindow } })
    .add({ id: 'End_PaymentExpired', type: 'endEvent', name: 'درخواست منقضی شد', col: 7, row: 2, event: { kind: 'error', errorId: errors.lapsed.id } })
    .chain('Gateway_AwaitPayment', 'Event_PaymentWindowPassed', 'End_PaymentExpired');
  return {
    id: 'payment',
    name: 'پرداخت',
    documentation: `payment.request computes the fee from the catalogue and creates a payment; the process waits for payment-confirmed or payment-failed (correlated by paymentId). A failed payment is retried up to ${paymentAttempts} times; no payment within ${paymentWindow} lapses the request.`,
    process: p,
    roots: { messages: [messages.paymentConfirmed, messages.paymentFailed], errors: [errors.paymentDeclined, errors.noFeeDue, errors.lapsed] },
  };
}

function appointment(): ProcessDraft {
  const p = new Container('appointment');
  const bookedAt = passThrough('appointmentId', 'appointmentAt');
  // Events whose flow leaves from the bottom carry their label beside them.
  const message = (id: string, name: string, col: number, row: number, messageId: string, label?: 'right') =>
    p.add({ id, type: 'intermediateCatchEvent', name, col, row, event: { kind: 'message', messageId }, ...(label ? { label } : {}) });
  p.add({ id: 'Start_Appointment', type: 'startEvent', name: 'حضور لازم است', col: 0, row: 0 })
    .add({ id: 'Gateway_JoinBooking', type: 'exclusiveGateway', name: 'نوبت‌دهی (دوباره)', col: 1, row: 0 })
    .add({
      id: 'Task_BookAppointment', type: 'serviceTask', name: 'رزرو نخستین نوبت آزاد', col: 2, row: 0,
      extensions: job('appointment.book', { inputs: passThrough(...request, 'citizen'), outputs: passThrough('appointmentId', 'appointmentAt', 'reminderAt') }),
    })
    // The first booking and one the citizen chose after a cancellation both
    // leave the request booked; a move keeps that status, so it joins later.
    .add({ id: 'Gateway_JoinBooked', type: 'exclusiveGateway', name: 'نوبت رزرو شد', col: 3, row: 0 })
    .add({ id: 'Task_RecordAppointmentBooked', type: 'serviceTask', name: 'ثبت وضعیت: نوبت رزرو شد', col: 4, row: 0, extensions: status('appointment-booked') })
    .add({ id: 'Gateway_JoinNotify', type: 'exclusiveGateway', name: 'زمان نوبت (تازه)', col: 5, row: 0 })
    .add({ id: 'Task_NotifyAppointment', type: 'serviceTask', name: 'اطلاع زمان نوبت', col: 6, row: 0, extensions: notify('appointment-booked', bookedAt) })
    .add({ id: 'Gateway_AwaitReminder', type: 'eventBasedGateway', name: 'منتظر روز پیش از نوبت', col: 7, row: 0 })
    .add({ id: 'Event_ReminderDue', type: 'intermediateCatchEvent', name: 'یک روز پیش از نوبت', col: 8, row: 0, event: { kind: 'timer', date: '=reminderAt' } })
    .add({ id: 'Task_RemindAppointment', type: 'serviceTask', name: 'یادآوری نوبت', col: 9, row: 0, extensions: job('appointment.remind', { inputs: passThrough(...request, 'appointmentId') }) })
    .add({ id: 'Gateway_AwaitAttendance', type: 'eventBasedGateway', name: 'منتظر حضور', col: 10, row: 0 })
    .add({ id: 'End_Attended', type: 'endEvent', name: 'نوبت انجام شد', col: 12, row: 0 })
    // A no-show lapses the request, as a lapsed rebooking does (the service's lapse handler closes it).
    .add({ id: 'End_Missed', type: 'endEvent', name: 'درخواست منقضی شد', col: 12, row: 1, event: { kind: 'error', errorId: errors.lapsed.id } })
    .add({ id: 'Catch_SlotTaken', type: 'boundaryEvent', name: 'نوبت گرفته شد', col: 0, row: 0, attachedTo: 'Task_BookAppointment', side: 'bottom', offset: 0.5, event: { kind: 'error', errorId: errors.slotTaken.id } });
  message('Event_Attended', 'شهروند حاضر شد', 11, 0, messages.attended.id);
  message('Event_Missed', 'شهروند حاضر نشد', 11, 1, messages.missed.id);
  // The citizen moves the booking (same appointment id, new time) or cancels
  // it, before the reminder or after it; a move is told and reminded afresh.
  message('Event_Moved', 'نوبت جابه‌جا شد', 8, 1, messages.moved.id, 'right');
  // Staff may record that the citizen came before the reminder is due (they came
  // early, or the visit was brought forward at the counter): the process takes
  // it here, and the message is kept until then (domain/appointments/announcements.ts).
  message('Event_AttendedBeforeReminder', 'حضور پیش از یادآوری', 8, 2, messages.attended.id);
  p.add({ id: 'End_AttendedBeforeReminder', type: 'endEvent', name: 'نوبت انجام شد', col: 9, row: 2 });
  message('Event_Cancelled', 'نوبت لغو شد', 8, 3, messages.appointmentCancelled.id, 'right');
  message('Event_MovedAfterReminder', 'جابه‌جا پس از یادآوری', 11, 2, messages.moved.id, 'right');
  message('Event_CancelledAfterReminder', 'لغو پس از یادآوری', 11, 3, messages.appointmentCancelled.id, 'right');
  // A cancelled booking leaves the request waiting for the citizen to choose another slot.
  p.add({ id: 'Gateway_JoinCancelled', type: 'exclusiveGateway', name: 'نوبت لغو شده', col: 6, row: 4 })
    .add({ id: 'Task_RecordAwaitingAppointment', type: 'serviceTask', name: 'ثبت وضعیت: در انتظار نوبت', col: 6, row: 5, extensions: status('awaiting-appointment') })
    .add({ id: 'Gateway_AwaitRebooking', type: 'eventBasedGateway', name: 'منتظر نوبت تازه', col: 7, row: 5 })
    .add({ id: 'End_RebookingLapsed', type: 'endEvent', name: 'درخواست منقضی شد', col: 9, row: 6, event: { kind: 'error', errorId: errors.lapsed.id } });
  message('Event_Rebooked', 'شهروند نوبت گرفت', 8, 5, messages.booked.id, 'right');
  p.add({ id: 'Event_RebookingWindowPassed', type: 'intermediateCatchEvent', name: 'مهلت نوبت‌گیری گذشت', col: 8, row: 6, event: { kind: 'timer', duration: rebookingWindow } });
  p.chain('Start_Appointment', 'Gateway_JoinBooking', 'Task_BookAppointment', 'Gateway_JoinBooked', 'Task_RecordAppointmentBooked', 'Gateway_JoinNotify', 'Task_NotifyAppointment', 'Gateway_AwaitReminder', 'Event_ReminderDue', 'Task_RemindAppointment', 'Gateway_AwaitAttendance', 'Event_Attended', 'End_Attended')
    .chain('Gateway_AwaitAttendance', 'Event_Missed', 'End_Missed')
    .connect('Catch_SlotTaken', 'Gateway_JoinBooking', { route: 'below' })
    .connect('Gateway_AwaitReminder', 'Event_Moved')
    .connect('Gateway_AwaitReminder', 'Event_Cancelled')
    .connect('Gateway_AwaitReminder', 'Event_AttendedBeforeReminder')
    .connect('Event_AttendedBeforeReminder', 'End_AttendedBeforeReminder')
    .connect('Gateway_AwaitAttendance', 'Event_MovedAfterReminder')
    .connect('Gateway_AwaitAttendance', 'Event_CancelledAfterReminder')
    .connect('Event_Moved', 'Gateway_JoinNotify', { route: 'below' })
    .connect('Event_MovedAfterReminder', 'Gateway_JoinNotify', { route: 'below' })
    .connect('Event_Cancelled', 'Gateway_JoinCancelled', { route: 'down' })
    .connect('Event_CancelledAfterReminder', 'Gateway_JoinCancelled', { route: 'down' })
    .chain('Gateway_JoinCancelled', 'Task_RecordAwaitingAppointment', 'Gateway_AwaitRebooking', 'Event_Rebooked')
    .connect('Event_Rebooked', 'Gateway_JoinBooked', { route: 'below' })
    .chain('Gateway_AwaitRebooking', 'Event_RebookingWindowPassed', 'End_RebookingLapsed');
  return {
    id: 'appointment',
    name: 'نوبت حضوری',
    documentation: `appointment.book takes the earliest free slot (booking again when it was taken meanwhile); a reminder goes out the day before; attendance is taken before the reminder as well as after it; a no-show lapses the request (${errorCodes.REQUEST_LAPSED}). Until the visit the citizen may move the booking (appointment-moved: told and reminded again) or cancel it (appointment-cancelled: status awaiting-appointment, then a slot of their choice within ${rebookingWindow} through appointment-booked, or ${errorCodes.REQUEST_LAPSED}). The first booking and a chosen one set status appointment-booked.`,
    process: p,
    roots: {
      messages: [messages.attended, messages.missed, messages.moved, messages.appointmentCancelled, messages.booked],
      errors: [errors.slotTaken, errors.lapsed],
    },
  };
}

/** Field work and written responses share a shape: one performer task, done or not possible. */
function performerTask(options: {
  id: string; name: string; formId: string; taskName: string; decision: string; done: string; reason: string; outputs: string[]; documentation: string;
}): ProcessDraft {
  const p = new Container(options.id);
  p.add({ id: 'Start_Assigned', type: 'startEvent', name: 'ارجاع شد', col: 0, row: 0 })
    .add({ id: 'Task_RecordUnderReview', type: 'serviceTask', name: 'ثبت وضعیت: در حال رسیدگی', col: 1, row: 0, extensions: status('under-review') })
    .add({
      id: 'UserTask_Perform', type: 'userTask', name: options.taskName, col: 2, row: 0,
      extensions: userTask({ formId: options.formId, candidateGroups: '=["district-" + string(districtId) + ":" + performerRole]', dueDate: '=dueDate' }),
    })
    .add({ id: 'Gateway_Done', type: 'exclusiveGateway', name: 'انجام شد؟', col: 3, row: 0 })
    .add({ id: 'End_Done', type: 'endEvent', name: 'انجام شد', col: 5, row: 0 })
    .chain('Start_Assigned', 'Task_RecordUnderReview', 'UserTask_Perform', 'Gateway_Done')
    .connect('Gateway_Done', 'End_Done', { name: 'بله', condition: `=${options.decision} = "${options.done}"` });
  rejectedEnd(p, 'Perform', options.reason, 4, 1);
  p.connect('Gateway_Done', 'Task_RecordPerformRejected', { name: 'خیر', condition: `=${options.decision} != "${options.done}"` });
  escalation(p, 'UserTask_Perform', options.taskName, 3);
  return { id: options.id, name: options.name, documentation: options.documentation, process: p, roots: { messages: [], errors: [errors.rejected] } };
}

export function sharedProcesses(): ProcessDraft[] {
  return [
    correction(),
    documentCheck(),
    fieldInspection(),
    approval(),
    payment(),
    appointment(),
    performerTask({
      id: 'field-work', name: 'انجام کار در محل', formId: 'task-work-report', taskName: 'انجام کار و ثبت گزارش',
      decision: 'workResult', done: 'done', reason: 'workNotes', outputs: ['workResult', 'workNotes'],
      documentation: 'A crew of the role in performerRole does the work on site and reports it; work that cannot be done rejects the request with the notes as reason.',
    }),
    performerTask({
      id: 'response', name: 'پاسخ به شهروند', formId: 'task-response', taskName: 'بررسی و نوشتن پاسخ',
      decision: 'responseDecision', done: 'answered', reason: 'responseText', outputs: ['responseDecision', 'responseText'],
      documentation: 'The official of the role in performerRole writes the answer; a declined request is rejected with the answer as reason.',
    }),
  ];
}
