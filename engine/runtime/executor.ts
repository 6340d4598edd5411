// The token executor: BPMN semantics on the compact instance state. Work is
// queued on an agenda and drained inside the current command, so a long chain
// of pass-through elements never grows the stack and nothing waits in memory
// between commands except the persisted instance itself.
import { FeelError, booleanOf, correlationKeyOf, isExpression, stringOf, valueOf } from '../feel.ts';
import type { FlowNode, ProcessModel } from '../model/bpmn.ts';
import { evaluateDecision } from '../model/dmn.ts';
import { timerSchedule } from '../model/timers.ts';
import type { ElementInstance, IncidentStep, Job, ProcessInstance, Resource, Subscription, Timer } from '../store/entities.ts';
import { userTaskHeaders } from '../user-tasks.ts';
import type { Engine } from './engine.ts';
import { propagate, setLocal, visibleVariables } from './variables.ts';

/** A failure that becomes an incident of the given Zeebe error type. */
class IncidentError extends Error {
  constructor(readonly errorType: string, message: string) {
    super(message);
  }
}

function asIncident(error: unknown, fallbackType: string): IncidentError {
  if (error instanceof IncidentError) return error;
  if (error instanceof FeelError) return new IncidentError(fallbackType, error.message);
  throw error;
}

export class Executor {
  private agenda: Array<() => void> = [];
  private draining = false;
  /** Element instance key -> process instance key, for commands addressed by element instance. */
  readonly owners = new Map<number, number>();

  constructor(private readonly engine: Engine) {}

  // ---------------------------------------------------------------- plumbing

