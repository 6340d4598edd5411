// BPMN 2.0 (Zeebe flavour) to a compact, validated process model. Everything
// the executor needs is resolved here once per deployment, so running an
// instance never touches the XML tree. Unsupported or incomplete models are
// rejected with the element id and the reason, as Zeebe's deploy does.
import { createRequire } from 'node:module';
import { BpmnModdle } from 'bpmn-moddle';
import { isExpression, syntaxProblem, expressionBody } from '../feel.ts';
import { deployLimits } from './limits.ts';
import { parseTimerLiteral } from './timers.ts';
import { unsupportedProblem } from './unsupported.ts';

const require = createRequire(import.meta.url);
const zeebeSchema = require('zeebe-bpmn-moddle/resources/zeebe.json') as Record<string, unknown>;

export class ModelError extends Error {}

export interface Mapping { source: string; target: string }

export interface Trigger {
  kind: 'none' | 'message' | 'timer' | 'signal' | 'error' | 'terminate';
  messageName?: string;
  correlationKey?: string;
  timer?: { type: 'timeDate' | 'timeDuration' | 'timeCycle'; value: string };
  signalName?: string;
  /** Error code; null on an error catch without code (catches everything). */
  errorCode?: string | null;
}

export interface JobDefinition { type: string; retries: string; headers: Record<string, string> }

export interface UserTaskDefinition {
  assignee?: string;
  candidateGroups?: string;
  candidateUsers?: string;
  formKey?: string;
  formId?: string;
  dueDate?: string;
  followUpDate?: string;
}

export interface LoopDefinition {
  sequential: boolean;
  inputCollection?: string;
  inputElement?: string;
  outputCollection?: string;
  outputElement?: string;
  completionCondition?: string;
}

export interface Flow { id: string; source: string; target: string; condition?: string }

export interface FlowNode {
  id: string;
  type: string;
  name?: string;
  /** Element id of the enclosing subprocess, or the process id. */
  scopeId: string;
  incoming: string[];
  outgoing: Flow[];
  defaultFlow?: string;
  trigger?: Trigger;
  job?: JobDefinition;
  userTask?: UserTaskDefinition;
  script?: { expression: string; resultVariable: string };
  decision?: { decisionId: string; resultVariable: string };
  call?: { processId: string; propagateAllChildVariables: boolean; propagateAllParentVariables: boolean };
  inputs: Mapping[];
  outputs: Mapping[];
  boundaries: string[];
  attachedTo?: string;
  interrupting: boolean;
  loop?: LoopDefinition;
  /** Scopes (process, subprocesses): their none start, other starts and event subprocesses. */
  noneStart?: string;
  eventSubprocesses: string[];
  /** Start events of a scope with a trigger (message/timer/signal start of the process). */
  startEvents: string[];
}

export interface ProcessModel {
  id: string;
  name?: string;
  nodes: Map<string, FlowNode>;
}

type El = any; // moddle element, read structurally

const unsupportedTypes = new Set([
  'bpmn:ComplexGateway', 'bpmn:Transaction', 'bpmn:AdHocSubProcess',
]);

function extensions(el: El, type: string): El[] {
  return (el.extensionElements?.values ?? []).filter((v: El) => v.$type === type);
}
function extension(el: El, type: string): El | undefined {
  return extensions(el, type)[0];
}

function checkExpression(elementId: string, value: string | undefined, what: string): void {
  if (!isExpression(value)) return;
  const problem = syntaxProblem(expressionBody(value));
  if (problem) throw new ModelError(`Element: ${elementId}: ${what}: ${problem}`);
}

function mappings(el: El, kind: 'inputParameters' | 'outputParameters'): Mapping[] {
  const io = extension(el, 'zeebe:IoMapping');
  return (io?.[kind] ?? []).map((p: El) => {
    if (!p.target) throw new ModelError(`Element: ${el.id}: an io mapping has no target`);
    const source = p.source ?? '=null';
    checkExpression(el.id, source, `io mapping '${p.target}'`);
    return { source, target: p.target };
  });
}

