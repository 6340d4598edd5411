// A diagram keeps what the catalogue promises (processes/catalogue/promises.ts):
// each step of the service on every way to completion and in the catalogue's
// order, the performer the catalogue names, the received milestone first, a
// close for every outcome, the reversal of a paid request on cancellation; a
// shared process keeps its milestones, jobs, messages and staff decision.
// Deleting the payment box (bpmn-js rejoins the flow) is caught here.
import { diagramPromises, type DiagramPromise } from '../catalogue/promises.ts';
import { requestOutcomeNames } from '../catalogue/contract.ts';
import { roleNames } from '../catalogue/types.ts';
import { eventStarts, flowGraph, processStarts, reach } from './flow-graph.ts';
import { extension, headers, inputs, jobType, literal, type ModdleElement, type Reporter, type Rule } from './model.ts';

export interface BrokenPromise {
  elementId: string;
  message: string;
}

const changeInCatalogue = 'تغییر عمدی این تعهد در کاتالوگ (processes/catalogue) انجام می‌شود، نه با حذف از نمودار.';
const missing = 'در نمودار نیست';
const completedClose = `«بستن درخواست: ${requestOutcomeNames.completed}»`;

const definitionsOf = (node: ModdleElement) => (node.eventDefinitions as ModdleElement[] | undefined) ?? [];

/** The message names an element waits for: message events and receive tasks. */
function awaitedMessages(node: ModdleElement): string[] {
  const references = [node.messageRef, ...definitionsOf(node).map((definition) => definition.messageRef)];
  return references.map((reference) => (reference as ModdleElement | undefined)?.name).filter((name): name is string => typeof name === 'string');
}

function triggeredBy(start: ModdleElement, trigger: { error: string } | { message: string }): boolean {
  if ('message' in trigger) return awaitedMessages(start).includes(trigger.message);
  return definitionsOf(start).some((definition) => definition.$type === 'bpmn:ErrorEventDefinition'
    && (definition.errorRef as ModdleElement | undefined)?.errorCode === trigger.error);
}

/** The elements that carry a promise out, whatever their ids. */
export function keeping(nodes: ModdleElement[], promise: DiagramPromise): ModdleElement[] {
  return nodes.filter((node) => {
    const type = jobType(node);
    switch (promise.kind) {
      case 'step':
        if (promise.process) return node.$type === 'bpmn:CallActivity' && extension(node, 'zeebe:CalledElement')?.processId === promise.process;
        return type === promise.jobType && (!promise.template || headers(node).get('template') === promise.template);
      case 'milestone': return type === 'request.status' && headers(node).get('status') === promise.status;
      case 'outcome': return type === 'request.close' && literal(inputs(node).get('outcome')) === promise.outcome;
      case 'reversal': return type === 'payment.reverse';
      case 'job': return type === promise.jobType;
      case 'message': return awaitedMessages(node).includes(promise.name);
      case 'call': return node.$type === 'bpmn:CallActivity' && extension(node, 'zeebe:CalledElement')?.processId === promise.process;
      case 'decision': return node.$type === 'bpmn:UserTask' && extension(node, 'zeebe:FormDefinition')?.formId === promise.form;
    }
  });
}

/** What `process` fails to keep of its catalogue promises; nothing for processes the catalogue does not know. */
export function brokenPromises(process: ModdleElement): BrokenPromise[] {
  const promises = diagramPromises(String(process.id));
  if (promises.length === 0) return [];
  const graph = flowGraph(process);
  const starts = processStarts(graph);
  const anyStart = [...starts, ...eventStarts(graph).map((start) => start.id!)];
  const ids = (elements: ModdleElement[]) => elements.map((element) => element.id!);
  const completedCloses = ids(keeping(graph.nodes, { kind: 'outcome', outcome: 'completed', fa: '' }));
  const broken: BrokenPromise[] = [];
  const fail = (elementId: string | undefined, promise: DiagramPromise, problem: string) => {
    broken.push({ elementId: elementId ?? String(process.id), message: `تعهد کاتالوگ: ${promise.fa} — ${problem}. ${changeInCatalogue}` });
  };
  /** Whether the request can reach its completed close while `stuck` never completes. */
  const completesWithout = (stuck: string[]) => {
    const reached = reach(graph, anyStart, new Set(stuck)).entered;
    return completedCloses.some((close) => reached.has(close));
  };
  let previous: string[] = [];

  for (const promise of promises) {
    const elements = keeping(graph.nodes, promise);
    if (elements.length === 0) {
      fail(undefined, promise, missing);
      if (promise.kind === 'step' || (promise.kind === 'milestone' && promise.first)) previous = [];
      continue;
    }
    const first = elements[0]!.id;
    switch (promise.kind) {
      case 'milestone':
      case 'step': {
        if (promise.kind === 'milestone' && !promise.first) break;
        if (completesWithout(ids(elements))) fail(first, promise, `راهی به ${completedClose} هست که از آن نمی‌گذرد`);
        if (previous.length > 0) {
          const early = reach(graph, starts, new Set(previous)).entered;
          const before = elements.find((element) => early.has(element.id!));
          if (before && promise.kind === 'step') fail(before.id, promise, `باید پس از ${promise.after} بیاید`);
        }
        if (promise.kind === 'step' && promise.performer) {
          for (const element of elements) {
            if (inputs(element).get('performerRole') !== `="${promise.performer}"`) {
              fail(element.id, promise, `نقش انجام‌دهنده باید «${roleNames[promise.performer]}» (performerRole = "${promise.performer}") باشد`);
            }
          }
        }
        previous = ids(elements);
        break;
      }
      case 'outcome': {
        const from = promise.trigger ? eventStarts(graph).filter((start) => triggeredBy(start, promise.trigger!)) : graph.nodes.filter((node) => starts.includes(node.id!));
        if (from.length === 0) {
          fail(first, promise, 'رویدادی که آن را آغاز می‌کند در نمودار نیست');
          break;
        }
        const reached = reach(graph, ids(from)).entered;
        if (!elements.some((element) => reached.has(element.id!))) fail(first, promise, 'هیچ مسیری به آن نمی‌رسد');
        break;
      }
      case 'reversal': {
        const cancelled = eventStarts(graph).filter((start) => triggeredBy(start, { message: 'request-cancelled' }));
        const closes = ids(keeping(graph.nodes, { kind: 'outcome', outcome: 'cancelled', fa: '' }));
        const reached = reach(graph, ids(cancelled), new Set(ids(elements))).entered;
        if (cancelled.length === 0 || closes.some((close) => reached.has(close))) {
          fail(first, promise, 'درخواست لغوشده بدون آن بسته می‌شود');
        }
        break;
      }
      case 'decision': {
        for (const element of elements) {
          const groups = extension(element, 'zeebe:AssignmentDefinition')?.candidateGroups;
          if (typeof groups !== 'string' || !groups.includes(promise.groupFrom)) fail(element.id, promise, `گروه‌های مسئول باید با ${promise.groupFrom} ساخته شوند`);
        }
        break;
      }
      default:
        break;
    }
  }
  return broken;
}

export default function cataloguePromises(): Rule {
  return {
    check(node: ModdleElement, reporter: Reporter) {
      if (node.$type !== 'bpmn:Process') return;
      for (const broken of brokenPromises(node)) reporter.report(broken.elementId, broken.message);
    },
  };
}
