// The soak's process shapes: a dozen small diagrams covering what the city's
// services use — jobs, timers, messages (live and buffered), user tasks, call
// activities, multi-instance, error boundaries, gateways, timer boundaries —
// and one that must stay parked. Each finished instance passes `chaos.end`.
const ns = 'xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"';
const task = (id: string, type: string, extra = '') => `<bpmn:serviceTask id="${id}"><bpmn:extensionElements><zeebe:taskDefinition type="${type}" /></bpmn:extensionElements>${extra}</bpmn:serviceTask>`;
const flow = (id: string, from: string, to: string, condition?: string) => condition
  ? `<bpmn:sequenceFlow id="${id}" sourceRef="${from}" targetRef="${to}"><bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">${condition}</bpmn:conditionExpression></bpmn:sequenceFlow>`
  : `<bpmn:sequenceFlow id="${id}" sourceRef="${from}" targetRef="${to}" />`;
const timer = (id: string, duration: string) => `<bpmn:intermediateCatchEvent id="${id}"><bpmn:timerEventDefinition><bpmn:timeDuration>${duration}</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>`;
const messageCatch = (id: string, ref: string) => `<bpmn:intermediateCatchEvent id="${id}"><bpmn:messageEventDefinition messageRef="${ref}" /></bpmn:intermediateCatchEvent>`;
const message = (id: string, name: string) => `<bpmn:message id="${id}" name="${name}"><bpmn:extensionElements><zeebe:subscription correlationKey="=id" /></bpmn:extensionElements></bpmn:message>`;

/** start -> elements -> chaos.end -> end, flows in order. */
function chain(id: string, elements: string[], ids: string[], roots = ''): string {
  const all = ['start', ...ids, 'finish', 'end'];
  const flows = all.slice(1).map((to, i) => flow(`f${i}`, all[i]!, to)).join('');
  return `<?xml version="1.0" encoding="UTF-8"?><bpmn:definitions ${ns} id="d_${id}" targetNamespace="http://shahrdari/chaos"><bpmn:process id="${id}" isExecutable="true">
<bpmn:startEvent id="start" />${elements.join('')}${task('finish', 'chaos.end')}<bpmn:endEvent id="end" />${flows}</bpmn:process>${roots}</bpmn:definitions>`;
}

export interface Shape {
  id: string;
  xml: string;
  /** Message to publish for an instance, before (buffered) or after it is created. */
  message?: { name: string; when: 'before' | 'after' };
  /** Instances that must still wait, at this element, at the end. */
  parksAt?: string;
}