function triggerOf(el: El, isStart: boolean, scopeIsProcess: boolean): Trigger {
  const definitions: El[] = el.eventDefinitions ?? [];
  if (definitions.length > 1) throw new ModelError(`Element: ${el.id}: multiple event definitions are not supported`);
  const def = definitions[0];
  if (!def) return { kind: 'none' };
  switch (def.$type) {
    case 'bpmn:MessageEventDefinition': {
      const message = def.messageRef;
      if (!message?.name) throw new ModelError(`Element: ${el.id}: Must reference a message with a name`);
      checkExpression(el.id, message.name, 'message name');
      const subscription = extension(message, 'zeebe:Subscription');
      const correlationKey: string | undefined = subscription?.correlationKey;
      const needsKey = !(isStart && scopeIsProcess) && el.$type !== 'bpmn:EndEvent' && el.$type !== 'bpmn:IntermediateThrowEvent';
      if (needsKey) {
        if (!correlationKey) throw new ModelError(`Element: ${el.id}: Must have a correlation key (zeebe:subscription correlationKey)`);
        if (!isExpression(correlationKey)) throw new ModelError(`Element: ${el.id}: correlation key '${correlationKey}' must be an expression (start with '=')`);
        checkExpression(el.id, correlationKey, 'correlation key');
      }
      return { kind: 'message', messageName: message.name, correlationKey };
    }
    case 'bpmn:TimerEventDefinition': {
      const type = (['timeDate', 'timeDuration', 'timeCycle'] as const).find((t) => def[t]?.body);
      if (!type) throw new ModelError(`Element: ${el.id}: Must have a timer definition (timeDate, timeDuration or timeCycle)`);
      const value = String(def[type].body).trim();
      if (isExpression(value)) checkExpression(el.id, value, 'timer');
      else {
        const problem = parseTimerLiteral(type, value);
        if (typeof problem === 'string') throw new ModelError(`Element: ${el.id}: Invalid timer ${type} '${value}': ${problem}`);
      }
      if (isStart && scopeIsProcess && type === 'timeDuration') {
        // Zeebe accepts it: the start fires once, the duration after deployment.
      }
      return { kind: 'timer', timer: { type, value } };
    }
    case 'bpmn:SignalEventDefinition': {
      const name = def.signalRef?.name;
      if (!name) throw new ModelError(`Element: ${el.id}: Must reference a signal with a name`);
      return { kind: 'signal', signalName: name };
    }
    case 'bpmn:ErrorEventDefinition': {
      const code = def.errorRef?.errorCode ?? null;
      if (el.$type === 'bpmn:EndEvent' && !code) throw new ModelError(`Element: ${el.id}: An error end event must reference an error with an error code`);
      return { kind: 'error', errorCode: code };
    }
    case 'bpmn:TerminateEventDefinition':
      return { kind: 'terminate' };
    default:
      throw new ModelError(`Element: ${el.id}: Event definition of type '${def.$type.replace('bpmn:', '')}' is not supported`);
  }
}

function jobOf(el: El, required: boolean): JobDefinition | undefined {
  const def = extension(el, 'zeebe:TaskDefinition');
  if (!def) {
    if (required) throw new ModelError(`Element: ${el.id}: Must have exactly one 'zeebe:taskDefinition' extension element`);
    return undefined;
  }
  if (!def.type || String(def.type).trim() === '') throw new ModelError(`Element: ${el.id}: Must have a job type ('zeebe:taskDefinition' type)`);
  checkExpression(el.id, def.type, 'job type');
  const retries = def.retries ?? '3';
  checkExpression(el.id, retries, 'job retries');
  const headers: Record<string, string> = {};
  for (const header of extension(el, 'zeebe:TaskHeaders')?.values ?? []) {
    if (header.key) headers[header.key] = header.value ?? '';
  }
  return { type: def.type, retries, headers };
}

function userTaskOf(el: El): UserTaskDefinition {
  const assignment = extension(el, 'zeebe:AssignmentDefinition');
  const schedule = extension(el, 'zeebe:TaskSchedule');
  const form = extension(el, 'zeebe:FormDefinition');
  const definition: UserTaskDefinition = {
    assignee: assignment?.assignee, candidateGroups: assignment?.candidateGroups, candidateUsers: assignment?.candidateUsers,
    formKey: form?.formKey, formId: form?.formId, dueDate: schedule?.dueDate, followUpDate: schedule?.followUpDate,
  };
  for (const [what, value] of Object.entries(definition)) checkExpression(el.id, value, what);
  return definition;
}

/** One moddle for every parse: building its type registry was a third of parsing a diagram; each fromXML reads with its own reader. */
const moddle = new BpmnModdle({ zeebe: zeebeSchema });

/**
 * Parses and compiles a BPMN file, and says what in it the engine would not
 * run as Zeebe does (model/unsupported.ts). `refuseUnsupported` (deploy) makes
 * that a ModelError; stored resources are loaded without it.
 */
