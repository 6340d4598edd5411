// Consistency of the committed diagrams with the catalogue, the forms and the
// worker contract: one name per thing, everywhere.
import fs from 'node:fs';
import t from 'tap';
import { services } from '../../processes/catalogue/index.ts';
import { allJobTypes, messageContracts, notificationTemplates, requestOutcomes, requestStatuses } from '../../processes/catalogue/contract.ts';
import { errorCodes, thrownByWorkers } from '../../processes/catalogue/errors.ts';
import { listDiagrams, readDiagram, type Diagram } from '../../processes/diagrams.ts';
import { listFormIds } from '../../processes/forms/index.ts';

const files = listDiagrams();
const diagrams = new Map<string, Diagram>();
for (const file of files) diagrams.set(file.id, await readDiagram(fs.readFileSync(file.file, 'utf8')));
const shared = files.filter((file) => file.shared).map((file) => file.id);
const formIds = listFormIds();

t.test('every diagram parses cleanly and defines one process named like its file', async (t) => {
  for (const file of files) {
    const diagram = diagrams.get(file.id)!;
    t.same(diagram.warnings, [], `${file.id}: no parse warnings`);
    t.same(diagram.processIds, [file.id], `${file.id}: process id = file name`);
  }
});

t.test('every catalogue service has exactly one diagram, and every service diagram a catalogue entry', async (t) => {
  const serviceDiagrams = files.filter((file) => !file.shared).map((file) => file.id).sort();
  t.same(serviceDiagrams, services.map((service) => service.id).sort());
  t.equal(serviceDiagrams.length, 54);
  t.same(shared.sort(), ['appointment', 'approval', 'correction', 'document-check', 'field-inspection', 'field-work', 'payment', 'response']);
});

t.test('every flow element has diagram interchange', async (t) => {
  for (const [id, diagram] of diagrams) {
    const missing = diagram.elements.filter((element) => (element.$type === 'bpmn:SequenceFlow' ? (diagram.edges.get(element.id) ?? 0) < 2 : !diagram.shapes.has(element.id)));
    t.same(missing.map((element) => element.id), [], `${id}: shapes and edges with waypoints`);
    const unnamed = diagram.elements.filter((element) => element.$type !== 'bpmn:SequenceFlow' && !/[\u0600-\u06FF]/.test(element.name ?? ''));
    t.same(unnamed.map((element) => element.id), [], `${id}: Persian labels`);
  }
});

t.test('job types, headers and inputs are the contract\'s', async (t) => {
  for (const [id, diagram] of diagrams) {
    for (const job of diagram.jobTypes) {
      t.ok(allJobTypes.includes(job.type), `${id}/${job.elementId}: ${job.type} is in the contract`);
      if (job.type === 'request.status') t.ok((requestStatuses as readonly string[]).includes(job.headers.status ?? ''), `${id}/${job.elementId}: status header`);
      if (job.type === 'notification.send') t.ok((notificationTemplates as readonly string[]).includes(job.headers.template ?? ''), `${id}/${job.elementId}: template header`);
      if (job.type === 'request.close') t.ok((requestOutcomes as readonly string[]).some((outcome) => job.inputs.outcome === `="${outcome}"`), `${id}/${job.elementId}: outcome`);
    }
  }
});

