// A small BPMN writer for the diagram generator: flow nodes placed on a grid,
// orthogonal edges, Zeebe extension elements, and diagram interchange for
// every shape and edge, so the output opens in bpmn-js and Camunda Modeler.

export type NodeType =
  | 'startEvent'
  | 'endEvent'
  | 'intermediateCatchEvent'
  | 'boundaryEvent'
  | 'serviceTask'
  | 'userTask'
  | 'callActivity'
  | 'exclusiveGateway'
  | 'eventBasedGateway'
  | 'subProcess';

export type EventDefinition =
  | { kind: 'message'; messageId: string }
  | { kind: 'timer'; date?: string; duration?: string }
  | { kind: 'error'; errorId?: string };

export interface NodeSpec {
  id: string;
  type: NodeType;
  name: string;
  /** Grid column and row inside the node's container; row 0 is the main line. */
  col: number;
  row: number;
  /** Inner XML of <bpmn:extensionElements>. */
  extensions?: string;
  event?: EventDefinition;
  attachedTo?: string;
  /** Boundary side and horizontal offset (-1..1) along the host's edge. */
  side?: 'top' | 'bottom';
  offset?: number;
  interrupting?: boolean;
  attributes?: Record<string, string>;
  /** `right`: an event's label beside it, clear of a flow that leaves from its bottom. */
  label?: 'right';
}

export interface FlowSpec {
  id: string;
  from: string;
  to: string;
  name?: string;
  condition?: string;
  /**
   * `below`: a loop back that runs under the row of its source; `down`:
   * leaves the source downwards before turning, like a gateway's branch, so
   * it does not run back along the flow that entered the source.
   */
  route?: 'below' | 'down';
}

interface Bounds { x: number; y: number; width: number; height: number }

const sizes: Record<NodeType, [number, number]> = {
  startEvent: [36, 36],
  endEvent: [36, 36],
  intermediateCatchEvent: [36, 36],
  boundaryEvent: [36, 36],
  serviceTask: [100, 80],
  userTask: [100, 80],
  callActivity: [100, 80],
  exclusiveGateway: [50, 50],
  eventBasedGateway: [50, 50],
  subProcess: [0, 0],
};

export const columnWidth = 150;
export const rowHeight = 130;

export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&#34;');
}

/** A process or an event subprocess: nodes and flows laid out on one grid. */
export class Container {
  readonly nodes: NodeSpec[] = [];
  readonly flows: FlowSpec[] = [];
  readonly children: Array<{ node: NodeSpec; container: Container; triggeredByEvent: boolean }> = [];

  constructor(readonly id: string) {}

  add(node: NodeSpec): this {
    if (this.nodes.some((existing) => existing.id === node.id)) throw new Error(`duplicate id ${node.id} in ${this.id}`);
    this.nodes.push(node);
    return this;
  }

  /** Connects nodes in order with flows named Flow_<from>_<to> unless given. */
  chain(...ids: string[]): this {
    for (let i = 1; i < ids.length; i++) this.connect(ids[i - 1]!, ids[i]!);
    return this;
  }

  connect(from: string, to: string, options: Omit<FlowSpec, 'id' | 'from' | 'to'> & { id?: string } = {}): this {
    const id = options.id ?? `Flow_${stripPrefix(from)}_To_${stripPrefix(to)}`;
    this.flows.push({ ...options, id, from, to });
    return this;
  }

  eventSubProcess(node: Omit<NodeSpec, 'type'>, build: (inner: Container) => void): this {
    const container = new Container(node.id);
    build(container);
    const spec: NodeSpec = { ...node, type: 'subProcess' };
    this.nodes.push(spec);
    this.children.push({ node: spec, container, triggeredByEvent: true });
    return this;
  }

  node(id: string): NodeSpec {
    const found = this.nodes.find((node) => node.id === id);
    if (!found) throw new Error(`no node ${id} in ${this.id}`);
    return found;
  }
}

function stripPrefix(id: string): string {
  return id.replace(/^[A-Za-z]+_/, '');
}

interface Placed { bounds: Map<string, Bounds>; size: { width: number; height: number } }

