// Edits a copy of a diagram the way an analyst does in the modeler: deleting
// an element rejoins the flow around it (bpmn-js does the same when the
// element has one way out), and its attached events and drawing go with it.
import { createRequire } from 'node:module';
import { BpmnModdle } from 'bpmn-moddle';
import type { DiagramPromise } from '../../processes/catalogue/promises.ts';
import { keeping } from '../../processes/lint-rules/catalogue-promises.ts';
import { flowGraph } from '../../processes/lint-rules/flow-graph.ts';

const require = createRequire(import.meta.url);
// The declaration the engine keeps for bpmn-moddle (engine/model/moddle.d.ts) names only the reading side.
const moddle = new BpmnModdle({ zeebe: require('zeebe-bpmn-moddle/resources/zeebe.json') as Record<string, unknown> }) as InstanceType<typeof BpmnModdle> & {
  create(type: string, properties?: Record<string, unknown>): unknown;
  toXML(element: unknown, options?: { format?: boolean }): Promise<{ xml: string }>;
};

export interface Node { $type: string; id: string; [property: string]: any }

export interface EditableDiagram {
  definitions: Node;
  process: Node;
  /** A flow element (nested ones too) with the list that holds it. */
  find(id: string): { element: Node; container: Node[] } | undefined;
  /** A new model element, e.g. create('bpmn:ServiceTask', { id, name }). */
  create(type: string, properties?: Record<string, unknown>): Node;
  toXML(): Promise<string>;
}

export async function editDiagram(xml: string): Promise<EditableDiagram> {
  const { rootElement } = await moddle.fromXML(xml, 'bpmn:Definitions');
  const definitions = rootElement as unknown as Node;
  const process = (definitions.rootElements as Node[]).find((root) => root.$type === 'bpmn:Process')!;
  const find = (id: string, container: Node = process): { element: Node; container: Node[] } | undefined => {
    const elements = (container.flowElements ?? []) as Node[];
    for (const element of elements) {
      if (element.id === id) return { element, container: elements };
      if (element.flowElements) {
        const found = find(id, element);
        if (found) return found;
      }
    }
    return undefined;
  };
  return {
    definitions,
    process,
    find: (id) => find(id),
    create: (type, properties) => moddle.create(type, properties) as Node,
    toXML: async () => (await moddle.toXML(definitions, { format: true })).xml,
  };
}

function removeFrom<T>(list: T[] | undefined, item: T) {
  const index = list?.indexOf(item) ?? -1;
  if (index >= 0) list!.splice(index, 1);
}

/** Deletes elements as the modeler does: a single way out is rejoined to the element's incoming flows. */
export async function removeElements(xml: string, ids: string[]): Promise<string> {
  const diagram = await editDiagram(xml);
  const removed = new Set<Node>();
  for (const id of ids) {
    const found = diagram.find(id);
    if (!found) throw new Error(`no element ${id}`);
    const { element, container } = found;
    const flows = container.filter((candidate) => candidate.$type === 'bpmn:SequenceFlow');
    const incoming = flows.filter((flow) => flow.targetRef === element);
    const outgoing = flows.filter((flow) => flow.sourceRef === element);
    const attached = container.filter((candidate) => candidate.attachedToRef === element);
    if (outgoing.length === 1) {
      const target = outgoing[0]!.targetRef as Node;
      removeFrom(target.incoming, outgoing[0]);
      for (const flow of incoming) {
        flow.targetRef = target;
        target.incoming = [...(target.incoming ?? []), flow];
      }
      for (const flow of outgoing) { removeFrom(container, flow); removed.add(flow); }
    } else {
      for (const flow of [...incoming, ...outgoing]) {
        removeFrom(container, flow);
        removed.add(flow);
        removeFrom((flow.sourceRef as Node).outgoing, flow);
        removeFrom((flow.targetRef as Node).incoming, flow);
      }
    }
    for (const boundary of attached) {
      for (const flow of flows.filter((candidate) => candidate.sourceRef === boundary)) {
        removeFrom(container, flow);
        removed.add(flow);
        removeFrom((flow.targetRef as Node).incoming, flow);
      }
      removeFrom(container, boundary);
      removed.add(boundary);
    }
    removeFrom(container, element);
    removed.add(element);
  }
  for (const drawing of diagram.definitions.diagrams as Node[]) {
    drawing.plane.planeElement = (drawing.plane.planeElement as Node[]).filter((shape) => !removed.has(shape.bpmnElement));
  }
  return diagram.toXML();
}

/** The ids of the elements that keep `promise` in `xml`. */
export async function promiseKeepers(xml: string, promise: DiagramPromise): Promise<string[]> {
  const { process } = await editDiagram(xml);
  return keeping(flowGraph(process).nodes, promise).map((element) => element.id!);
}

/** A new task on the way out of `after`, drawn below it, as an analyst drops one on the flow. */
export function insertTask(diagram: EditableDiagram, after: string, task: Node) {
  const { element, container } = diagram.find(after)!;
  const flow = container.find((candidate) => candidate.$type === 'bpmn:SequenceFlow' && candidate.sourceRef === element)!;
  const target = flow.targetRef as Node;
  const onward = diagram.create('bpmn:SequenceFlow', { id: `Flow_${task.id}_Onward`, sourceRef: task, targetRef: target });
  flow.targetRef = task;
  task.incoming = [flow];
  task.outgoing = [onward];
  target.incoming = [...(target.incoming as Node[]).filter((incoming) => incoming !== flow), onward];
  container.push(task, onward);
  const plane = (diagram.definitions.diagrams as Node[])[0]!.plane;
  const shapeOf = (id: string) => (plane.planeElement as Node[]).find((shape) => shape.bpmnElement?.id === id)!;
  const from = shapeOf(element.id).bounds;
  const bounds = diagram.create('dc:Bounds', { x: from.x, y: from.y + 150, width: 100, height: 80 });
  const point = (x: number, y: number) => diagram.create('dc:Point', { x, y });
  plane.planeElement.push(
    diagram.create('bpmndi:BPMNShape', { id: `${task.id}_di`, bpmnElement: task, bounds }),
    diagram.create('bpmndi:BPMNEdge', { id: `${onward.id}_di`, bpmnElement: onward, waypoint: [point(bounds.x + 100, bounds.y + 40), point(bounds.x + 200, bounds.y + 40)] }),
  );
}

/** A `notification.send` task with its template, as the worker template in the modeler makes it. */
export function notificationTask(diagram: EditableDiagram, id: string, name: string, template: string): Node {
  const inputs = ['requestId', 'serviceId', 'districtId', 'trackingCode', 'citizen']
    .map((variable) => diagram.create('zeebe:Input', { source: `=${variable}`, target: variable }));
  return diagram.create('bpmn:ServiceTask', {
    id,
    name,
    extensionElements: diagram.create('bpmn:ExtensionElements', {
      values: [
        diagram.create('zeebe:TaskDefinition', { type: 'notification.send', retries: '3' }),
        diagram.create('zeebe:TaskHeaders', { values: [diagram.create('zeebe:Header', { key: 'template', value: template })] }),
        diagram.create('zeebe:IoMapping', { inputParameters: inputs }),
      ],
    }),
  });
}