export const shapes: Shape[] = [
  { id: 'c-task', xml: chain('c-task', [task('work', 'chaos.work')], ['work']) },
  { id: 'c-two', xml: chain('c-two', [task('a', 'chaos.work'), task('b', 'chaos.work')], ['a', 'b']) },
  { id: 'c-timer', xml: chain('c-timer', [task('a', 'chaos.work'), timer('nap', 'PT1S')], ['a', 'nap']) },
  { id: 'c-msg', xml: chain('c-msg', [messageCatch('paid', 'm')], ['paid'], message('m', 'chaos.paid')), message: { name: 'chaos.paid', when: 'after' } },
  { id: 'c-buffered', xml: chain('c-buffered', [messageCatch('early', 'm')], ['early'], message('m', 'chaos.early')), message: { name: 'chaos.early', when: 'before' } },
  { id: 'c-user', xml: chain('c-user', [`<bpmn:userTask id="review"><bpmn:extensionElements><zeebe:assignmentDefinition candidateGroups="clerk" /></bpmn:extensionElements></bpmn:userTask>`], ['review']) },
  { id: 'c-call', xml: chain('c-call', [`<bpmn:callActivity id="call"><bpmn:extensionElements><zeebe:calledElement processId="c-child" propagateAllChildVariables="false" /></bpmn:extensionElements></bpmn:callActivity>`], ['call']) },
  {
    id: 'c-mi',
    xml: chain('c-mi', [task('each', 'chaos.item', '<bpmn:multiInstanceLoopCharacteristics><bpmn:extensionElements><zeebe:loopCharacteristics inputCollection="=[1,2,3]" inputElement="item" /></bpmn:extensionElements></bpmn:multiInstanceLoopCharacteristics>')], ['each']),
  },
  {
    id: 'c-error',
    xml: `<?xml version="1.0" encoding="UTF-8"?><bpmn:definitions ${ns} id="d_err" targetNamespace="http://shahrdari/chaos"><bpmn:process id="c-error" isExecutable="true">
<bpmn:startEvent id="start" />${task('risky', 'chaos.fail')}${task('never', 'chaos.never')}${task('finish', 'chaos.end')}<bpmn:endEvent id="end" /><bpmn:endEvent id="end2" />
<bpmn:boundaryEvent id="caught" attachedToRef="risky"><bpmn:errorEventDefinition errorRef="e" /></bpmn:boundaryEvent>
${flow('f1', 'start', 'risky')}${flow('f2', 'risky', 'never')}${flow('f3', 'never', 'end2')}${flow('f4', 'caught', 'finish')}${flow('f5', 'finish', 'end')}</bpmn:process>
<bpmn:error id="e" errorCode="REFUSED" /></bpmn:definitions>`,
  },
  {
    id: 'c-gateway',
    xml: `<?xml version="1.0" encoding="UTF-8"?><bpmn:definitions ${ns} id="d_gw" targetNamespace="http://shahrdari/chaos"><bpmn:process id="c-gateway" isExecutable="true">
<bpmn:startEvent id="start" /><bpmn:exclusiveGateway id="which" default="low" />${task('hi', 'chaos.high')}${task('lo', 'chaos.low')}<bpmn:exclusiveGateway id="join" />${task('finish', 'chaos.end')}<bpmn:endEvent id="end" />
${flow('f1', 'start', 'which')}${flow('high', 'which', 'hi', '=x &gt; 5')}${flow('low', 'which', 'lo')}${flow('f2', 'hi', 'join')}${flow('f3', 'lo', 'join')}${flow('f4', 'join', 'finish')}${flow('f5', 'finish', 'end')}</bpmn:process></bpmn:definitions>`,
  },
  {
    id: 'c-deadline',
    xml: `<?xml version="1.0" encoding="UTF-8"?><bpmn:definitions ${ns} id="d_dl" targetNamespace="http://shahrdari/chaos"><bpmn:process id="c-deadline" isExecutable="true">
<bpmn:startEvent id="start" />${task('slow', 'chaos.slow')}${task('finish', 'chaos.end')}<bpmn:endEvent id="end" /><bpmn:endEvent id="end2" />
<bpmn:boundaryEvent id="late" attachedToRef="slow"><bpmn:timerEventDefinition><bpmn:timeDuration>PT1S</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:boundaryEvent>
${flow('f1', 'start', 'slow')}${flow('f2', 'slow', 'end2')}${flow('f3', 'late', 'finish')}${flow('f4', 'finish', 'end')}</bpmn:process></bpmn:definitions>`,
  },
  { id: 'c-parked', xml: chain('c-parked', [messageCatch('park', 'm')], ['park'], message('m', 'chaos.never-sent')), parksAt: 'park' },
];

/** The process c-call calls. */
export const child = chain('c-child', [task('inner', 'chaos.work')], ['inner']).replace(/chaos\.end/, 'chaos.child-end');

/** Job types the soak's workers serve; `chaos.slow` is taken but never completed (its timer boundary wins). */
export const jobTypes = ['chaos.work', 'chaos.end', 'chaos.child-end', 'io.camunda.zeebe:userTask', 'chaos.item', 'chaos.fail', 'chaos.never', 'chaos.high', 'chaos.low', 'chaos.slow'];
