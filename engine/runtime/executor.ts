// The token executor: how a token moves through a process instance — element
// instances created, entered, completed and dropped, scopes settled, instances
// started and ended. What each kind of element does lives beside it:
// elements.ts (behaviours), flows.ts (choosing flows, joins), events.ts
// (catch events, boundaries, triggers, errors), multi-instance.ts,
// mappings.ts and incidents.ts.
//
// Work is queued on an agenda and drained inside the current command, so a
// long chain of pass-through elements never grows the stack and nothing waits
// in memory between commands except the persisted instance itself.
import type { FlowNode, ProcessModel } from '../model/bpmn.ts';
import type { ElementInstance, ProcessInstance, Resource } from '../store/entities.ts';
import { behave } from './elements.ts';
import type { Engine } from './engine.ts';
import { openBoundaries, openScopeEvents } from './events.ts';
import { arriveAtJoin, chooseFlows, settleJoins } from './flows.ts';
import { asIncident, raiseIncident } from './incidents.ts';
import { applyInputs, applyOutputs } from './mappings.ts';
import { enterBody, innerCompleted, innerResults } from './multi-instance.ts';
import { propagate, setLocal } from './variables.ts';

export class Executor {
  private agenda: Array<() => void> = [];
  private draining = false;
  /** Element instance key -> process instance key, for commands addressed by element instance. */
  readonly owners = new Map<number, number>();

  constructor(readonly engine: Engine) {}

  // ---------------------------------------------------------------- plumbing

  /** Runs a step now (or after the current step) with the agenda draining. */
  run(step: () => void): void {
    this.agenda.push(step);
    if (!this.draining) this.drain();
  }

  private drain(): void {
    this.draining = true;
    try {
      for (let i = 0; i < this.agenda.length; i++) this.agenda[i]!();
    } finally {
      this.agenda = [];
      this.draining = false;
    }
  }

  touch(instance: ProcessInstance): void {
    if (this.engine.state.instances.get(instance.key) === instance) this.engine.state.touch('instances', instance);
  }

  model(instance: ProcessInstance): ProcessModel {
    return this.engine.deployments.model(instance.processDefinitionKey);
  }

  node(instance: ProcessInstance, elementId: string): FlowNode {
    const node = this.model(instance).nodes.get(elementId);
    if (!node) throw new Error(`element ${elementId} not in process ${instance.bpmnProcessId}`);
    return node;
  }

  instanceOf(elementInstanceKey: number): ProcessInstance | undefined {
    const owner = this.owners.get(elementInstanceKey);
    return owner === undefined ? undefined : this.engine.state.instances.get(owner);
  }

  // ---------------------------------------------------------------- element instances

  newElement(instance: ProcessInstance, elementId: string, scopeKey: number, key = this.engine.state.nextKey()): ElementInstance {
    const element: ElementInstance = { key, elementId, scopeKey };
    instance.elements[key] = element;
    this.owners.set(key, instance.key);
    this.touch(instance);
    return element;
  }

  children(instance: ProcessInstance, scopeKey: number): ElementInstance[] {
    const found: ElementInstance[] = [];
    for (const key in instance.elements) {
      const element = instance.elements[key]!;
      if (element.scopeKey === scopeKey && element.key !== instance.key) found.push(element);
    }
    return found;
  }

  dropElement(instance: ProcessInstance, element: ElementInstance): void {
    this.closeWaits(instance, element);
    delete instance.elements[element.key];
    delete instance.variables[element.key];
    this.owners.delete(element.key);
    this.touch(instance);
  }

  /** Closes the job, timers, subscriptions and incident held by an element instance. */
  closeWaits(instance: ProcessInstance, element: ElementInstance, only?: (elementId: string) => boolean): void {
    const { state } = this.engine;
    if (!only) {
      if (element.jobKey !== undefined) this.engine.jobs.remove(element.jobKey);
      delete element.jobKey;
      if (element.incidentKey !== undefined) state.remove('incidents', element.incidentKey);
      delete element.incidentKey;
    }
    if (element.timerKeys) {
      element.timerKeys = element.timerKeys.filter((key) => {
        const timer = state.timers.get(key);
        if (timer && only && !only(timer.elementId)) return true;
        state.remove('timers', key);
        return false;
      });
      if (element.timerKeys.length === 0) delete element.timerKeys;
    }
    if (element.subscriptionKeys) {
      element.subscriptionKeys = element.subscriptionKeys.filter((key) => {
        const subscription = state.subscriptions.get(key);
        if (subscription && only && !only(subscription.elementId)) return true;
        this.engine.messages.removeSubscription(key);
        return false;
      });
      if (element.subscriptionKeys.length === 0) delete element.subscriptionKeys;
    }
    this.touch(instance);
  }