const padding = 40;

/** Grid coordinates to bounds; event subprocesses are sized by their content. */
function place(container: Container, origin: { x: number; y: number }, bounds: Map<string, Bounds>): { width: number; height: number } {
  const own = container.nodes.filter((node) => node.type !== 'boundaryEvent' && node.type !== 'subProcess');
  const rows = own.map((node) => node.row);
  const minRow = Math.min(0, ...rows);
  const maxRow = Math.max(0, ...rows);
  const maxCol = Math.max(0, ...own.map((node) => node.col));
  const centre = (node: NodeSpec) => ({
    x: origin.x + padding + node.col * columnWidth + 50,
    y: origin.y + padding + (node.row - minRow) * rowHeight + 40,
  });
  for (const node of own) {
    const [width, height] = sizes[node.type];
    const { x, y } = centre(node);
    bounds.set(node.id, { x: x - width / 2, y: y - height / 2, width, height });
  }
  for (const node of container.nodes.filter((candidate) => candidate.type === 'boundaryEvent')) {
    const host = bounds.get(node.attachedTo!);
    if (!host) throw new Error(`boundary ${node.id} attached to unknown ${node.attachedTo}`);
    const x = host.x + host.width / 2 + (node.offset ?? 0) * (host.width / 2 - 18) - 18;
    const y = (node.side === 'top' ? host.y : host.y + host.height) - 18;
    bounds.set(node.id, { x, y, width: 36, height: 36 });
  }
  let width = padding * 2 + (maxCol + 1) * columnWidth - 50;
  let height = padding * 2 + (maxRow - minRow) * rowHeight + 80 + 20;
  // Event subprocesses sit side by side below the main grid.
  let x = origin.x + padding;
  const y = origin.y + height;
  for (const child of container.children) {
    const size = place(child.container, { x, y }, bounds);
    bounds.set(child.node.id, { x, y, width: size.width, height: size.height });
    x += size.width + 40;
    width = Math.max(width, x - origin.x);
    height = Math.max(height, y - origin.y + size.height + padding);
  }
  return { width, height };
}

type Point = [number, number];

function route(flow: FlowSpec, source: NodeSpec, s: Bounds, t: Bounds): Point[] {
  const sc: Point = [s.x + s.width / 2, s.y + s.height / 2];
  const tc: Point = [t.x + t.width / 2, t.y + t.height / 2];
  const forward = tc[0] >= sc[0];
  if (flow.route === 'below') {
    const loopY = Math.max(s.y + s.height, t.y + t.height) + 45;
    return [[sc[0], s.y + s.height], [sc[0], loopY], [tc[0], loopY], [tc[0], t.y + t.height]];
  }
  if (Math.abs(sc[1] - tc[1]) < 1) {
    return forward ? [[s.x + s.width, sc[1]], [t.x, tc[1]]] : [[s.x, sc[1]], [t.x + t.width, tc[1]]];
  }
  const down = tc[1] > sc[1];
  if (Math.abs(sc[0] - tc[0]) < 1) return down ? [[sc[0], s.y + s.height], [tc[0], t.y]] : [[sc[0], s.y], [tc[0], t.y + t.height]];
  const branching = source.type === 'boundaryEvent' || source.type.endsWith('Gateway') || flow.route === 'down';
  if (branching) {
    const start: Point = [sc[0], down ? s.y + s.height : s.y];
    return [start, [sc[0], tc[1]], [forward ? t.x : t.x + t.width, tc[1]]];
  }
  const start: Point = [forward ? s.x + s.width : s.x, sc[1]];
  return [start, [tc[0], sc[1]], [tc[0], down ? t.y : t.y + t.height]];
}

