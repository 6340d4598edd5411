// What a diagram may say that Zeebe would act on but this engine would not:
// extension elements and attributes it does not read, and BPMN it would
// quietly treat differently. Deploy refuses them with the element and the
// reason, so a diagram never runs differently here than on Zeebe without
// anyone knowing (Zeebe's own rule for what it does not support).
//
// Diagrams stored before a refusal was added still load (deployments.ts
// compiles stored resources without this check), so an upgrade never strands
// running instances.
import { isExpression } from '../feel.ts';
import type { FlowNode, ProcessModel } from './bpmn.ts';

type El = any; // moddle element, read structurally

/** Why each Zeebe extension element is refused wherever the engine does not read it. */
const refusedExtensions: Record<string, string> = {
  'zeebe:UserTask': 'a Camunda user task (<zeebe:userTask/>) runs on Zeebe 8.5+ without a job, which this engine and the project\'s workers do not serve: '
    + 'remove it to make a job-worker user task (implementation "Job worker" in the modeler)',
  'zeebe:ExecutionListeners': 'execution listeners are not run by this engine',
  'zeebe:TaskListeners': 'task listeners are not run by this engine (Zeebe runs them for Camunda user tasks only)',
  'zeebe:VersionTag': 'version tags are not kept by this engine, so nothing could bind to one',
  'zeebe:PriorityDefinition': 'user task priority is not kept by this engine',
  'zeebe:JobPriorityDefinition': 'job priority is not supported by this engine',
  'zeebe:LinkedResources': 'linked resources are not supported by this engine',
  'zeebe:AdHoc': 'ad-hoc subprocesses are not supported by this engine',
  'zeebe:ConditionalFilter': 'conditional events are not supported by this engine',
  'zeebe:AgentDefinition': 'AI agent definitions are not supported by this engine',
};

/** Extension elements that change nothing at run time, in Zeebe as here. */
const metadataExtensions = new Set(['zeebe:Properties']);

/** The Zeebe extension elements the engine reads on an element, given what it compiled from it. */
function readExtensions(el: El, node: FlowNode | undefined, isProcess: boolean): Set<string> {
  const read = new Set<string>();
  if (isProcess) {
    read.add('zeebe:UserTaskForm'); // embedded forms, referenced by a user task's formKey header
    return read;
  }
  if (!node) return read;
  read.add('zeebe:IoMapping');
  if (node.userTask) {
    for (const type of ['zeebe:AssignmentDefinition', 'zeebe:TaskSchedule', 'zeebe:FormDefinition', 'zeebe:TaskHeaders']) read.add(type);
  } else if (node.job) {
    read.add('zeebe:TaskDefinition');
    read.add('zeebe:TaskHeaders');
  }
  if (node.script) read.add('zeebe:Script');
  if (node.decision) read.add('zeebe:CalledDecision');
  if (node.call) read.add('zeebe:CalledElement');
  // A start form: Tasklist shows it before starting; Zeebe's engine, like this one, does nothing with it.
  if (el.$type === 'bpmn:StartEvent' && node.trigger?.kind === 'none') read.add('zeebe:FormDefinition');
  return read;
}

function extensionProblem(el: El, ext: El, read: Set<string>): string | null {
  const type: string = ext.$type;
  if (!type.startsWith('zeebe:') || metadataExtensions.has(type)) return null; // other namespaces: Zeebe ignores them too
  const name = `<zeebe:${type.slice(6, 7).toLowerCase()}${type.slice(7)}>`;
  if (refusedExtensions[type]) return `${name} is not supported: ${refusedExtensions[type]}`;
  if (!read.has(type)) return `${name} has no effect on a ${String(el.$type).replace('bpmn:', '')} in this engine, so it is refused rather than ignored`;
  const binding = ext.bindingType;
  if (binding !== undefined && binding !== 'latest') return `${name} bindingType '${binding}' is not supported: this engine always uses the latest version`;
  if (ext.versionTag) return `${name} versionTag is not supported: this engine always uses the latest version`;
  if (type === 'zeebe:FormDefinition' && ext.externalReference) return `${name} externalReference (a custom form) is not supported by this engine`;
  if (type === 'zeebe:CalledElement' && ext.businessId) return `${name} businessId is not supported by this engine`;
  return null;
}

