// Test diagrams, built from parts instead of written out in each test: a
// process (bpmn), a start-to-end chain of elements, sequence flows, service
// and user tasks with their Zeebe extensions, messages. Element ids and names
// are the caller's; what the builders add is the XML around them.

/** Text for an XML attribute or element: markup characters escaped, line breaks kept (&#10;). */
export const xmlText = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/\n/g, '&#10;');

/** A BPMN file with one executable process; `roots` adds messages, errors and signals. */
export function bpmn(processId: string, body: string, roots = ''): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0"
  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="defs_${processId}" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="${processId}" isExecutable="true">
${body}
  </bpmn:process>
${roots}
</bpmn:definitions>`;
}

export const flow = (id: string, source: string, target: string, condition?: string) => condition
  ? `<bpmn:sequenceFlow id="${id}" sourceRef="${source}" targetRef="${target}"><bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">${xmlText(condition)}</bpmn:conditionExpression></bpmn:sequenceFlow>`
  : `<bpmn:sequenceFlow id="${id}" sourceRef="${source}" targetRef="${target}" />`;

export const serviceTask = (id: string, type: string, extra = '') =>
  `<bpmn:serviceTask id="${id}"><bpmn:extensionElements><zeebe:taskDefinition type="${type}" />${extra}</bpmn:extensionElements></bpmn:serviceTask>`;

export const message = (id: string, name: string, correlationKey?: string) => correlationKey
  ? `<bpmn:message id="${id}" name="${name}"><bpmn:extensionElements><zeebe:subscription correlationKey="${correlationKey}" /></bpmn:extensionElements></bpmn:message>`
  : `<bpmn:message id="${id}" name="${name}" />`;

/** A chain start -> elements... -> end, flows named f0, f1, ... */
export function chain(processId: string, elements: Array<{ id: string; xml: string }>, roots = ''): string {
  const ids = ['start', ...elements.map((e) => e.id), 'end'];
  const flows = ids.slice(1).map((id, i) => flow(`f${i}`, ids[i]!, id)).join('\n');
  return bpmn(processId, `<bpmn:startEvent id="start" />\n${elements.map((e) => e.xml).join('\n')}\n<bpmn:endEvent id="end" />\n${flows}`, roots);
}

export interface UserTaskOptions {
  /** The step's name as staff read it (Persian in the workspace). */
  name?: string;
  /** The linked form (zeebe:formDefinition formId). */
  formId?: string;
  /** zeebe:assignmentDefinition: a FEEL expression or a comma-separated list. */
  candidateGroups?: string;
  assignee?: string;
  /** zeebe:taskSchedule, FEEL expressions or ISO dates. */
  dueDate?: string;
  followUpDate?: string;
}

/** A job-worker user task (no zeebe:userTask marker), as the modeler creates them. */
export function userTask(id: string, options: UserTaskOptions = {}): string {
  const { name, formId, candidateGroups, assignee, dueDate, followUpDate } = options;
  const attributes = (pairs: Array<[string, string | undefined]>) => pairs.filter(([, value]) => value !== undefined).map(([key, value]) => ` ${key}="${xmlText(value!)}"`).join('');
  const extensions = [
    formId !== undefined ? `<zeebe:formDefinition formId="${xmlText(formId)}" />` : '',
    candidateGroups !== undefined || assignee !== undefined ? `<zeebe:assignmentDefinition${attributes([['assignee', assignee], ['candidateGroups', candidateGroups]])} />` : '',
    dueDate !== undefined || followUpDate !== undefined ? `<zeebe:taskSchedule${attributes([['dueDate', dueDate], ['followUpDate', followUpDate]])} />` : '',
  ].join('');
  const inside = extensions ? `<bpmn:extensionElements>${extensions}</bpmn:extensionElements>` : '';
  return `<bpmn:userTask id="${id}"${attributes([['name', name]])}>${inside}</bpmn:userTask>`;
}
