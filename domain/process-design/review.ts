// The deploy review: what a diagram changes against the version running now,
// in Persian, so an analyst sees it before confirming. Elements added,
// removed, renamed and re-wired; and what the engine and workers act on: job
// types and headers, forms and candidate groups, called processes, timers,
// messages and conditions. Ids and expressions are wrapped in Unicode isolates
// (FSI … PDI) so they keep their order inside right-to-left sentences.
import { moddle } from './moddle.ts';

export type ChangeKind =
  | 'added' | 'removed' | 'renamed' | 'rewired' | 'job-type' | 'headers' | 'form' | 'assignment' | 'called-process' | 'timer' | 'message' | 'condition';

export interface Change {
  kind: ChangeKind;
  elementId: string;
  /** The element's name (the new one, else the old). */
  name: string | null;
  before: string | null;
  after: string | null;
  /** The change in a Persian sentence. */
  fa: string;
}

interface ModdleNode { $type: string; id?: string; name?: string; [property: string]: unknown }

/** What the review compares about one element (and the migration reads). */
export interface Facts {
  id: string;
  type: string;
  name: string | null;
  /** Inside an event subprocess: not on the way a request normally takes. */
  inEventSubprocess: boolean;
  /** The activity a boundary event is attached to. */
  attachedTo: string | null;
  /** Targets of its outgoing sequence flows, sorted. */
  next: string;
  jobType: string | null;
  headers: string | null;
  form: string | null;
  assignment: string | null;
  calledProcess: string | null;
  timer: string | null;
  message: string | null;
  condition: string | null;
}

const typeNames: Record<string, string> = {
  'bpmn:StartEvent': 'رویداد آغاز',
  'bpmn:EndEvent': 'رویداد پایان',
  'bpmn:IntermediateCatchEvent': 'رویداد میانی',
  'bpmn:IntermediateThrowEvent': 'رویداد میانی',
  'bpmn:BoundaryEvent': 'رویداد مرزی',
  'bpmn:ServiceTask': 'وظیفهٔ سیستمی',
  'bpmn:UserTask': 'وظیفهٔ کارکنان',
  'bpmn:SendTask': 'وظیفهٔ ارسال',
  'bpmn:ReceiveTask': 'وظیفهٔ دریافت',
  'bpmn:ScriptTask': 'وظیفهٔ اسکریپت',
  'bpmn:BusinessRuleTask': 'وظیفهٔ قاعده',
  'bpmn:ManualTask': 'وظیفهٔ دستی',
  'bpmn:Task': 'وظیفه',
  'bpmn:CallActivity': 'فراخوانی فرایند',
  'bpmn:SubProcess': 'زیرفرایند',
  'bpmn:ExclusiveGateway': 'درگاه انحصاری',
  'bpmn:ParallelGateway': 'درگاه موازی',
  'bpmn:InclusiveGateway': 'درگاه فراگیر',
  'bpmn:EventBasedGateway': 'درگاه رویدادمحور',
  'bpmn:SequenceFlow': 'جریان',
};

/** A left-to-right value (id, job type, expression) isolated inside Persian text. */
export const isolate = (text: string) => `\u2068${text}\u2069`;
const quoted = (text: string | null) => (text ? `«${text}»` : '«بی‌نام»');
const shown = (value: string | null) => (value ? isolate(value) : 'هیچ');

function extension(node: ModdleNode, type: string): ModdleNode | undefined {
  return ((node.extensionElements as { values?: ModdleNode[] } | undefined)?.values ?? []).find((value) => value.$type === type);
}

function eventDefinition(node: ModdleNode, type: string): ModdleNode | undefined {
  return ((node.eventDefinitions as ModdleNode[] | undefined) ?? []).find((definition) => definition.$type === type);
}

const body = (expression: unknown) => ((expression as { body?: string } | undefined)?.body ?? null);