function eventDefinitionXml(node: NodeSpec): string {
  const event = node.event;
  if (!event) return '';
  const id = `${node.id}_Definition`;
  switch (event.kind) {
    case 'message':
      return `<bpmn:messageEventDefinition id="${id}" messageRef="${event.messageId}" />`;
    case 'error':
      return event.errorId ? `<bpmn:errorEventDefinition id="${id}" errorRef="${event.errorId}" />` : `<bpmn:errorEventDefinition id="${id}" />`;
    case 'timer': {
      const body = event.date !== undefined
        ? `<bpmn:timeDate xsi:type="bpmn:tFormalExpression">${escapeXml(event.date)}</bpmn:timeDate>`
        : `<bpmn:timeDuration xsi:type="bpmn:tFormalExpression">${escapeXml(event.duration!)}</bpmn:timeDuration>`;
      return `<bpmn:timerEventDefinition id="${id}">${body}</bpmn:timerEventDefinition>`;
    }
  }
}

function indent(lines: string[], depth: number): string[] {
  return lines.map((line) => `${'  '.repeat(depth)}${line}`);
}

function containerXml(container: Container): string[] {
  const lines: string[] = [];
  for (const node of container.nodes) {
    const attributes: Record<string, string> = { id: node.id, name: node.name, ...(node.attributes ?? {}) };
    if (node.type === 'boundaryEvent') {
      if (node.interrupting === false) attributes.cancelActivity = 'false';
      attributes.attachedToRef = node.attachedTo!;
    }
    const child = container.children.find((candidate) => candidate.node === node);
    if (child?.triggeredByEvent) attributes.triggeredByEvent = 'true';
    if (node.type === 'startEvent' && node.interrupting === false) attributes.isInterrupting = 'false';
    const attributeText = Object.entries(attributes).map(([key, value]) => ` ${key}="${escapeXml(value)}"`).join('');
    const body: string[] = [];
    if (node.extensions) body.push('<bpmn:extensionElements>', ...indent(node.extensions.split('\n'), 1), '</bpmn:extensionElements>');
    for (const flow of container.flows) if (flow.to === node.id) body.push(`<bpmn:incoming>${flow.id}</bpmn:incoming>`);
    for (const flow of container.flows) if (flow.from === node.id) body.push(`<bpmn:outgoing>${flow.id}</bpmn:outgoing>`);
    if (child) body.push(...containerXml(child.container));
    const definition = eventDefinitionXml(node);
    if (definition) body.push(definition);
    lines.push(`<bpmn:${node.type}${attributeText}>`, ...indent(body, 1), `</bpmn:${node.type}>`);
  }
  for (const flow of container.flows) {
    const name = flow.name ? ` name="${escapeXml(flow.name)}"` : '';
    const head = `<bpmn:sequenceFlow id="${flow.id}"${name} sourceRef="${flow.from}" targetRef="${flow.to}"`;
    if (flow.condition) {
      lines.push(`${head}>`, `  <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">${escapeXml(flow.condition)}</bpmn:conditionExpression>`, '</bpmn:sequenceFlow>');
    } else lines.push(`${head} />`);
  }
  return lines;
}

/**
 * External labels: below events, above gateways (their branches leave
 * downwards), and beside boundary events on a task's top edge.
 */
function labelBounds(node: NodeSpec, b: Bounds): Bounds {
  const width = Math.min(110, Math.max(40, node.name.length * 6));
  if (node.label === 'right') return { x: Math.round(b.x + b.width + 4), y: Math.round(b.y + b.height / 2 - 13), width, height: 27 };
  if (node.type === 'boundaryEvent' && node.side === 'top') return { x: Math.round(b.x - width - 2), y: Math.round(b.y - 20), width, height: 27 };
  if (node.type.endsWith('Gateway')) return { x: Math.round(b.x + b.width / 2 - width / 2), y: Math.round(b.y - 33), width, height: 27 };
  return { x: Math.round(b.x + b.width / 2 - width / 2), y: Math.round(b.y + b.height + 6), width, height: 27 };
}

function boundsXml(b: Bounds): string {
  return `<dc:Bounds x="${Math.round(b.x)}" y="${Math.round(b.y)}" width="${Math.round(b.width)}" height="${Math.round(b.height)}" />`;
}