t.test('user tasks have per-district candidate groups and an existing linked form', async (t) => {
  for (const [id, diagram] of diagrams) {
    for (const task of diagram.userTasks) {
      t.ok(task.formId && formIds.includes(task.formId), `${id}/${task.elementId}: form ${task.formId} exists`);
      t.notOk(task.formKey, `${id}/${task.elementId}: linked form, not formKey`);
      t.match(task.candidateGroups ?? '', /^=\[.*(district-|approvalGroup)/, `${id}/${task.elementId}: candidate groups`);
    }
  }
});

t.test('messages are the contract\'s, each with its correlation key', async (t) => {
  for (const [id, diagram] of diagrams) {
    for (const message of diagram.messages) {
      const contract = messageContracts.find((candidate) => candidate.name === message.name);
      t.ok(contract, `${id}: message ${message.name} is in the contract`);
      t.equal(message.correlationKey, contract?.correlationKey, `${id}: ${message.name} correlated by ${contract?.correlationKey}`);
    }
  }
});

t.test('call activities call shared processes and pass only what they map', async (t) => {
  for (const [id, diagram] of diagrams) {
    for (const call of diagram.calls) {
      t.ok(shared.includes(call.processId), `${id}/${call.elementId}: calls shared ${call.processId}`);
      t.notOk(call.propagateAllChildVariables, `${id}/${call.elementId}: propagateAllChildVariables=false`);
      for (const variable of ['requestId', 'serviceId', 'districtId', 'dueDate']) t.ok(call.inputs[variable], `${id}/${call.elementId}: passes ${variable}`);
    }
  }
});

t.test('each service diagram runs the catalogue steps in order, with the catalogue roles', async (t) => {
  const elementOf: Record<string, string> = {
    'document-check': 'Call_DocumentCheck', inspection: 'Call_FieldInspection', approval: 'Call_Approval', appointment: 'Call_Appointment',
    payment: 'Call_Payment', 'field-work': 'Call_FieldWork', response: 'Call_Response', certificate: 'Task_IssueCertificate', survey: 'Task_SendSurvey',
  };
  for (const service of services) {
    const diagram = diagrams.get(service.id)!;
    // Follow the main line from the start event.
    const order: string[] = [];
    let current = 'Start_RequestSubmitted';
    for (let guard = 0; guard < 50; guard++) {
      order.push(current);
      const next = diagram.elements.find((element) => element.$type === 'bpmn:SequenceFlow' && (element.sourceRef as { id: string }).id === current);
      if (!next) break;
      current = (next.targetRef as { id: string }).id;
    }
    const stepElements = order.filter((elementId) => Object.values(elementOf).includes(elementId));
    const expected = [...service.steps.filter((step) => step !== 'survey'), ...service.steps.filter((step) => step === 'survey')].map((step) => elementOf[step]);
    t.same(stepElements, expected, `${service.id}: steps in order`);
    t.equal(order.at(-1), 'End_Completed', `${service.id}: the main line ends completed`);
    for (const call of diagram.calls.filter((candidate) => candidate.inputs.performerRole)) {
      t.equal(call.inputs.performerRole, `="${service.performer}"`, `${service.id}/${call.elementId}: performer is the catalogue's`);
    }
    const cancellation = diagram.elements.some((element) => element.id === 'Task_ReversePayment');
    t.equal(cancellation, service.steps.includes('payment'), `${service.id}: a cancelled paid request is reversed`);
  }
});

t.test('every error code thrown is caught: by the services for staff and citizen outcomes, next to the task for worker errors', async (t) => {
  for (const service of services) {
    const caught = diagrams.get(service.id)!.caughtAt.filter((catcher) => !catcher.attachedTo).map((catcher) => catcher.code);
    t.ok(caught.includes(errorCodes.REQUEST_REJECTED) && caught.includes(errorCodes.REQUEST_LAPSED), `${service.id}: rejection and lapse subprocesses`);
  }
  for (const id of shared) {
    for (const code of diagrams.get(id)!.thrown) t.ok([errorCodes.REQUEST_REJECTED, errorCodes.REQUEST_LAPSED].includes(code as 'REQUEST_REJECTED'), `${id}: throws ${code}, which every service catches`);
  }
  for (const [id, diagram] of diagrams) {
    for (const job of diagram.jobTypes) {
      for (const code of thrownByWorkers[job.type] ?? []) {
        t.ok(diagram.caughtAt.some((catcher) => catcher.attachedTo === job.elementId && catcher.code === code), `${id}/${job.elementId}: catches ${code}`);
      }
    }
  }
});

t.test('element ids are stable and readable', async (t) => {
  for (const [id, diagram] of diagrams) {
    const generated = diagram.elements.filter((element) => /_[0-9][0-9a-z]{6}$/.test(element.id) || /^(Activity|Event|Gateway|Flow)_[0-9a-z]{7}$/.test(element.id));
    t.same(generated.map((element) => element.id), [], `${id}: no generated ids`);
  }
});