  // ---------------------------------------------------------------- creation

  createInstance(
    definition: Resource, variables: Record<string, unknown>,
    options: { startAt?: string[]; startEventId?: string; parent?: ProcessInstance['parent']; startedBy?: ProcessInstance['startedBy'] } = {},
  ): ProcessInstance {
    const model = this.engine.deployments.model(definition.key);
    const key = this.engine.state.nextKey();
    const instance: ProcessInstance = {
      key, processDefinitionKey: definition.key, bpmnProcessId: definition.resourceId, version: definition.version,
      tenantId: definition.tenantId, elements: {}, variables: {},
    };
    if (options.parent) instance.parent = options.parent;
    if (options.startedBy) instance.startedBy = options.startedBy;
    this.engine.state.put('instances', instance);
    const root = this.newElement(instance, model.id, 0, key);
    setLocal(instance, key, variables);
    this.run(() => {
      openScopeEvents(this, instance, root, model.nodes.get(model.id)!);
      if (options.startAt && options.startAt.length > 0) {
        for (const elementId of options.startAt) this.activateInScopeChain(instance, elementId, undefined);
      } else {
        const start = options.startEventId ?? model.nodes.get(model.id)!.noneStart;
        if (start) this.activate(instance, start, root.key);
      }
    });
    return instance;
  }

  /** Activates an element, first creating instances of its enclosing subprocesses when none is active. */
  activateInScopeChain(instance: ProcessInstance, elementId: string, ancestorKey: number | undefined, variables?: Record<string, Record<string, unknown>>): void {
    const node = this.node(instance, elementId);
    const scopeKey = this.scopeInstanceFor(instance, node.scopeId, ancestorKey, variables);
    this.activate(instance, elementId, scopeKey);
  }

  private scopeInstanceFor(instance: ProcessInstance, scopeId: string, ancestorKey: number | undefined, variables?: Record<string, Record<string, unknown>>): number {
    const model = this.model(instance);
    if (scopeId === model.id) {
      if (variables?.['']) setLocal(instance, instance.key, variables['']);
      if (variables?.[model.id]) setLocal(instance, instance.key, variables[model.id]!);
      return instance.key;
    }
    let candidates = Object.values(instance.elements).filter((e) => e.elementId === scopeId && e.mi !== 'body');
    if (ancestorKey !== undefined && ancestorKey > 0) {
      candidates = candidates.filter((candidate) => {
        for (let e: ElementInstance | undefined = candidate; e; e = instance.elements[e.scopeKey]) if (e.key === ancestorKey) return true;
        return false;
      });
    }
    let scope = candidates[0];
    if (!scope) {
      const scopeNode = this.node(instance, scopeId);
      const parentKey = this.scopeInstanceFor(instance, scopeNode.scopeId, ancestorKey, variables);
      scope = this.newElement(instance, scopeId, parentKey);
      openBoundaries(this, instance, scope, scopeNode);
      openScopeEvents(this, instance, scope, scopeNode);
    }
    if (variables?.[scopeId]) setLocal(instance, scope.key, variables[scopeId]!);
    return scope.key;
  }

  // ---------------------------------------------------------------- activation

  activate(instance: ProcessInstance, elementId: string, scopeKey: number, viaFlow?: string): void {
    const node = this.node(instance, elementId);
    if ((node.type === 'parallelGateway' || node.type === 'inclusiveGateway') && node.incoming.length > 1 && viaFlow) {
      arriveAtJoin(this, instance, node, scopeKey, viaFlow);
      return;
    }
    const element = this.newElement(instance, elementId, scopeKey);
    if (node.loop) element.mi = 'body';
    this.enter(instance, element);
  }

  /** The element's own behaviour on entering; retried from here when an activation incident is resolved. */
  enter(instance: ProcessInstance, element: ElementInstance): void {
    const node = this.node(instance, element.elementId);
    this.engine.hooks.beforeEnter?.(instance, element);
    try {
      if (element.mi === 'body') {
        enterBody(this, instance, element, node);
        return;
      }
      applyInputs(this, instance, element, node);
      behave(this, instance, element, node);
    } catch (error) {
      const incident = asIncident(error, 'EXTRACT_VALUE_ERROR');
      raiseIncident(this, instance, element, incident.errorType, incident.message, 'activate');
    }
  }