function timerOf(node: ModdleNode): string | null {
  const timer = eventDefinition(node, 'bpmn:TimerEventDefinition');
  if (!timer) return null;
  for (const [field, label] of [['timeDuration', 'مدت'], ['timeDate', 'تاریخ'], ['timeCycle', 'تکرار']] as const) {
    const value = body(timer[field]);
    if (value !== null) return `${label} ${value}`;
  }
  return '';
}

function messageOf(node: ModdleNode): string | null {
  const message = (eventDefinition(node, 'bpmn:MessageEventDefinition')?.messageRef ?? node.messageRef) as ModdleNode | undefined;
  if (!message) return null;
  const key = extension(message, 'zeebe:Subscription')?.correlationKey;
  return key ? `${message.name ?? message.id} (${String(key)})` : String(message.name ?? message.id);
}

/** Every flow element, nested ones too, with whether it lies in an event subprocess. */
function flowNodes(container: ModdleNode, inEvent = false): Array<[ModdleNode, boolean]> {
  return ((container.flowElements as ModdleNode[] | undefined) ?? []).flatMap((element): Array<[ModdleNode, boolean]> => [
    [element, inEvent],
    ...(element.flowElements ? flowNodes(element, inEvent || element.triggeredByEvent === true) : []),
  ]);
}

/** The facts of every element of the diagram's processes, by id. */
export async function elementFacts(xml: string | null): Promise<Map<string, Facts>> {
  const facts = new Map<string, Facts>();
  if (xml === null) return facts;
  const { rootElement } = await moddle.fromXML(xml, 'bpmn:Definitions');
  const processes = ((rootElement.rootElements ?? []) as ModdleNode[]).filter((root) => root.$type === 'bpmn:Process');
  const nodes = processes.flatMap((process) => flowNodes(process)).filter(([element]) => element.id);
  const elements = nodes.map(([element]) => element);
  const inEvent = new Map(nodes.map(([element, flag]) => [element.id!, flag]));
  const next = new Map<string, string[]>();
  for (const flow of elements.filter((element) => element.$type === 'bpmn:SequenceFlow')) {
    const source = (flow.sourceRef as ModdleNode | undefined)?.id;
    const target = (flow.targetRef as ModdleNode | undefined)?.id;
    if (source && target) next.set(source, [...(next.get(source) ?? []), target]);
  }
  for (const element of elements) {
    const task = extension(element, 'zeebe:TaskDefinition');
    const headers = ((extension(element, 'zeebe:TaskHeaders')?.values as ModdleNode[] | undefined) ?? [])
      .map((header) => `${String(header.key)}=${String(header.value)}`).sort();
    const assignment = extension(element, 'zeebe:AssignmentDefinition');
    const form = extension(element, 'zeebe:FormDefinition');
    facts.set(element.id!, {
      id: element.id!,
      type: element.$type,
      name: element.name?.trim() || null,
      inEventSubprocess: inEvent.get(element.id!) ?? false,
      attachedTo: (element.attachedToRef as ModdleNode | undefined)?.id ?? null,
      next: (next.get(element.id!) ?? []).sort().join(', '),
      jobType: task ? String(task.type ?? '') : null,
      headers: headers.length ? headers.join('، ') : null,
      form: form ? String(form.formId ?? form.formKey ?? '') : null,
      assignment: assignment ? [assignment.assignee, assignment.candidateGroups, assignment.candidateUsers].filter(Boolean).join(' · ') : null,
      calledProcess: String(extension(element, 'zeebe:CalledElement')?.processId ?? '') || null,
      timer: timerOf(element),
      message: messageOf(element),
      condition: body(element.conditionExpression),
    });
  }
  return facts;
}

const typeName = (facts: Facts) => typeNames[facts.type] ?? isolate(facts.type.replace('bpmn:', ''));

/** How an element is called in a sentence: its name, its id, and what it is. */
function described(facts: Facts): string {
  return `${quoted(facts.name)} (${isolate(facts.id)}، ${typeName(facts)})`;
}

