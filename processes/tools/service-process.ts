// One service's diagram from its catalogue entry: the request is recorded,
// given a due date and acknowledged; each step of `steps` follows in order;
// the request is closed with its outcome. Rejection, lapse and cancellation
// are event subprocesses, so every step can end the request the same way.
import { stepName, stepProcesses } from '../catalogue/promises.ts';
import type { Service, StepKind } from '../catalogue/types.ts';
import { Container } from './bpmn-writer.ts';
import { errors, messages, notify, status, type ProcessDraft } from './shared-processes.ts';
import { called, job, passThrough, requestInputs, type Mapping } from './zeebe.ts';

interface StepElement {
  id: string;
  name: string;
  extensions: string;
}

function call(step: StepKind, inputs: Mapping[], outputs: string[]): string {
  return called(stepProcesses[step]!, [...requestInputs, ...inputs], passThrough(...outputs));
}

function stepElement(service: Service, step: Exclude<StepKind, 'survey'>): StepElement {
  const name = stepName(service, step);
  switch (step) {
    case 'document-check':
      return { id: 'Call_DocumentCheck', name, extensions: call(step, passThrough('form'), ['form']) };
    case 'inspection':
      return { id: 'Call_FieldInspection', name, extensions: call(step, [], ['inspectorId', 'inspectionResult', 'inspectionNotes']) };
    case 'approval':
      return { id: 'Call_Approval', name, extensions: call(step, passThrough('form'), ['form', 'approvalDecision', 'approvalReason']) };
    case 'appointment':
      return { id: 'Call_Appointment', name, extensions: call(step, [], ['appointmentId', 'appointmentAt']) };
    case 'payment':
      return { id: 'Call_Payment', name, extensions: call(step, [...passThrough('form'), ['paymentAttempts', '=0']], ['paymentId', 'amount']) };
    case 'field-work':
      return {
        id: 'Call_FieldWork', name,
        extensions: call(step, [['performerRole', `="${service.performer}"`]], ['workResult', 'workNotes']),
      };
    case 'response':
      return {
        id: 'Call_Response', name,
        extensions: call(step, [['performerRole', `="${service.performer}"`]], ['responseDecision', 'responseText']),
      };
    case 'certificate':
      return {
        id: 'Task_IssueCertificate', name,
        extensions: job('certificate.issue', { inputs: passThrough('requestId', 'serviceId', 'districtId', 'form', 'citizen'), outputs: passThrough('certificateId', 'certificateNumber') }),
      };
  }
}

function close(outcome: string): string {
  return job('request.close', { inputs: [...passThrough('requestId', 'serviceId', 'districtId'), ['outcome', `="${outcome}"`]] });
}