export async function parseBpmn(xml: string, options: { refuseUnsupported?: boolean } = {}): Promise<{ definitions: El; processes: ProcessModel[]; unsupported: string | null }> {
  let parsed;
  try {
    parsed = await moddle.fromXML(xml, 'bpmn:Definitions');
  } catch (error) {
    throw new ModelError(`Failed to parse BPMN XML: ${(error as Error).message}`);
  }
  const unresolved = parsed.warnings.filter((w) => /unresolved reference|unparsable content|unknown type/i.test(w.message));
  if (unresolved.length > 0) throw new ModelError(`Invalid BPMN: ${unresolved.map((w) => w.message).join('; ')}`);
  const definitions = parsed.rootElement;
  const executable = (definitions.rootElements ?? []).filter((r: El) => r.$type === 'bpmn:Process' && r.isExecutable !== false);
  if (executable.length === 0) throw new ModelError('Must contain at least one executable process');
  const processes = executable.map(compileProcess);
  const unsupported = unsupportedProblem(definitions, processes);
  if (unsupported && (options.refuseUnsupported ?? true)) throw new ModelError(unsupported);
  return { definitions, processes, unsupported };
}

function compileProcess(process: El): ProcessModel {
  const nodes = new Map<string, FlowNode>();
  const root: FlowNode = {
    id: process.id, type: 'process', name: process.name, scopeId: '', incoming: [], outgoing: [], inputs: [], outputs: [],
    boundaries: [], interrupting: true, eventSubprocesses: [], startEvents: [],
  };
  nodes.set(process.id, root);
  compileScope(process, root, nodes, true);
  return { id: process.id, name: process.name, nodes };
}

function compileScope(container: El, scope: FlowNode, nodes: Map<string, FlowNode>, isProcess: boolean): void {
  let depth = 0;
  for (let outer = scope; outer.scopeId; outer = nodes.get(outer.scopeId)!) depth++;
  if (depth > deployLimits.subprocessDepth) throw new ModelError(`Element: ${scope.id}: subprocesses are nested more than ${deployLimits.subprocessDepth} deep`);
  const elements: El[] = container.flowElements ?? [];
  if (nodes.size + elements.length > deployLimits.flowElements) throw new ModelError(`Element: ${scope.id}: the process has more than ${deployLimits.flowElements} flow elements`);
  const flows: El[] = elements.filter((e) => e.$type === 'bpmn:SequenceFlow');
  for (const el of elements) {
    if (el.$type === 'bpmn:SequenceFlow' || el.$type === 'bpmn:DataObjectReference' || el.$type === 'bpmn:DataStoreReference'
      || el.$type === 'bpmn:DataObject') continue;
    if (unsupportedTypes.has(el.$type)) throw new ModelError(`Element: ${el.id}: Elements of type '${el.$type.replace('bpmn:', '')}' are not supported`);
    const node: FlowNode = {
      id: el.id, type: el.$type.replace('bpmn:', '').replace(/^./, (c: string) => c.toLowerCase()), name: el.name,
      scopeId: scope.id, incoming: [], outgoing: [], inputs: mappings(el, 'inputParameters'), outputs: mappings(el, 'outputParameters'),
      boundaries: [], interrupting: true, eventSubprocesses: [], startEvents: [],
    };
    if (nodes.has(el.id)) throw new ModelError(`Element: ${el.id}: duplicate id`);
    nodes.set(el.id, node);
    compileNode(el, node, scope, nodes, isProcess);
  }
  for (const flow of flows) {
    const source = nodes.get(flow.sourceRef?.id);
    const target = nodes.get(flow.targetRef?.id);
    if (!source || !target) throw new ModelError(`Element: ${flow.id}: sequence flow must connect two elements of the same scope`);
    const condition = flow.conditionExpression?.body?.trim();
    if (condition) {
      if (!isExpression(condition)) throw new ModelError(`Element: ${flow.id}: condition '${condition}' must be an expression (start with '=')`);
      checkExpression(flow.id, condition, 'condition');
    }
    const compiled: Flow = { id: flow.id, source: source.id, target: target.id, condition: condition || undefined };
    source.outgoing.push(compiled);
    target.incoming.push(flow.id);
  }
  for (const el of elements) validateNode(el, nodes.get(el.id), nodes);
}