  // ---------------------------------------------------------------- completion

  completeWithVariables(instance: ProcessInstance, element: ElementInstance, variables: Record<string, unknown>): void {
    const node = this.node(instance, element.elementId);
    if (node.outputs.length > 0 || element.mi === 'inner') setLocal(instance, element.key, variables);
    else propagate(instance, element.key, variables);
    this.touch(instance);
    this.complete(instance, element);
  }

  /** Leaves an element: output mappings, then the outgoing flows. Retried from here when a completion incident is resolved. */
  complete(instance: ProcessInstance, element: ElementInstance): void {
    const node = this.node(instance, element.elementId);
    let flows: string[];
    let conditionMet = false;
    try {
      if (element.mi !== 'body') applyOutputs(instance, element, node);
      if (element.mi === 'inner') conditionMet = innerResults(instance, element, node);
      if (element.mi === 'body' && node.loop!.outputCollection) {
        propagate(instance, element.scopeKey, { [node.loop!.outputCollection]: element.loop!.outputs });
      }
      flows = element.mi === 'inner' ? [] : chooseFlows(instance, element, node);
    } catch (error) {
      const incident = asIncident(error, node.type.endsWith('Gateway') ? 'CONDITION_ERROR' : 'EXTRACT_VALUE_ERROR');
      raiseIncident(this, instance, element, incident.errorType, incident.message, 'complete');
      return;
    }
    if (element.key === instance.key) {
      this.instanceCompleted(instance);
      return;
    }
    const scopeKey = element.scopeKey;
    this.dropElement(instance, element);
    if (element.mi === 'inner') {
      const body = instance.elements[scopeKey];
      if (body) innerCompleted(this, instance, body, node, conditionMet);
      return;
    }
    for (const flowId of flows) {
      const flow = node.outgoing.find((f) => f.id === flowId)!;
      this.run(() => {
        if (instance.elements[scopeKey]) this.activate(instance, flow.target, scopeKey, flow.id);
      });
    }
    if (flows.length === 0) this.settle(instance, scopeKey);
  }

  /** Completes a scope whose last token has gone. */
  settle(instance: ProcessInstance, scopeKey: number): void {
    const scope = instance.elements[scopeKey];
    if (!scope) return;
    if (this.children(instance, scopeKey).length > 0) return;
    if (scope.joins) {
      settleJoins(this, instance, scope);
      return; // a parallel join still waits: the scope stays, as in Zeebe
    }
    if (scope.mi === 'body') return;
    if (scope.incidentKey !== undefined) return;
    this.complete(instance, scope);
  }

  private instanceCompleted(instance: ProcessInstance): void {
    const variables = instance.variables[instance.key] ?? {};
    this.closeWaits(instance, instance.elements[instance.key]!);
    this.engine.state.remove('instances', instance.key);
    this.owners.delete(instance.key);
    this.engine.instanceEnded(instance, variables, 'completed');
    const parentRef = instance.parent;
    if (!parentRef) return;
    const parent = this.engine.state.instances.get(parentRef.instanceKey);
    const callElement = parent?.elements[parentRef.elementInstanceKey];
    if (!parent || !callElement) return;
    delete callElement.childKey;
    const call = this.node(parent, callElement.elementId).call!;
    if (call.propagateAllChildVariables) this.completeWithVariables(parent, callElement, variables);
    else {
      setLocal(parent, callElement.key, variables);
      this.touch(parent);
      this.complete(parent, callElement);
    }
  }

  // ---------------------------------------------------------------- termination

  terminate(instance: ProcessInstance, element: ElementInstance): void {
    for (const child of this.children(instance, element.key)) this.terminate(instance, child);
    if (element.childKey !== undefined) {
      const child = this.engine.state.instances.get(element.childKey);
      if (child) this.cancelInstance(child);
    }
    this.dropElement(instance, element);
  }

  cancelInstance(instance: ProcessInstance): void {
    const root = instance.elements[instance.key];
    if (root) this.terminate(instance, root);
    for (const incident of [...this.engine.state.incidents.values()]) {
      if (incident.processInstanceKey === instance.key) this.engine.state.remove('incidents', incident.key);
    }
    this.engine.state.remove('instances', instance.key);
    this.engine.instanceEnded(instance, {}, 'terminated');
  }
}
