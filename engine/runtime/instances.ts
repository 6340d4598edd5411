// Commands on process instances: create (by definition key, or id and
// version, optionally at start instructions), cancel, modify (activate and
// terminate elements) and set variables. Each runs inside an engine command
// and throws a GatewayError, before changing anything, when it is refused.
import type { ProcessInstance, Resource } from '../store/entities.ts';
import type { Engine } from './engine.ts';
import { failedPrecondition, invalid, notFound } from './errors.ts';
import { propagate, setLocal } from './variables.ts';

export interface StartRequest {
  /** 0 when the process is named by id (and version, -1 or 0 = latest). */
  processDefinitionKey: number;
  bpmnProcessId: string;
  version: number;
  variables: Record<string, unknown>;
  /** Start instructions: elements to start at instead of the none start event. */
  startAt: string[];
}

export function resolveDefinition(engine: Engine, request: Pick<StartRequest, 'processDefinitionKey' | 'bpmnProcessId' | 'version'>): Resource {
  const { deployments } = engine;
  if (request.processDefinitionKey > 0) {
    const definition = deployments.processByKey(request.processDefinitionKey);
    if (!definition) throw notFound(`Expected to find process definition with key '${request.processDefinitionKey}', but none found`);
    return definition;
  }
  const id = request.bpmnProcessId;
  if (!id) throw invalid('Expected either a process definition key or a bpmnProcessId, but none given');
  const version = request.version;
  const definition = version > 0 ? deployments.processVersion(id, version) : deployments.latestProcess(id);
  if (!definition) {
    throw notFound(version > 0
      ? `Expected to find process definition with process ID '${id}' and version '${version}', but none found`
      : `Expected to find process definition with process ID '${id}', but none found`);
  }
  return definition;
}

/** CreateProcessInstance. `created` runs with the new instance before its first steps (e.g. to wait for its end). */
export function startInstance(engine: Engine, request: StartRequest, created?: (instance: ProcessInstance) => void): { definition: Resource; instance: ProcessInstance } {
  const definition = resolveDefinition(engine, request);
  const model = engine.deployments.model(definition.key);
  for (const elementId of request.startAt) {
    const node = model.nodes.get(elementId);
    if (!node || node.type === 'process') throw invalid(`Expected to create instance of process with start instructions but no element found with id '${elementId}'.`);
    if (node.type === 'boundaryEvent' || node.type === 'eventSubProcess' || model.nodes.get(node.scopeId)?.type === 'eventSubProcess') {
      throw invalid(`Expected to create instance of process with start instructions but the element with id '${elementId}' cannot be used as a start instruction.`);
    }
  }
  if (request.startAt.length === 0 && !model.nodes.get(model.id)!.noneStart) {
    throw failedPrecondition(`Expected to create instance of process with none start event, but there is no such event`);
  }
  const { executor } = engine;
  if (request.startAt.length > 0) {
    // Start instructions subscribe the process and the subprocesses they open at once: one that cannot is refused, as in Zeebe.
    const planned: ProcessInstance = {
      key: 0, processDefinitionKey: definition.key, bpmnProcessId: definition.resourceId, version: definition.version,
      tenantId: definition.tenantId, elements: {}, variables: {},
    };
    const created = new Map<string, Record<string, unknown>>();
    for (const elementId of request.startAt) {
      const problem = executor.checkScopeChain(planned, elementId, undefined, { '': request.variables }, created);
      if (problem) {
        throw invalid(`Expected to create instance of process with start instructions but the events of '${problem.scopeId}' could not be subscribed to: ${problem.reason}`);
      }
    }
  }
  let instance!: ProcessInstance;
  executor.run(() => {
    instance = executor.createInstance(definition, request.variables, { startAt: request.startAt });
    created?.(instance);
  });
  return { definition, instance };
}

export function cancelInstance(engine: Engine, instanceKey: number): void {
  const instance = engine.state.instances.get(instanceKey);
  if (!instance) throw notFound(`Command 'CANCEL' rejected with code 'NOT_FOUND': Expected to cancel a process instance with key '${instanceKey}', but no such process was found`);
  if (instance.parent) throw failedPrecondition(`Expected to cancel a process instance with key '${instanceKey}', but it is created by a parent process instance. Cancel the root process instance '${instance.parent.instanceKey}' instead.`);
  engine.executor.run(() => engine.executor.cancelInstance(instance));
}

export interface Modification {
  activate: Array<{ elementId: string; ancestorKey: number; variables: Array<{ scopeId: string; variables: Record<string, unknown> }> }>;
  terminate: number[];
}

/** ModifyProcessInstance: every instruction is checked before any is applied. */
export function modifyInstance(engine: Engine, instanceKey: number, modification: Modification): void {
  const { executor } = engine;
  const instance = engine.state.instances.get(instanceKey);
  if (!instance) throw notFound(`Expected to modify process instance but no process instance found with key '${instanceKey}'`);
  const model = executor.model(instance);
  const activations = modification.activate.map((instruction) => {
    const node = model.nodes.get(instruction.elementId);
    if (!node || node.type === 'process') throw invalid(`Expected to modify instance of process '${instance.bpmnProcessId}' but it contains one or more activate instructions with an element that could not be found: '${instruction.elementId}'`);
    if (node.type === 'startEvent' || node.type === 'boundaryEvent') throw invalid(`Expected to modify instance of process '${instance.bpmnProcessId}' but it contains one or more activate instructions for an unsupported element: '${instruction.elementId}'`);
    const scopes: Record<string, Record<string, unknown>> = {};
    for (const variable of instruction.variables) scopes[variable.scopeId] = { ...(scopes[variable.scopeId] ?? {}), ...variable.variables };
    return { elementId: node.id, ancestor: instruction.ancestorKey, scopes };
  });
  // Subprocesses an activation opens subscribe to their events at once: one that cannot makes the whole modification refused, as in Zeebe.
  const created = new Map<string, Record<string, unknown>>();
  for (const activation of activations) {
    const problem = executor.checkScopeChain(instance, activation.elementId, activation.ancestor, activation.scopes, created);
    if (problem) {
      throw invalid(`Expected to modify instance of process '${instance.bpmnProcessId}' but it contains one or more activate instructions for an element whose flow scope '${problem.scopeId}' could not subscribe to its events: ${problem.reason}`);
    }
  }
  const terminations = modification.terminate.map((elementKey) => {
    const element = instance.elements[elementKey];
    if (!element || elementKey === instance.key) throw invalid(`Expected to modify instance of process '${instance.bpmnProcessId}' but it contains one or more terminate instructions with an element instance that could not be found: '${elementKey}'`);
    return element;
  });
  executor.run(() => {
    for (const activation of activations) executor.activateInScopeChain(instance, activation.elementId, activation.ancestor, activation.scopes);
    for (const element of terminations) {
      if (!instance.elements[element.key]) continue;
      const scopeKey = element.scopeKey;
      executor.terminate(instance, element);
      executor.settle(instance, scopeKey);
    }
  });
}

/** SetVariables: local to the element instance, or propagated up its scopes. Returns the command's key. */
export function setVariables(engine: Engine, elementKey: number, variables: Record<string, unknown>, local: boolean): number {
  const { executor } = engine;
  const instance = executor.instanceOf(elementKey);
  if (!instance || !instance.elements[elementKey]) throw notFound(`Command 'UPDATE' rejected with code 'NOT_FOUND': Expected to update variables for element with key '${elementKey}', but no such element was found`);
  if (local) setLocal(instance, elementKey, variables);
  else propagate(instance, elementKey, variables);
  executor.touch(instance);
  return engine.state.nextKey();
}