function compileNode(el: El, node: FlowNode, scope: FlowNode, nodes: Map<string, FlowNode>, inProcess: boolean): void {
  switch (el.$type) {
    case 'bpmn:StartEvent': {
      node.trigger = triggerOf(el, true, inProcess);
      node.interrupting = el.isInterrupting !== false;
      if (node.trigger.kind === 'none') {
        if (scope.noneStart) throw new ModelError(`Element: ${el.id}: Must have at most one none start event in a scope`);
        scope.noneStart = el.id;
      } else scope.startEvents.push(el.id);
      break;
    }
    case 'bpmn:EndEvent': {
      node.trigger = triggerOf(el, false, inProcess);
      if (node.trigger.kind === 'message') node.job = jobOf(el, true);
      else if (!['none', 'error', 'terminate', 'signal'].includes(node.trigger.kind)) {
        throw new ModelError(`Element: ${el.id}: end events of kind '${node.trigger.kind}' are not supported`);
      }
      break;
    }
    case 'bpmn:IntermediateThrowEvent': {
      node.trigger = triggerOf(el, false, inProcess);
      if (node.trigger.kind === 'message') node.job = jobOf(el, true);
      else if (!['none', 'signal'].includes(node.trigger.kind)) throw new ModelError(`Element: ${el.id}: intermediate throw events of kind '${node.trigger.kind}' are not supported`);
      break;
    }
    case 'bpmn:IntermediateCatchEvent': {
      node.trigger = triggerOf(el, false, inProcess);
      if (!['message', 'timer', 'signal'].includes(node.trigger.kind)) throw new ModelError(`Element: ${el.id}: intermediate catch events must be message, timer or signal events`);
      break;
    }
    case 'bpmn:BoundaryEvent': {
      node.trigger = triggerOf(el, false, inProcess);
      if (!['message', 'timer', 'signal', 'error'].includes(node.trigger.kind)) throw new ModelError(`Element: ${el.id}: boundary events must be error, message, timer or signal events`);
      node.attachedTo = el.attachedToRef?.id;
      node.interrupting = el.cancelActivity !== false;
      if (node.trigger.kind === 'error' && !node.interrupting) throw new ModelError(`Element: ${el.id}: error boundary events must be interrupting`);
      break;
    }
    case 'bpmn:ServiceTask':
    case 'bpmn:SendTask':
      node.job = jobOf(el, true);
      break;
    case 'bpmn:ScriptTask': {
      const script = extension(el, 'zeebe:Script');
      if (script) {
        if (!isExpression(script.expression)) throw new ModelError(`Element: ${el.id}: script must be a FEEL expression (start with '=')`);
        if (!script.resultVariable) throw new ModelError(`Element: ${el.id}: script must have a result variable`);
        checkExpression(el.id, script.expression, 'script');
        node.script = { expression: script.expression, resultVariable: script.resultVariable };
      } else node.job = jobOf(el, true);
      break;
    }
    case 'bpmn:BusinessRuleTask': {
      const called = extension(el, 'zeebe:CalledDecision');
      if (called) {
        if (!called.decisionId) throw new ModelError(`Element: ${el.id}: Must have a decision id ('zeebe:calledDecision' decisionId)`);
        if (!called.resultVariable) throw new ModelError(`Element: ${el.id}: Must have a result variable ('zeebe:calledDecision' resultVariable)`);
        checkExpression(el.id, called.decisionId, 'decision id');
        node.decision = { decisionId: called.decisionId, resultVariable: called.resultVariable };
      } else node.job = jobOf(el, true);
      break;
    }
    case 'bpmn:UserTask': {
      node.userTask = userTaskOf(el);
      break;
    }
    case 'bpmn:ReceiveTask': {
      const message = el.messageRef;
      if (!message?.name) throw new ModelError(`Element: ${el.id}: Must reference a message with a name`);
      const key = extension(message, 'zeebe:Subscription')?.correlationKey;
      if (!key) throw new ModelError(`Element: ${el.id}: Must have a correlation key (zeebe:subscription correlationKey)`);
      if (!isExpression(key)) throw new ModelError(`Element: ${el.id}: correlation key '${key}' must be an expression (start with '=')`);
      checkExpression(el.id, key, 'correlation key');
      node.trigger = { kind: 'message', messageName: message.name, correlationKey: key };
      break;
    }
    case 'bpmn:Task':
    case 'bpmn:ManualTask':
    case 'bpmn:ExclusiveGateway':
    case 'bpmn:ParallelGateway':
    case 'bpmn:InclusiveGateway':
    case 'bpmn:EventBasedGateway':
      break;
    case 'bpmn:SubProcess': {
      if (el.triggeredByEvent) {
        node.type = 'eventSubProcess';
        scope.eventSubprocesses.push(el.id);
      }
      compileScope(el, node, nodes, false);
      if (el.triggeredByEvent) {
        const start = node.startEvents[0];
        if (node.startEvents.length !== 1 || node.noneStart) throw new ModelError(`Element: ${el.id}: an event subprocess must have exactly one start event with a trigger`);
        const startNode = nodes.get(start)!;
        if (startNode.trigger!.kind === 'error' && !startNode.interrupting) throw new ModelError(`Element: ${start}: error start events must be interrupting`);
      } else if (!node.noneStart) throw new ModelError(`Element: ${el.id}: an embedded subprocess must have a none start event`);
      else if (node.startEvents.length > 0) throw new ModelError(`Element: ${el.id}: an embedded subprocess may only have a none start event`);
      break;
    }
    case 'bpmn:CallActivity': {
      const called = extension(el, 'zeebe:CalledElement');
      if (!called?.processId) throw new ModelError(`Element: ${el.id}: Must have a process id ('zeebe:calledElement' processId)`);
      checkExpression(el.id, called.processId, 'called process id');
      node.call = {
        processId: called.processId,
        propagateAllChildVariables: called.propagateAllChildVariables !== false && called.propagateAllChildVariables !== 'false',
        propagateAllParentVariables: called.propagateAllParentVariables !== false && called.propagateAllParentVariables !== 'false',
      };
      break;
    }
    default:
      throw new ModelError(`Element: ${el.id}: Elements of type '${String(el.$type).replace('bpmn:', '')}' are not supported`);
  }
  const loop = el.loopCharacteristics;
  if (loop) {
    if (loop.$type !== 'bpmn:MultiInstanceLoopCharacteristics') throw new ModelError(`Element: ${el.id}: only multi-instance loops are supported`);
    const zeebeLoop = extension(loop, 'zeebe:LoopCharacteristics');
    if (!zeebeLoop?.inputCollection) throw new ModelError(`Element: ${el.id}: Must have an input collection expression ('zeebe:loopCharacteristics' inputCollection)`);
    if (!isExpression(zeebeLoop.inputCollection)) throw new ModelError(`Element: ${el.id}: input collection must be an expression (start with '=')`);
    checkExpression(el.id, zeebeLoop.inputCollection, 'input collection');
    checkExpression(el.id, zeebeLoop.outputElement, 'output element');
    const completion = loop.completionCondition?.body?.trim();
    checkExpression(el.id, completion, 'completion condition');
    if (zeebeLoop.outputCollection && !zeebeLoop.outputElement) throw new ModelError(`Element: ${el.id}: an output collection needs an output element`);
    node.loop = {
      sequential: loop.isSequential === true, inputCollection: zeebeLoop.inputCollection, inputElement: zeebeLoop.inputElement,
      outputCollection: zeebeLoop.outputCollection, outputElement: zeebeLoop.outputElement, completionCondition: completion || undefined,
    };
  }
  if (node.userTask) {
    // Job-worker user tasks: Zeebe's fixed job type, no task definition of their own.
    node.job = { type: 'io.camunda.zeebe:userTask', retries: '1', headers: {} };
    for (const header of extension(el, 'zeebe:TaskHeaders')?.values ?? []) if (header.key) node.job.headers[header.key] = header.value ?? '';
  }
}

