// Where a token can go in one process: which elements it can reach from some
// start events when some elements never complete. Answers "is there a way to
// the completed close that skips the payment?" for the catalogue promises.
//
// Each element has two states: entered and completed. Sequence flows leave
// from completed; boundary events are reached from entered (they fire while
// the element is active, so an interrupting timer on the payment that leads
// on is a way around it); an embedded subprocess is entered at its plain
// start events and completes when one of its end events does; a parallel
// join is entered only once every incoming flow's source has completed.
import type { ModdleElement } from './model.ts';

export interface FlowGraph {
  elements: Map<string, ModdleElement>;
  /** Every flow node, nested ones included, in document order. */
  nodes: ModdleElement[];
  /** Targets of the sequence flows leaving each element. */
  next: Map<string, string[]>;
  /** Sources of the sequence flows entering each element. */
  previous: Map<string, string[]>;
  /** Boundary events attached to each element. */
  boundaries: Map<string, string[]>;
  /** The container (subprocess) of each nested element. */
  parent: Map<string, ModdleElement>;
}

const isEventSubProcess = (element: ModdleElement) => element.$type === 'bpmn:SubProcess' && element.triggeredByEvent === true;
const isContainer = (element: ModdleElement) => /^bpmn:(SubProcess|Transaction|AdHocSubProcess)$/.test(element.$type);
const idOf = (reference: unknown) => (reference as ModdleElement | undefined)?.id;

function push(map: Map<string, string[]>, key: string, value: string) {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

export function flowGraph(process: ModdleElement): FlowGraph {
  const graph: FlowGraph = { elements: new Map(), nodes: [], next: new Map(), previous: new Map(), boundaries: new Map(), parent: new Map() };
  const visit = (container: ModdleElement) => {
    for (const element of (container.flowElements as ModdleElement[] | undefined) ?? []) {
      if (!element.id) continue;
      graph.elements.set(element.id, element);
      if (container !== process) graph.parent.set(element.id, container);
      if (element.$type === 'bpmn:SequenceFlow') {
        const source = idOf(element.sourceRef);
        const target = idOf(element.targetRef);
        if (source && target) {
          push(graph.next, source, target);
          push(graph.previous, target, source);
        }
        continue;
      }
      graph.nodes.push(element);
      if (element.$type === 'bpmn:BoundaryEvent') {
        const host = idOf(element.attachedToRef);
        if (host) push(graph.boundaries, host, element.id);
      }
      if (isContainer(element)) visit(element);
    }
  };
  visit(process);
  return graph;
}

/** Start events of the process itself (not of its subprocesses). */
export function processStarts(graph: FlowGraph): string[] {
  return graph.nodes.filter((node) => node.$type === 'bpmn:StartEvent' && !graph.parent.has(node.id!)).map((node) => node.id!);
}

/** Start events of event subprocesses: they can start whenever the process is active. */
export function eventStarts(graph: FlowGraph): ModdleElement[] {
  return graph.nodes.filter((node) => {
    const container = graph.parent.get(node.id!);
    return node.$type === 'bpmn:StartEvent' && container !== undefined && isEventSubProcess(container);
  });
}

export interface Reach {
  entered: Set<string>;
  completed: Set<string>;
}

/** What tokens from `starts` can enter and complete when the elements in `stuck` never complete. */
export function reach(graph: FlowGraph, starts: string[], stuck: ReadonlySet<string> = new Set()): Reach {
  const entered = new Set<string>();
  const completed = new Set<string>();
  const queue: string[] = [];
  const enter = (id: string) => {
    if (entered.has(id)) return;
    const element = graph.elements.get(id);
    const sources = graph.previous.get(id) ?? [];
    // A parallel join waits for every incoming flow.
    if (element?.$type === 'bpmn:ParallelGateway' && sources.length > 1 && !sources.every((source) => completed.has(source))) return;
    entered.add(id);
    queue.push(id);
  };
  const complete = (id: string) => {
    if (completed.has(id) || stuck.has(id)) return;
    completed.add(id);
    // A join waiting for this element is entered once its last source completes.
    for (const target of graph.next.get(id) ?? []) enter(target);
    const container = graph.parent.get(id);
    if (container && !isEventSubProcess(container) && graph.elements.get(id)?.$type === 'bpmn:EndEvent') complete(container.id!);
  };
  for (const start of starts) enter(start);
  while (queue.length > 0) {
    const id = queue.shift()!;
    const element = graph.elements.get(id)!;
    for (const boundary of graph.boundaries.get(id) ?? []) enter(boundary);
    if (isContainer(element) && !isEventSubProcess(element)) {
      const innerStarts = graph.nodes.filter((node) => node.$type === 'bpmn:StartEvent' && graph.parent.get(node.id!) === element);
      for (const start of innerStarts) enter(start.id!);
      if (innerStarts.length === 0) complete(id);
      continue;
    }
    complete(id);
  }
  return { entered, completed };
}