/** BPMN the engine accepts but would run differently from Zeebe. */
function semanticsProblem(el: El, node: FlowNode | undefined): string | null {
  if (!node) return null;
  const loop = el.loopCharacteristics;
  if (loop?.loopCardinality) return 'a multi-instance loop cardinality is not supported (use an input collection)';
  if (el.default && !['bpmn:ExclusiveGateway', 'bpmn:InclusiveGateway'].includes(el.$type)) {
    return 'a default flow out of an activity is not supported (use an exclusive gateway)';
  }
  const trigger = node.trigger;
  if (trigger?.kind === 'error' && trigger.errorCode && isExpression(trigger.errorCode)) return `the error code '${trigger.errorCode}' is an expression, which this engine does not evaluate`;
  if (trigger?.kind === 'signal' && isExpression(trigger.signalName)) return `the signal name '${trigger.signalName}' is an expression, which this engine does not evaluate`;
  const scopeStart = el.$type === 'bpmn:StartEvent' && el.$parent?.$type === 'bpmn:Process';
  if (scopeStart && trigger?.kind === 'timer' && isExpression(trigger.timer!.value)) return 'a timer start event given by an expression is not supported: write the date, duration or cycle itself';
  if (scopeStart && trigger?.kind === 'message' && isExpression(trigger.messageName)) return `the message name '${trigger.messageName}' of a start event is an expression, which this engine does not evaluate`;
  return null;
}

/**
 * The first element of the executable processes that uses what the engine
 * does not run, as "Element: id: reason", or null.
 */
export function unsupportedProblem(definitions: El, processes: ProcessModel[]): string | null {
  const models = new Map(processes.map((model) => [model.id, model]));
  for (const root of definitions.rootElements ?? []) {
    if (root.$type === 'bpmn:Message') {
      for (const ext of root.extensionElements?.values ?? []) {
        const problem = extensionProblem(root, ext, new Set(['zeebe:Subscription']));
        if (problem) return `Element: ${root.id}: ${problem}`;
      }
      continue;
    }
    const model = models.get(root.id);
    if (root.$type !== 'bpmn:Process' || !model) continue;
    for (const ext of root.extensionElements?.values ?? []) {
      const problem = extensionProblem(root, ext, readExtensions(root, undefined, true));
      if (problem) return `Element: ${root.id}: ${problem}`;
    }
    const queue: El[] = [...(root.flowElements ?? [])];
    for (let i = 0; i < queue.length; i++) {
      const el = queue[i]!;
      const node = model.nodes.get(el.id);
      const read = readExtensions(el, node, false);
      if (el.$type === 'bpmn:SequenceFlow') {
        const source = model.nodes.get(el.sourceRef?.id);
        if (el.conditionExpression?.body?.trim() && source && !['exclusiveGateway', 'inclusiveGateway'].includes(source.type)) {
          return `Element: ${el.id}: a condition on a flow out of a ${source.type} is not supported (conditions are evaluated on flows out of exclusive and inclusive gateways)`;
        }
      }
      for (const ext of el.extensionElements?.values ?? []) {
        const problem = extensionProblem(el, ext, read);
        if (problem) return `Element: ${el.id}: ${problem}`;
      }
      for (const ext of el.loopCharacteristics?.extensionElements?.values ?? []) {
        const problem = extensionProblem(el, ext, new Set(['zeebe:LoopCharacteristics']));
        if (problem) return `Element: ${el.id}: ${problem}`;
      }
      const problem = semanticsProblem(el, node);
      if (problem) return `Element: ${el.id}: ${problem}`;
      if (el.flowElements) queue.push(...el.flowElements);
    }
  }
  return null;
}