export function serviceProcess(service: Service): ProcessDraft {
  const p = new Container(service.id);
  const main: Array<{ id: string; name: string; type: 'startEvent' | 'serviceTask' | 'callActivity' | 'endEvent'; extensions?: string }> = [
    { id: 'Start_RequestSubmitted', name: 'درخواست ثبت شد', type: 'startEvent' },
    { id: 'Task_RecordReceived', name: 'ثبت وضعیت: دریافت شد', type: 'serviceTask', extensions: status('received') },
    { id: 'Task_ComputeDueDate', name: 'محاسبه مهلت رسیدگی', type: 'serviceTask', extensions: job('sla.due-date', { inputs: passThrough('requestId', 'serviceId', 'districtId'), outputs: passThrough('dueDate') }) },
    { id: 'Task_NotifyReceived', name: 'اطلاع ثبت و کد رهگیری', type: 'serviceTask', extensions: notify('request-received', passThrough('dueDate')) },
  ];
  for (const step of service.steps) {
    if (step === 'survey') continue;
    const element = stepElement(service, step);
    main.push({ ...element, type: element.id.startsWith('Call_') ? 'callActivity' : 'serviceTask' });
  }
  main.push({ id: 'Task_NotifyCompleted', name: 'اطلاع نتیجه به شهروند', type: 'serviceTask', extensions: notify('request-completed') });
  if (service.steps.includes('survey')) {
    main.push({ id: 'Task_SendSurvey', name: stepName(service, 'survey'), type: 'serviceTask', extensions: notify('satisfaction-survey') });
  }
  main.push(
    { id: 'Task_CloseCompleted', name: 'بستن درخواست: انجام شد', type: 'serviceTask', extensions: close('completed') },
    { id: 'End_Completed', name: 'درخواست انجام شد', type: 'endEvent' },
  );
  main.forEach((element, col) => p.add({ ...element, col, row: 0 }));
  p.chain(...main.map((element) => element.id));

  p.eventSubProcess({ id: 'SubProcess_Rejected', name: 'رد درخواست', col: 0, row: 1 }, (inner) => {
    inner.add({ id: 'Start_Rejected', type: 'startEvent', name: 'درخواست رد شد', col: 0, row: 0, event: { kind: 'error', errorId: errors.rejected.id } })
      // The called process that rejected has already told the citizen why.
      .add({ id: 'Task_CloseRejected', type: 'serviceTask', name: 'بستن درخواست: رد شد', col: 1, row: 0, extensions: close('rejected') })
      .add({ id: 'End_Rejected', type: 'endEvent', name: 'درخواست رد شد', col: 2, row: 0 })
      .chain('Start_Rejected', 'Task_CloseRejected', 'End_Rejected');
  });
  p.eventSubProcess({ id: 'SubProcess_Lapsed', name: 'انقضای درخواست', col: 0, row: 1 }, (inner) => {
    inner.add({ id: 'Start_Lapsed', type: 'startEvent', name: 'مهلت شهروند گذشت', col: 0, row: 0, event: { kind: 'error', errorId: errors.lapsed.id } })
      .add({ id: 'Task_NotifyLapsed', type: 'serviceTask', name: 'اطلاع انقضای درخواست', col: 1, row: 0, extensions: notify('request-lapsed') })
      .add({ id: 'Task_CloseLapsed', type: 'serviceTask', name: 'بستن درخواست: منقضی شد', col: 2, row: 0, extensions: close('lapsed') })
      .add({ id: 'End_Lapsed', type: 'endEvent', name: 'درخواست منقضی شد', col: 3, row: 0 })
      .chain('Start_Lapsed', 'Task_NotifyLapsed', 'Task_CloseLapsed', 'End_Lapsed');
  });
  const pays = service.steps.includes('payment');
  p.eventSubProcess({ id: 'SubProcess_Cancelled', name: 'انصراف شهروند', col: 0, row: 1 }, (inner) => {
    inner.add({ id: 'Start_Cancelled', type: 'startEvent', name: 'شهروند انصراف داد', col: 0, row: 0, event: { kind: 'message', messageId: messages.cancelled.id } });
    const chain = ['Start_Cancelled'];
    if (pays) {
      inner.add({ id: 'Task_ReversePayment', type: 'serviceTask', name: 'بازگرداندن وجه پرداختی', col: 1, row: 0, extensions: job('payment.reverse', { inputs: passThrough('requestId', 'serviceId', 'districtId') }) });
      chain.push('Task_ReversePayment');
    }
    const col = chain.length;
    inner.add({ id: 'Task_NotifyCancelled', type: 'serviceTask', name: 'تأیید انصراف', col, row: 0, extensions: notify('request-cancelled') })
      .add({ id: 'Task_CloseCancelled', type: 'serviceTask', name: 'بستن درخواست: لغو شد', col: col + 1, row: 0, extensions: close('cancelled') })
      .add({ id: 'End_Cancelled', type: 'endEvent', name: 'درخواست لغو شد', col: col + 2, row: 0 })
      .chain(...chain, 'Task_NotifyCancelled', 'Task_CloseCancelled', 'End_Cancelled');
  });

  const usesErrors = [errors.rejected, errors.lapsed];
  return {
    id: service.id,
    name: service.name.fa,
    // No fee or SLA figures here: the catalogue states them once.
    documentation: `${service.description.fa}\n\n${service.name.en}. Steps: ${service.steps.join(', ')}. Fee, SLA and forms: processes/catalogue/.`,
    process: p,
    roots: { messages: [messages.cancelled], errors: usesErrors },
  };
}