function validateNode(el: El, node: FlowNode | undefined, nodes: Map<string, FlowNode>): void {
  if (!node) return;
  if (node.type === 'boundaryEvent') {
    const host = node.attachedTo ? nodes.get(node.attachedTo) : undefined;
    if (!host) throw new ModelError(`Element: ${node.id}: Must be attached to an activity`);
    host.boundaries.push(node.id);
    if (node.outgoing.length === 0 && node.trigger?.kind !== 'error') {
      // allowed: the token ends there
    }
  }
  if (node.type === 'exclusiveGateway' && node.outgoing.length > 1) {
    node.defaultFlow = el.default?.id;
    for (const flow of node.outgoing) {
      if (!flow.condition && flow.id !== node.defaultFlow) throw new ModelError(`Element: ${flow.id}: Must have a condition or be default flow`);
    }
  }
  if (node.type === 'inclusiveGateway') {
    node.defaultFlow = el.default?.id;
    if (node.outgoing.length > 1) {
      for (const flow of node.outgoing) {
        if (!flow.condition && flow.id !== node.defaultFlow) throw new ModelError(`Element: ${flow.id}: Must have a condition or be default flow`);
      }
    }
  }
  if (node.type === 'eventBasedGateway') {
    if (node.outgoing.length < 2) throw new ModelError(`Element: ${node.id}: Event-based gateway must have at least 2 outgoing sequence flows`);
    for (const flow of node.outgoing) {
      const target = nodes.get(flow.target);
      if (target?.type !== 'intermediateCatchEvent' && target?.type !== 'receiveTask') {
        throw new ModelError(`Element: ${node.id}: Event-based gateway must be followed by intermediate catch events or receive tasks`);
      }
    }
  }
  if (node.type === 'startEvent' && node.incoming.length > 0) throw new ModelError(`Element: ${node.id}: start events must not have incoming sequence flows`);
}