/** Each compared property: which change it is and how to say it. */
const properties: Array<{ key: Exclude<keyof Facts, 'inEventSubprocess' | 'attachedTo'>; kind: ChangeKind; fa: (element: string, before: string, after: string) => string }> = [
  { key: 'name', kind: 'renamed', fa: (element, before, after) => `نام ${element} از ${before} به ${after} تغییر کرد` },
  { key: 'next', kind: 'rewired', fa: (element, before, after) => `مسیر پس از ${element} تغییر کرد: اکنون به ${after} (پیش‌تر به ${before})` },
  { key: 'jobType', kind: 'job-type', fa: (element, before, after) => `نوع کار ${element} از ${before} به ${after} تغییر کرد` },
  { key: 'headers', kind: 'headers', fa: (element, before, after) => `سرآیندهای کار ${element} از ${before} به ${after} تغییر کرد` },
  { key: 'form', kind: 'form', fa: (element, before, after) => `فرم ${element} از ${before} به ${after} تغییر کرد` },
  { key: 'assignment', kind: 'assignment', fa: (element, before, after) => `مسئولان ${element} از ${before} به ${after} تغییر کرد` },
  { key: 'calledProcess', kind: 'called-process', fa: (element, before, after) => `فرایندی که ${element} فرا می‌خواند از ${before} به ${after} تغییر کرد` },
  { key: 'timer', kind: 'timer', fa: (element, before, after) => `زمان‌سنج ${element} از ${before} به ${after} تغییر کرد` },
  { key: 'message', kind: 'message', fa: (element, before, after) => `پیام ${element} از ${before} به ${after} تغییر کرد` },
  { key: 'condition', kind: 'condition', fa: (element, before, after) => `شرط ${element} از ${before} به ${after} تغییر کرد` },
];

/** The changes from `running` (null: nothing runs yet) to `next`, removals first, then additions, then changes in document order. */
export async function reviewChanges(running: string | null, next: string): Promise<Change[]> {
  const [before, after] = await Promise.all([elementFacts(running), elementFacts(next)]);
  const changes: Change[] = [];
  // Flows are reported through their source's re-wiring and their conditions, not one by one.
  const isNode = (facts: Facts) => facts.type !== 'bpmn:SequenceFlow';
  const nameOf = (facts: Map<string, Facts>) => (ids: string | null) => (ids
    ? ids.split(', ').map((id) => quoted(facts.get(id)?.name ?? null) + ` (${isolate(id)})`).join('، ')
    : 'هیچ‌جا');
  for (const old of before.values()) {
    if (after.has(old.id) || !isNode(old)) continue;
    changes.push({ kind: 'removed', elementId: old.id, name: old.name, before: old.type, after: null, fa: `حذف شد: ${described(old)}` });
  }
  for (const added of after.values()) {
    if (before.has(added.id) || !isNode(added)) continue;
    changes.push({ kind: 'added', elementId: added.id, name: added.name, before: null, after: added.type, fa: `افزوده شد: ${described(added)}` });
  }
  for (const now of after.values()) {
    const old = before.get(now.id);
    if (!old) continue;
    for (const property of properties) {
      const [was, is] = [old[property.key], now[property.key]];
      if (was === is) continue;
      if (property.kind === 'rewired' && !isNode(now)) continue;
      if (property.kind === 'renamed' && !isNode(now)) continue;
      const element = !isNode(now) ? `جریان ${isolate(now.id)}`
        : property.kind === 'renamed' ? `${isolate(now.id)} (${typeName(now)})` : described(now);
      const [wasText, isText] = property.kind === 'rewired'
        ? [nameOf(before)(was), nameOf(after)(is)]
        : property.kind === 'renamed' ? [quoted(was), quoted(is)] : [shown(was), shown(is)];
      changes.push({ kind: property.kind, elementId: now.id, name: now.name ?? old.name, before: was, after: is, fa: property.fa(element, wasText, isText) });
    }
  }
  return changes;
}