function diagramXml(container: Container, bounds: Map<string, Bounds>): string[] {
  const lines: string[] = [];
  for (const node of container.nodes) {
    const b = bounds.get(node.id)!;
    const child = container.children.find((candidate) => candidate.node === node);
    const expanded = child ? ' isExpanded="true"' : '';
    const marker = node.type === 'exclusiveGateway' ? ' isMarkerVisible="true"' : '';
    const external = node.type.endsWith('Event') || node.type.endsWith('Gateway');
    lines.push(`<bpmndi:BPMNShape id="${node.id}_di" bpmnElement="${node.id}"${expanded}${marker}>`, `  ${boundsXml(b)}`);
    if (external) lines.push('  <bpmndi:BPMNLabel>', `    ${boundsXml(labelBounds(node, b))}`, '  </bpmndi:BPMNLabel>');
    lines.push('</bpmndi:BPMNShape>');
    if (child) lines.push(...diagramXml(child.container, bounds));
  }
  for (const flow of container.flows) {
    const points = route(flow, container.node(flow.from), bounds.get(flow.from)!, bounds.get(flow.to)!);
    lines.push(`<bpmndi:BPMNEdge id="${flow.id}_di" bpmnElement="${flow.id}">`);
    for (const [x, y] of points) lines.push(`  <di:waypoint x="${Math.round(x)}" y="${Math.round(y)}" />`);
    if (flow.name) {
      const [[x1, y1], [x2, y2]] = points as [Point, Point];
      const vertical = Math.abs(x1 - x2) < 1;
      const label: Bounds = vertical
        ? { x: x1 + 6, y: y2 - 22, width: 70, height: 14 }
        : { x: Math.min(x1, x2) + 10, y: y1 + 4, width: 70, height: 14 };
      lines.push('  <bpmndi:BPMNLabel>', `    ${boundsXml(label)}`, '  </bpmndi:BPMNLabel>');
    }
    lines.push('</bpmndi:BPMNEdge>');
  }
  return lines;
}

export interface RootElements {
  messages: Array<{ id: string; name: string; correlationKey: string }>;
  errors: Array<{ id: string; name: string; code: string }>;
}

export function definitionsXml(process: Container, name: string, roots: RootElements, documentation?: string): string {
  const bounds = new Map<string, Bounds>();
  place(process, { x: 120, y: 60 }, bounds);
  const doc = documentation ? [`  <bpmn:documentation>${escapeXml(documentation)}</bpmn:documentation>`] : [];
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" '
      + 'xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:di="http://www.omg.org/spec/DD/20100524/DI" '
      + 'xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" xmlns:modeler="http://camunda.org/schema/modeler/1.0" '
      + 'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
      + `id="Definitions_${process.id.replace(/-/g, '_')}" targetNamespace="https://shahrdari.example/processes" `
      + 'exporter="shahrdari processes/tools/generate-diagrams.ts" exporterVersion="1" '
      + 'modeler:executionPlatform="Camunda Cloud" modeler:executionPlatformVersion="8.6.0">',
    `  <bpmn:process id="${process.id}" name="${escapeXml(name)}" isExecutable="true">`,
    ...doc,
    ...indent(containerXml(process), 2),
    '  </bpmn:process>',
    ...roots.messages.flatMap((message) => [
      `  <bpmn:message id="${message.id}" name="${message.name}">`,
      '    <bpmn:extensionElements>',
      `      <zeebe:subscription correlationKey="${escapeXml(message.correlationKey)}" />`,
      '    </bpmn:extensionElements>',
      '  </bpmn:message>',
    ]),
    ...roots.errors.map((error) => `  <bpmn:error id="${error.id}" name="${escapeXml(error.name)}" errorCode="${error.code}" />`),
    `  <bpmndi:BPMNDiagram id="BPMNDiagram_${process.id.replace(/-/g, '_')}">`,
    `    <bpmndi:BPMNPlane id="BPMNPlane_${process.id.replace(/-/g, '_')}" bpmnElement="${process.id}">`,
    ...indent(diagramXml(process, bounds), 3),
    '    </bpmndi:BPMNPlane>',
    '  </bpmndi:BPMNDiagram>',
    '</bpmn:definitions>',
    '',
  ].join('\n');
}