  private schedule(step: () => void): void {
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

  /** Runs a step now (or after the current step) with the agenda draining. */
  run(step: () => void): void {
    this.schedule(step);
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

  private newElement(instance: ProcessInstance, elementId: string, scopeKey: number, key = this.engine.state.nextKey()): ElementInstance {
    const element: ElementInstance = { key, elementId, scopeKey };
    instance.elements[key] = element;
    this.owners.set(key, instance.key);
    this.touch(instance);
    return element;
  }

  private children(instance: ProcessInstance, scopeKey: number): ElementInstance[] {
    const found: ElementInstance[] = [];
    for (const key in instance.elements) {
      const element = instance.elements[key]!;
      if (element.scopeKey === scopeKey && element.key !== instance.key) found.push(element);
    }
    return found;
  }

  private dropElement(instance: ProcessInstance, element: ElementInstance): void {
    this.closeWaits(instance, element);
    delete instance.elements[element.key];
    delete instance.variables[element.key];
    this.owners.delete(element.key);
    this.touch(instance);
  }

  /** Closes the job, timers, subscriptions and incident held by an element instance. */
  private closeWaits(instance: ProcessInstance, element: ElementInstance, only?: (elementId: string) => boolean): void {
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
      this.openScopeEvents(instance, root, model.nodes.get(model.id)!);
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
      this.openBoundaries(instance, scope, scopeNode);
      this.openScopeEvents(instance, scope, scopeNode);
    }
    if (variables?.[scopeId]) setLocal(instance, scope.key, variables[scopeId]!);
    return scope.key;
  }

  // ---------------------------------------------------------------- activation

  activate(instance: ProcessInstance, elementId: string, scopeKey: number, viaFlow?: string): void {
    const node = this.node(instance, elementId);
    if ((node.type === 'parallelGateway' || node.type === 'inclusiveGateway') && node.incoming.length > 1 && viaFlow) {
      this.arriveAtJoin(instance, node, scopeKey, viaFlow);
      return;
    }
    const element = this.newElement(instance, elementId, scopeKey);
    if (node.loop) element.mi = 'body';
    this.enter(instance, element);
  }

  private arriveAtJoin(instance: ProcessInstance, node: FlowNode, scopeKey: number, viaFlow: string): void {
    const scope = instance.elements[scopeKey]!;
    const joins = (scope.joins ??= {});
    const arrived = (joins[node.id] ??= []);
    arrived.push(viaFlow);
    this.touch(instance);
    if (node.incoming.every((flow) => arrived.includes(flow))) {
      this.fireJoin(instance, scope, node);
      return;
    }
    if (node.type === 'inclusiveGateway' && this.children(instance, scopeKey).length === 0) this.fireJoin(instance, scope, node);
  }

  private fireJoin(instance: ProcessInstance, scope: ElementInstance, node: FlowNode): void {
    const arrived = scope.joins![node.id]!;
    for (const flow of node.incoming) {
      const index = arrived.indexOf(flow);
      if (index >= 0) arrived.splice(index, 1);
    }
    if (node.type === 'inclusiveGateway') arrived.length = 0;
    if (arrived.length === 0) delete scope.joins![node.id];
    if (Object.keys(scope.joins!).length === 0) delete scope.joins;
    const element = this.newElement(instance, node.id, scope.key);
    this.enter(instance, element);
  }

  /** The element's own behaviour on entering; retried from here when an activation incident is resolved. */
  enter(instance: ProcessInstance, element: ElementInstance): void {
    const node = this.node(instance, element.elementId);
    try {
      if (element.mi === 'body') {
        this.enterBody(instance, element, node);
        return;
      }
      this.applyInputs(instance, element, node);
      this.behave(instance, element, node);
    } catch (error) {
      const incident = asIncident(error, 'EXTRACT_VALUE_ERROR');
      this.raiseIncident(instance, element, incident.errorType, incident.message, 'activate');
    }
  }

  private applyInputs(instance: ProcessInstance, element: ElementInstance, node: FlowNode): void {
    if (node.inputs.length === 0) return;
    const context = visibleVariables(instance, element.key);
    const local: Record<string, unknown> = {};
    for (const mapping of node.inputs) {
      const value = valueOf(mapping.source, { ...context, ...local });
      assignPath(local, mapping.target, value);
    }
    setLocal(instance, element.key, local);
    this.touch(instance);
  }

  private behave(instance: ProcessInstance, element: ElementInstance, node: FlowNode): void {
    const trigger = node.trigger;
    switch (node.type) {
      case 'startEvent':
      case 'task':
      case 'manualTask':
      case 'exclusiveGateway':
      case 'inclusiveGateway':
      case 'parallelGateway':
      case 'boundaryEvent':
        this.complete(instance, element);
        return;
      case 'endEvent':
      case 'intermediateThrowEvent':
        if (trigger?.kind === 'error') {
          const code = trigger.errorCode!;
          if (!this.throwError(instance, element, code, '', {})) {
            throw new IncidentError('UNHANDLED_ERROR_EVENT', `Expected to throw an error event with the code '${code}', but it was not caught. No error events are available in the scope.`);
          }
          return;
        }
        if (trigger?.kind === 'terminate') {
          for (const sibling of this.children(instance, element.scopeKey)) if (sibling !== element) this.terminate(instance, sibling);
          this.complete(instance, element);
          return;
        }
        if (trigger?.kind === 'signal') {
          this.engine.messages.broadcastSignal(trigger.signalName!, {});
          this.complete(instance, element);
          return;
        }
        if (node.job) {
          this.createJob(instance, element, node);
          return;
        }
        this.complete(instance, element);
        return;
      case 'intermediateCatchEvent':
      case 'receiveTask':
        this.openWaits(instance, element, [{ owner: element, node }], node.type === 'receiveTask' && element.mi !== 'inner' ? node.boundaries : []);
        return;
      case 'eventBasedGateway': {
        const targets = node.outgoing.map((flow) => this.node(instance, flow.target));
        this.openWaits(instance, element, targets.map((target) => ({ owner: element, node: target })), []);
        return;
      }
      case 'serviceTask':
      case 'sendTask':
      case 'userTask':
      case 'scriptTask':
      case 'businessRuleTask': {
        if (node.script) {
          const value = valueOf(node.script.expression, visibleVariables(instance, element.key));
          this.openBoundariesOrThrow(instance, element, node);
          this.completeWithVariables(instance, element, { [node.script.resultVariable]: value });
          return;
        }
        if (node.decision) {
          this.evaluateCalledDecision(instance, element, node);
          return;
        }
        this.createJob(instance, element, node);
        return;
      }
      case 'subProcess':
      case 'eventSubProcess':
        this.openBoundariesOrThrow(instance, element, node);
        this.openScopeEvents(instance, element, node);
        if (node.type === 'subProcess') this.activate(instance, node.noneStart!, element.key);
        return;
      case 'callActivity':
        this.callProcess(instance, element, node);
        return;
      default:
        throw new IncidentError('UNKNOWN', `element type ${node.type} cannot be executed`);
    }
  }

  private openBoundariesOrThrow(instance: ProcessInstance, element: ElementInstance, node: FlowNode): void {
    if (element.mi === 'inner') return;
    this.openWaits(instance, element, [], node.boundaries);
  }

  private openBoundaries(instance: ProcessInstance, element: ElementInstance, node: FlowNode): void {
    this.openWaits(instance, element, [], node.boundaries);
  }

  /** Opens subscriptions and timers: catch events owned by `owner`, plus the element's boundary events. Evaluates everything before creating anything. */
  private openWaits(instance: ProcessInstance, element: ElementInstance, catches: Array<{ owner: ElementInstance; node: FlowNode }>, boundaryIds: string[]): void {
    const all = [...catches, ...boundaryIds.map((id) => ({ owner: element, node: this.node(instance, id) }))];
    const context = visibleVariables(instance, element.key);
    const plans: Array<() => void> = [];
    for (const { owner, node } of all) {
      const trigger = node.trigger;
      if (!trigger || trigger.kind === 'error' || trigger.kind === 'none') continue;
      plans.push(this.planWait(instance, owner, node, context));
    }
    for (const plan of plans) plan();
  }

  private planWait(instance: ProcessInstance, owner: ElementInstance, node: FlowNode, context: Record<string, unknown>): () => void {
    const trigger = node.trigger!;
    const { state } = this.engine;
    if (trigger.kind === 'timer') {
      const raw = trigger.timer!.value;
      const value = isExpression(raw) ? valueOf(raw, context) : raw;
      if (typeof value !== 'string') throw new IncidentError('EXTRACT_VALUE_ERROR', `Expected result of the timer expression '${raw}' to be a string, but was '${JSON.stringify(value)}'.`);
      const schedule = timerSchedule(trigger.timer!.type, value, this.engine.clock.now());
      if (typeof schedule === 'string') throw new IncidentError('EXTRACT_VALUE_ERROR', `Invalid timer of '${node.id}': ${schedule}`);
      return () => {
        const timer: Timer = {
          key: state.nextKey(), dueAt: schedule.dueAt, elementId: node.id, processDefinitionKey: instance.processDefinitionKey,
          processInstanceKey: instance.key, elementInstanceKey: owner.key,
        };
        if (schedule.interval && !node.interrupting) {
          timer.repetitions = schedule.repetitions;
          timer.interval = schedule.interval;
        }
        this.engine.addTimer(timer);
        (owner.timerKeys ??= []).push(timer.key);
        this.touch(instance);
      };
    }
    const kind = trigger.kind === 'message' ? 'message' : 'signal';
    const name = kind === 'message' ? stringOf(trigger.messageName!, context) : trigger.signalName!;
    const correlationKey = kind === 'message' ? correlationKeyOf(trigger.correlationKey!, context) : undefined;
    return () => {
      const subscription: Subscription = {
        key: state.nextKey(), kind, name, processInstanceKey: instance.key, elementInstanceKey: owner.key, elementId: node.id,
        interrupting: node.interrupting,
      };
      if (correlationKey !== undefined) subscription.correlationKey = correlationKey;
      this.engine.messages.addSubscription(subscription);
      (owner.subscriptionKeys ??= []).push(subscription.key);
      this.touch(instance);
    };
  }

  /** Event subprocess start events of a scope wait on the scope's element instance. */
  private openScopeEvents(instance: ProcessInstance, scope: ElementInstance, scopeNode: FlowNode): void {
    const catches = scopeNode.eventSubprocesses.map((id) => {
      const start = this.node(instance, this.node(instance, id).startEvents[0]!);
      return { owner: scope, node: start };
    });
    if (catches.length > 0) this.openWaits(instance, scope, catches, []);
  }

  private createJob(instance: ProcessInstance, element: ElementInstance, node: FlowNode): void {
    const context = visibleVariables(instance, element.key);
    const definition = node.job!;
    const type = stringOf(definition.type, context);
    const retriesValue = valueOf(definition.retries, context);
    const retries = typeof retriesValue === 'number' ? retriesValue : Number(retriesValue);
    if (!Number.isFinite(retries)) throw new IncidentError('EXTRACT_VALUE_ERROR', `Expected job retries of '${node.id}' to be a number, but was '${JSON.stringify(retriesValue)}'.`);
    const headers = { ...definition.headers };
    if (node.userTask) Object.assign(headers, userTaskHeaders(node.userTask, context, (formId) => this.engine.deployments.latestForm(formId)?.key));
    this.openBoundariesOrThrow(instance, element, node);
    const job: Job = {
      key: this.engine.state.nextKey(), type, processInstanceKey: instance.key, elementInstanceKey: element.key, elementId: node.id,
      bpmnProcessId: instance.bpmnProcessId, processDefinitionKey: instance.processDefinitionKey, version: instance.version,
      customHeaders: headers, retries, state: 'activatable', tenantId: instance.tenantId,
    };
    element.jobKey = job.key;
    this.engine.jobs.add(job);
    this.touch(instance);
  }

  private evaluateCalledDecision(instance: ProcessInstance, element: ElementInstance, node: FlowNode): void {
    const context = visibleVariables(instance, element.key);
    const decisionId = stringOf(node.decision!.decisionId, context);
    const found = this.engine.deployments.latestDecision(decisionId);
    if (!found) throw new IncidentError('CALLED_DECISION_ERROR', `Expected to evaluate decision '${decisionId}', but no decision found for id '${decisionId}'`);
    const result = evaluateDecision(found.drg, decisionId, context);
    if (result.failure) throw new IncidentError('DECISION_EVALUATION_ERROR', result.failure);
    this.openBoundariesOrThrow(instance, element, node);
    this.completeWithVariables(instance, element, { [node.decision!.resultVariable]: result.output });
  }

  private callProcess(instance: ProcessInstance, element: ElementInstance, node: FlowNode): void {
    const call = node.call!;
    const context = visibleVariables(instance, element.key);
    const processId = stringOf(call.processId, context);
    const definition = this.engine.deployments.latestProcess(processId);
    if (!definition) throw new IncidentError('CALLED_ELEMENT_ERROR', `Expected process with BPMN process id '${processId}' to be deployed, but not found.`);
    const model = this.engine.deployments.model(definition.key);
    if (!model.nodes.get(model.id)!.noneStart) throw new IncidentError('CALLED_ELEMENT_ERROR', `Expected process with BPMN process id '${processId}' to have a none start event, but not found.`);
    this.openBoundariesOrThrow(instance, element, node);
    const variables = call.propagateAllParentVariables ? context : { ...(instance.variables[element.key] ?? {}) };
    const child = this.createInstance(definition, variables, { parent: { instanceKey: instance.key, elementInstanceKey: element.key } });
    element.childKey = child.key;
    this.touch(instance);
  }

  // ---------------------------------------------------------------- multi-instance

  private enterBody(instance: ProcessInstance, body: ElementInstance, node: FlowNode): void {
    const loop = node.loop!;
    const items = valueOf(loop.inputCollection!, visibleVariables(instance, body.key));
    if (!Array.isArray(items)) throw new IncidentError('EXTRACT_VALUE_ERROR', `Expected result of the expression '${loop.inputCollection}' to be 'ARRAY', but was '${items === null ? 'NULL' : typeof items}'.`);
    this.openBoundaries(instance, body, node);
    body.loop = { items, next: 0, active: 0, completed: 0, outputs: items.map(() => null) };
    if (loop.outputCollection) setLocal(instance, body.key, { [loop.outputCollection]: body.loop.outputs });
    this.touch(instance);
    if (items.length === 0) {
      this.complete(instance, body);
      return;
    }
    const count = loop.sequential ? 1 : items.length;
    for (let i = 0; i < count; i++) this.spawnInner(instance, body, node);
  }

  private spawnInner(instance: ProcessInstance, body: ElementInstance, node: FlowNode): void {
    const loopState = body.loop!;
    const index = loopState.next++;
    loopState.active++;
    const inner = this.newElement(instance, node.id, body.key);
    inner.mi = 'inner';
    const local: Record<string, unknown> = { loopCounter: index + 1 };
    if (node.loop!.inputElement) local[node.loop!.inputElement] = loopState.items[index];
    setLocal(instance, inner.key, local);
    this.run(() => this.enter(instance, inner));
  }

  private innerCompleted(instance: ProcessInstance, body: ElementInstance, node: FlowNode, conditionMet: boolean): void {
    const loopState = body.loop!;
    loopState.active--;
    loopState.completed++;
    this.touch(instance);
    if (conditionMet) {
      for (const inner of this.children(instance, body.key)) this.terminate(instance, inner);
      this.complete(instance, body);
      return;
    }
    if (loopState.next < loopState.items.length && node.loop!.sequential) {
      this.spawnInner(instance, body, node);
      return;
    }
    if (loopState.completed >= loopState.items.length) this.complete(instance, body);
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
      if (element.mi !== 'body' && node.outputs.length > 0) {
        const context = visibleVariables(instance, element.key);
        const results: Record<string, unknown> = {};
        for (const mapping of node.outputs) assignPath(results, mapping.target, valueOf(mapping.source, { ...context, ...results }));
        propagate(instance, element.scopeKey, results);
      }
      if (element.mi === 'inner') {
        const body = instance.elements[element.scopeKey]!;
        const loop = node.loop!;
        const context = visibleVariables(instance, element.key);
        if (loop.outputElement && loop.outputCollection) {
          const counter = instance.variables[element.key]?.loopCounter as number;
          body.loop!.outputs[counter - 1] = valueOf(loop.outputElement, context);
          setLocal(instance, body.key, { [loop.outputCollection]: body.loop!.outputs });
        }
        if (loop.completionCondition) conditionMet = booleanOf(loop.completionCondition, context);
      }
      if (element.mi === 'body' && node.loop!.outputCollection) {
        propagate(instance, element.scopeKey, { [node.loop!.outputCollection]: element.loop!.outputs });
      }
      flows = element.mi === 'inner' ? [] : this.chooseFlows(instance, element, node);
    } catch (error) {
      const incident = asIncident(error, node.type.endsWith('Gateway') ? 'CONDITION_ERROR' : 'EXTRACT_VALUE_ERROR');
      this.raiseIncident(instance, element, incident.errorType, incident.message, 'complete');
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
      if (body) this.innerCompleted(instance, body, node, conditionMet);
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

  private chooseFlows(instance: ProcessInstance, element: ElementInstance, node: FlowNode): string[] {
    if (node.type === 'eventBasedGateway') return [];
    if (node.type !== 'exclusiveGateway' && node.type !== 'inclusiveGateway') return node.outgoing.map((f) => f.id);
    if (node.outgoing.length === 1 && !node.outgoing[0]!.condition) return [node.outgoing[0]!.id];
    const context = visibleVariables(instance, element.key);
    const taken: string[] = [];
    for (const flow of node.outgoing) {
      if (flow.id === node.defaultFlow) continue;
      const holds = flow.condition ? booleanOf(flow.condition, context) : true;
      if (holds) {
        taken.push(flow.id);
        if (node.type === 'exclusiveGateway') break;
      }
    }
    if (taken.length === 0 && node.defaultFlow) taken.push(node.defaultFlow);
    if (taken.length === 0) {
      throw new IncidentError('CONDITION_ERROR', 'Expected at least one condition to evaluate to true, or to have a default flow');
    }
    return taken;
  }

  /** Completes a scope whose last token has gone. */
  settle(instance: ProcessInstance, scopeKey: number): void {
    const scope = instance.elements[scopeKey];
    if (!scope) return;
    if (this.children(instance, scopeKey).length > 0) return;
    if (scope.joins) {
      const scopeNodeModel = this.model(instance);
      for (const gatewayId of Object.keys(scope.joins)) {
        const gateway = scopeNodeModel.nodes.get(gatewayId)!;
        if (gateway.type === 'inclusiveGateway' && scope.joins[gatewayId]!.length > 0) {
          this.fireJoin(instance, scope, gateway);
          return;
        }
      }
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

  // ---------------------------------------------------------------- events

  /** A message, timer or signal arrived for `owner` at the catch event `catchId`. */
  trigger(instance: ProcessInstance, owner: ElementInstance, catchId: string, variables: Record<string, unknown>, keepWait?: number): void {
    const catchNode = this.node(instance, catchId);
    if (catchNode.type === 'boundaryEvent') {
      const scopeKey = owner.scopeKey;
      if (catchNode.interrupting) this.terminate(instance, owner);
      this.activateTriggered(instance, catchId, scopeKey, variables);
      this.settle(instance, scopeKey);
      return;
    }
    if (catchNode.type === 'startEvent') {
      const subprocessId = catchNode.scopeId;
      if (catchNode.interrupting) {
        this.closeWaits(instance, owner, (elementId) => this.node(instance, elementId).type === 'startEvent');
        for (const child of this.children(instance, owner.key)) this.terminate(instance, child);
      }
      const subprocess = this.newElement(instance, subprocessId, owner.key);
      this.openScopeEvents(instance, subprocess, this.node(instance, subprocessId));
      this.activateTriggered(instance, catchId, subprocess.key, variables);
      return;
    }
    if (owner.elementId !== catchId) {
      // event-based gateway: the first event wins and closes the others
      const scopeKey = owner.scopeKey;
      this.dropElement(instance, owner);
      this.activateTriggered(instance, catchId, scopeKey, variables);
      return;
    }
    void keepWait;
    this.completeWithVariables(instance, owner, variables);
  }

  private activateTriggered(instance: ProcessInstance, elementId: string, scopeKey: number, variables: Record<string, unknown>): void {
    const element = this.newElement(instance, elementId, scopeKey);
    this.run(() => this.completeWithVariables(instance, element, variables));
  }

  /** Throws an error from `from`; true when some error event caught it. */
  throwError(instance: ProcessInstance, from: ElementInstance, code: string, message: string, variables: Record<string, unknown>): boolean {
    let current: ElementInstance | undefined = from;
    let currentInstance = instance;
    let cameFrom: ElementInstance | undefined;
    while (current) {
      const node = this.node(currentInstance, current.elementId);
      const eventSubprocesses = node.eventSubprocesses.filter((id) => id !== cameFrom?.elementId);
      const starts = eventSubprocesses.map((id) => this.node(currentInstance, this.node(currentInstance, id).startEvents[0]!))
        .filter((start) => start.trigger!.kind === 'error');
      const start = starts.find((s) => s.trigger!.errorCode === code) ?? starts.find((s) => !s.trigger!.errorCode);
      if (start) {
        const scope: ElementInstance = current;
        const target = currentInstance;
        this.closeWaits(target, scope, (elementId) => this.node(target, elementId).type === 'startEvent');
        for (const child of this.children(target, scope.key)) this.terminate(target, child);
        const subprocess = this.newElement(target, start.scopeId, scope.key);
        this.openScopeEvents(target, subprocess, this.node(target, start.scopeId));
        this.activateTriggered(target, start.id, subprocess.key, errorVariables(variables, code, message));
        return true;
      }
      if (current.mi !== 'inner') {
        const boundaries = node.boundaries.map((id) => this.node(currentInstance, id)).filter((b) => b.trigger!.kind === 'error');
        const boundary = boundaries.find((b) => b.trigger!.errorCode === code) ?? boundaries.find((b) => !b.trigger!.errorCode);
        if (boundary) {
          const scopeKey = current.scopeKey;
          this.terminate(currentInstance, current);
          this.activateTriggered(currentInstance, boundary.id, scopeKey, errorVariables(variables, code, message));
          return true;
        }
      }
      cameFrom = current;
      if (current.key === currentInstance.key) {
        const parentRef = currentInstance.parent;
        const parent = parentRef && this.engine.state.instances.get(parentRef.instanceKey);
        if (!parent) return false;
        currentInstance = parent;
        current = parent.elements[parentRef!.elementInstanceKey];
        cameFrom = undefined;
      } else current = currentInstance.elements[current.scopeKey];
    }
    return false;
  }

  // ---------------------------------------------------------------- incidents

  raiseIncident(instance: ProcessInstance, element: ElementInstance, errorType: string, errorMessage: string, step: IncidentStep, jobKey?: number): void {
    const key = this.engine.state.nextKey();
    const incident = { key, processInstanceKey: instance.key, elementInstanceKey: element.key, elementId: element.elementId, errorType, errorMessage, step, ...(jobKey !== undefined ? { jobKey } : {}) };
    this.engine.state.put('incidents', incident);
    element.incidentKey = key;
    this.touch(instance);
    this.engine.logger.debug({ incident }, 'incident raised');
  }

  resolveIncident(instance: ProcessInstance, element: ElementInstance, step: IncidentStep): void {
    delete element.incidentKey;
    this.touch(instance);
    this.run(() => {
      if (step === 'activate') this.enter(instance, element);
      else if (step === 'complete') this.complete(instance, element);
    });
  }
}

function errorVariables(variables: Record<string, unknown>, code: string, message: string): Record<string, unknown> {
  void code;
  void message;
  return variables;
}

/** Sets `a.b.c` style targets, as Zeebe's mappings allow. */
function assignPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let current = target;
  for (let i = 0; i < parts.length - 1; i++) {
    const next = current[parts[i]!];
    if (next === null || typeof next !== 'object' || Array.isArray(next)) current[parts[i]!] = {};
    current = current[parts[i]!] as Record<string, unknown>;
  }
  current[parts[parts.length - 1]!] = value;
}
