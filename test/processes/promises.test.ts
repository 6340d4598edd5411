// The catalogue's promises about each diagram (processes/catalogue/promises.ts),
// checked by the lint rule shahrdari/catalogue-promises: taking away what a
// promise needs, from a copy of a real diagram, is reported with a Persian
// message naming the promise; reordering, bypassing or handing a step to
// another role is reported too; an improved diagram passes.
import fs from 'node:fs';
import t, { type Test } from 'tap';
import { findService } from '../../processes/catalogue/index.ts';
import { diagramPromises, servicePromises, sharedProcesses } from '../../processes/catalogue/promises.ts';
import { listDiagrams } from '../../processes/diagrams.ts';
import { brokenCataloguePromises } from '../../processes/lint.ts';
import { editDiagram, insertTask, notificationTask, promiseKeepers, removeElements, type EditableDiagram } from './diagram-edits.ts';

const diagramXml = (id: string) => fs.readFileSync(listDiagrams().find((diagram) => diagram.id === id)!.file, 'utf8');

async function messages(xml: string): Promise<string[]> {
  return (await brokenCataloguePromises(xml)).map((report) => report.message);
}

/** Every promise of the diagram, taken away in turn: each is reported, by name, and nothing else is. */
async function eachPromiseRemoved(t: Test, id: string) {
  const original = diagramXml(id);
  t.same(await messages(original), [], `${id} keeps its promises as committed`);
  const promises = diagramPromises(id);
  t.ok(promises.length > 0, `${id} has promises`);
  for (const promise of promises) {
    const ids = await promiseKeepers(original, promise);
    t.ok(ids.length > 0, `${id}: ${promise.fa} is kept by ${ids.join(', ')}`);
    const found = await brokenCataloguePromises(await removeElements(original, ids));
    const named = found.filter((report) => report.message.includes(promise.fa));
    t.ok(named.length > 0, `${id} without ${ids.join(', ')}: «${promise.fa}» is reported`);
    t.match(named[0]?.message, /^تعهد کاتالوگ: .* — .*processes\/catalogue/, 'in Persian, saying where a promise is changed');
    t.ok(found.every((report) => report.category === 'error' && report.rule === 'shahrdari/catalogue-promises'));
  }
}

/** Sends the single flow leaving `from` to `to` instead. */
function rewire(diagram: EditableDiagram, from: string, to: string) {
  const { element, container } = diagram.find(from)!;
  const flow = container.find((candidate) => candidate.$type === 'bpmn:SequenceFlow' && candidate.sourceRef === element)!;
  flow.targetRef = diagram.find(to)!.element;
}

t.test('tree-felling-permit: every promise of its catalogue entry, removed in turn, is reported by name', async (t) => {
  const names = servicePromises(findService('tree-felling-permit')!).map((promise) => promise.fa);
  t.ok(names.some((name) => name.startsWith('مرحلهٔ «پرداخت هزینه»')), 'the fee makes the payment a promise');
  t.ok(names.includes('مرحلهٔ «تصمیم شهردار منطقه»'), "the approval is the catalogue's approver's");
  await eachPromiseRemoved(t, 'tree-felling-permit');
});

t.test('services with the other step kinds and performers, and every shared process', async (t) => {
  // Field work by a crew and a survey; an appointment; a written response.
  for (const id of ['tree-pruning', 'taxi-driver-permit', 'zoning-enquiry']) await eachPromiseRemoved(t, id);
  for (const id of Object.keys(sharedProcesses)) await eachPromiseRemoved(t, id);
  t.same(diagramPromises('street-lighting-repair'), [], 'a process the catalogue does not know promises nothing');
});

t.test('a way around the payment, and a certificate before it, are reported', async (t) => {
  const original = diagramXml('tree-felling-permit');
  const bypass = await editDiagram(original);
  const { container } = bypass.find('Call_Approval')!;
  container.push(bypass.create('bpmn:SequenceFlow', {
    id: 'Flow_Approval_To_IssueCertificate', sourceRef: bypass.find('Call_Approval')!.element, targetRef: bypass.find('Task_IssueCertificate')!.element,
  }));
  const bypassed = await brokenCataloguePromises(await bypass.toXML());
  t.match(bypassed.find((report) => report.elementId === 'Call_Payment')?.message, 'پرداخت هزینه» (این خدمت هزینه دارد) — راهی به «بستن درخواست: انجام شد» هست که از آن نمی‌گذرد');
  t.match(bypassed.find((report) => report.elementId === 'Task_IssueCertificate')?.message, 'باید پس از «پرداخت هزینه» بیاید');

  const swapped = await editDiagram(original);
  rewire(swapped, 'Call_Approval', 'Task_IssueCertificate');
  rewire(swapped, 'Task_IssueCertificate', 'Call_Payment');
  rewire(swapped, 'Call_Payment', 'Task_NotifyCompleted');
  const reordered = await brokenCataloguePromises(await swapped.toXML());
  t.same(reordered.map((report) => report.elementId), ['Task_IssueCertificate'], 'the certificate may not come before the fee is paid');
});

t.test("field work by another role than the catalogue's performer is reported", async (t) => {
  const crew = diagramXml('tree-pruning').replace('source="=&#34;green-space-crew&#34;" target="performerRole"', 'source="=&#34;services-crew&#34;" target="performerRole"');
  t.match(await messages(crew), [/نقش انجام‌دهنده باید «اکیپ فضای سبز» \(performerRole = "green-space-crew"\) باشد/]);
  const approver = diagramXml('approval').replace('candidateGroups="=[approvalGroup]"', 'candidateGroups="=[&#34;district-&#34; + string(districtId) + &#34;:clerk&#34;]"');
  t.match(await messages(approver), [/گروه‌های مسئول باید با approvalGroup ساخته شوند/]);
});

t.test('an improved diagram keeps its promises: new labels, an extra notice, a reminder beside the payment', async (t) => {
  const improved = await editDiagram(diagramXml('tree-felling-permit'));
  improved.find('Call_Payment')!.element.name = 'پرداخت عوارض قطع درخت';
  improved.find('Task_IssueCertificate')!.element.name = 'صدور مجوز قطع';
  insertTask(improved, 'Call_Payment', notificationTask(improved, 'Task_NotifyPaid', 'اطلاع پرداخت', 'request-completed'));
  const payment = improved.find('Call_Payment')!;
  const reminder = improved.create('bpmn:BoundaryEvent', { id: 'Timer_PaymentReminder', name: 'یادآوری پرداخت', cancelActivity: false, attachedToRef: payment.element });
  const notice = improved.create('bpmn:ServiceTask', { id: 'Task_RemindPayment', name: 'یادآوری پرداخت' });
  const end = improved.create('bpmn:EndEvent', { id: 'End_Reminded', name: 'یادآوری شد' });
  payment.container.push(reminder, notice, end,
    improved.create('bpmn:SequenceFlow', { id: 'Flow_Reminder_To_Remind', sourceRef: reminder, targetRef: notice }),
    improved.create('bpmn:SequenceFlow', { id: 'Flow_Remind_To_Reminded', sourceRef: notice, targetRef: end }));
  t.same(await messages(await improved.toXML()), []);
});
