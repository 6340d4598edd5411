// Reads the committed diagrams with zeebe-bpmn-moddle and summarises what the
// consistency checks and the workers' tests need: ids, job types, forms,
// messages, called processes, error catches and diagram interchange.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { BpmnModdle } from 'bpmn-moddle';
import { sourcePath } from '../platform/paths.ts';

const require = createRequire(import.meta.url);
const zeebeSchema = require('zeebe-bpmn-moddle/resources/zeebe.json') as Record<string, unknown>;
const moddle = new BpmnModdle({ zeebe: zeebeSchema });

export const processesDirectory = sourcePath(import.meta.url);

export interface DiagramFile {
  /** File name without `.bpmn`: the process id it must define. */
  id: string;
  file: string;
  shared: boolean;
}

export function listDiagrams(directory = processesDirectory): DiagramFile[] {
  const found: DiagramFile[] = [];
  for (const [folder, shared] of [[directory, false], [path.join(directory, 'shared'), true]] as const) {
    if (!fs.existsSync(folder)) continue;
    for (const name of fs.readdirSync(folder).sort()) {
      if (name.endsWith('.bpmn')) found.push({ id: name.slice(0, -'.bpmn'.length), file: path.join(folder, name), shared });
    }
  }
  return found;
}

/** A moddle element, loosely typed: the summary reads a handful of properties. */
export interface Element {
  $type: string;
  id: string;
  name?: string;
  [property: string]: unknown;
}

export interface Diagram {
  processIds: string[];
  warnings: string[];
  /** Every flow element, nested ones (event subprocesses) included. */
  elements: Element[];
  /** Ids with a BPMNShape or BPMNEdge, and the waypoint count of each edge. */
  shapes: Set<string>;
  edges: Map<string, number>;
  messages: Array<{ id: string; name?: string; correlationKey?: string }>;
  errors: Array<{ id: string; code?: string }>;
  jobTypes: Array<{ elementId: string; type: string; headers: Record<string, string>; inputs: Record<string, string> }>;
  userTasks: Array<{ elementId: string; formId?: string; formKey?: string; candidateGroups?: string; assignee?: string }>;
  calls: Array<{ elementId: string; processId: string; propagateAllChildVariables: boolean; inputs: Record<string, string> }>;
  /** Error codes caught by boundary events, by the element they are attached to. */
  caughtAt: Array<{ elementId: string; attachedTo?: string; code?: string }>;
  /** Error codes thrown by error end events. */
  thrown: string[];
}

function extensionValues(element: Element): Element[] {
  return ((element.extensionElements as { values?: Element[] } | undefined)?.values ?? []);
}

function extension(element: Element, type: string): Element | undefined {
  return extensionValues(element).find((value) => value.$type === type);
}

function io(element: Element): { inputs: Record<string, string> } {
  const mapping = extension(element, 'zeebe:IoMapping');
  const inputs = (mapping?.inputParameters as Element[] | undefined) ?? [];
  return { inputs: Object.fromEntries(inputs.map((input) => [String(input.target), String(input.source)])) };
}

function flowElements(container: Element): Element[] {
  const own = (container.flowElements as Element[] | undefined) ?? [];
  return own.flatMap((element) => [element, ...(element.$type === 'bpmn:SubProcess' ? flowElements(element) : [])]);
}

export async function readDiagram(xml: string): Promise<Diagram> {
  const { rootElement, warnings } = await moddle.fromXML(xml, 'bpmn:Definitions');
  const definitions = rootElement as unknown as Element & { rootElements: Element[]; diagrams?: Array<{ plane: { planeElement?: Element[] } }> };
  const processes = definitions.rootElements.filter((root) => root.$type === 'bpmn:Process');
  const elements = processes.flatMap(flowElements);
  const shapes = new Set<string>();
  const edges = new Map<string, number>();
  for (const diagram of definitions.diagrams ?? []) {
    for (const planeElement of diagram.plane.planeElement ?? []) {
      const target = (planeElement.bpmnElement as Element | undefined)?.id;
      if (!target) continue;
      if (planeElement.$type === 'bpmndi:BPMNEdge') edges.set(target, ((planeElement.waypoint as unknown[]) ?? []).length);
      else shapes.add(target);
    }
  }
  const errorOf = (element: Element) => {
    const definition = ((element.eventDefinitions as Element[] | undefined) ?? []).find((candidate) => candidate.$type === 'bpmn:ErrorEventDefinition');
    return definition ? { code: (definition.errorRef as Element | undefined)?.errorCode as string | undefined } : undefined;
  };
  const summary: Diagram = {
    processIds: processes.map((process) => process.id),
    warnings: warnings.map((warning: { message: string }) => warning.message),
    elements,
    shapes,
    edges,
    messages: definitions.rootElements.filter((root) => root.$type === 'bpmn:Message').map((message) => ({
      id: message.id,
      name: message.name,
      correlationKey: extension(message, 'zeebe:Subscription')?.correlationKey as string | undefined,
    })),
    errors: definitions.rootElements.filter((root) => root.$type === 'bpmn:Error').map((error) => ({ id: error.id, code: error.errorCode as string | undefined })),
    jobTypes: [],
    userTasks: [],
    calls: [],
    caughtAt: [],
    thrown: [],
  };
  for (const element of elements) {
    const task = extension(element, 'zeebe:TaskDefinition');
    if (task) {
      const headerValues = ((extension(element, 'zeebe:TaskHeaders')?.values as Element[] | undefined) ?? []);
      summary.jobTypes.push({
        elementId: element.id,
        type: String(task.type),
        headers: Object.fromEntries(headerValues.map((header) => [String(header.key), String(header.value)])),
        ...io(element),
      });
    }
    if (element.$type === 'bpmn:UserTask') {
      const form = extension(element, 'zeebe:FormDefinition');
      const assignment = extension(element, 'zeebe:AssignmentDefinition');
      summary.userTasks.push({
        elementId: element.id,
        formId: form?.formId as string | undefined,
        formKey: form?.formKey as string | undefined,
        candidateGroups: assignment?.candidateGroups as string | undefined,
        assignee: assignment?.assignee as string | undefined,
      });
    }
    if (element.$type === 'bpmn:CallActivity') {
      const called = extension(element, 'zeebe:CalledElement');
      summary.calls.push({
        elementId: element.id,
        processId: String(called?.processId),
        propagateAllChildVariables: called?.propagateAllChildVariables !== false,
        ...io(element),
      });
    }
    const error = errorOf(element);
    if (error && (element.$type === 'bpmn:BoundaryEvent' || element.$type === 'bpmn:StartEvent')) {
      summary.caughtAt.push({ elementId: element.id, attachedTo: (element.attachedToRef as Element | undefined)?.id, code: error.code });
    }
    if (error && element.$type === 'bpmn:EndEvent' && error.code) summary.thrown.push(error.code);
  }
  return summary;
}

/** Every job type the committed diagrams use: the workers must register them all. */
export async function usedJobTypes(directory = processesDirectory): Promise<string[]> {
  const types = new Set<string>();
  for (const diagram of listDiagrams(directory)) {
    for (const job of (await readDiagram(fs.readFileSync(diagram.file, 'utf8'))).jobTypes) types.add(job.type);
  }
  return [...types].sort();
}
