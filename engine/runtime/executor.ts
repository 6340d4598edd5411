// The token executor: how a token moves through a process instance — element
// instances created, entered, completed and dropped, scopes settled, instances
// started and ended. What each kind of element does lives beside it:
// elements.ts (behaviours), flows.ts (choosing flows, joins), events.ts
// (catch events, boundaries, triggers, errors), multi-instance.ts,
// mappings.ts and incidents.ts.
//
// Work is queued on an agenda as steps (data, see Step) and drained inside
// the current command, so a long chain of pass-through elements never grows
// the stack. Budgets keep one instance from holding up everyone:
// - a command runs at most `stepsPerCommand` steps or `sliceMs` of them; the
//   rest wait in their instances' state (`pending`, committed with it) and a
//   follow-up command continues them once that is committed, after whatever
//   other clients sent meanwhile;
// - an instance that goes `stepsWithoutWait` element entries without coming
//   to rest (every token waiting) is looping without a wait state: the
//   element being entered gets an incident naming the loop, and the engine
//   goes on.
import type { FlowNode, ProcessModel } from '../model/bpmn.ts';
import type { ElementInstance, ProcessInstance, Resource, Step } from '../store/entities.ts';
import { behave } from './elements.ts';
import type { Engine } from './engine.ts';
import { openScope, planScope, trigger } from './events.ts';
import { arriveAtJoin, chooseFlows, settleJoins } from './flows.ts';
import { asIncident, raiseIncident } from './incidents.ts';
import { applyInputs, applyOutputs } from './mappings.ts';
import { enterBody, innerCompleted, innerResults } from './multi-instance.ts';
import { propagate, setLocal, visibleVariables } from './variables.ts';

export interface StepBudget {
  /** Steps one command runs before the rest waits for a follow-up command. */
  stepsPerCommand: number;
  /** Milliseconds of steps one command runs before the rest waits (steps cost more when expressions are long). */
  sliceMs: number;
  /** Element entries an instance (with its called instances) may make without coming to rest: past it, an incident. */
  stepsWithoutWait: number;
}

export const defaultStepBudget: StepBudget = { stepsPerCommand: 500, sliceMs: 10, stepsWithoutWait: 10_000 };

/** Entries of a busy instance tree since it last came to rest, per element, to name the loop. */
interface Busy { entries: number; byElement: Map<string, number> }

export class Executor {
  private agenda: Array<(() => void) | Step> = [];
  private draining = false;
  /** Instances with steps waiting in `pending` for a follow-up command. */
  private readonly parked = new Set<number>();
  private readonly busy = new Map<number, Busy>();
  /** Element instance key -> process instance key, for commands addressed by element instance. */
  readonly owners = new Map<number, number>();
  /** Called when steps were left for a follow-up command (the engine schedules it). */
  onParked: () => void = () => {};

  constructor(readonly engine: Engine, readonly budget: StepBudget = defaultStepBudget) {}

  // ---------------------------------------------------------------- plumbing

  /** Runs a command's work now (or after the current step) with the agenda draining. */
  run(work: () => void): void {
    this.agenda.push(work);
    if (!this.draining) this.drain();
  }

  /** Queues a step of the current work. */
  queue(step: Step): void {
    this.agenda.push(step);
    if (!this.draining) this.drain();
  }

  private drain(): void {
    this.draining = true;
    let steps = 0;
    let sliceOver = false;
    const sliceEnds = performance.now() + this.budget.sliceMs;
    try {
      for (let i = 0; i < this.agenda.length; i++) {
        const item = this.agenda[i]!;
        if (typeof item === 'function') item();
        else if (sliceOver || steps >= this.budget.stepsPerCommand || (steps % 16 === 15 && performance.now() > sliceEnds)) {
          sliceOver = true;
          this.park(item);
        } else {
          steps++;
          this.perform(item);
        }
      }
    } finally {
      this.agenda = [];
      this.draining = false;
    }
    this.cameToRest();
  }

  private perform(step: Step): void {
    const instance = this.engine.state.instances.get(step.instanceKey);
    if (!instance) return;
    switch (step.kind) {
      case 'begin':
        this.begin(instance, step);
        return;
      case 'subscribe': {
        // an incident on the scope was resolved: once subscribed it may complete, if its tokens have meanwhile
        const element = instance.elements[step.elementKey];
        if (element && this.subscribe(instance, element)) this.settle(instance, element.key);
        return;
      }
      case 'activate':
        if (instance.elements[step.scopeKey]) this.activate(instance, step.elementId, step.scopeKey, step.viaFlow);
        return;
      case 'enter': {
        const element = instance.elements[step.elementKey];
        if (element) this.enter(instance, element);
        return;
      }
      case 'complete': {
        const element = instance.elements[step.elementKey];
        if (element) this.completeWithVariables(instance, element, step.variables ?? {});
        return;
      }
      case 'trigger': {
        const owner = instance.elements[step.ownerKey];
        if (owner) trigger(this, instance, owner, step.catchId, step.variables);
        return;
      }
      case 'correlate':
        this.engine.messages.correlateBuffered(step.subscriptionKey);
        return;
      case 'broadcast':
        this.engine.messages.broadcastNow(step.signalName, {});
        return;
    }
  }

  /** The command's slice is used up: the step waits in its instance for a follow-up command. */
  private park(step: Step): void {
    const instance = this.engine.state.instances.get(step.instanceKey);
    if (!instance) return;
    (instance.pending ??= []).push(step);
    this.touch(instance);
    this.parked.add(instance.key);
  }

  /** Instances with nothing parked came to rest: their loop budget starts again. */
  private cameToRest(): void {
    if (this.parked.size === 0) {
      this.busy.clear();
      return;
    }
    const busyRoots = new Set<number>();
    for (const key of this.parked) {
      const instance = this.engine.state.instances.get(key);
      if (instance) busyRoots.add(this.rootOf(instance).key);
    }
    for (const key of this.busy.keys()) if (!busyRoots.has(key)) this.busy.delete(key);
    this.onParked();
  }

  /** True when steps wait for a follow-up command. */
  hasParked(): boolean {
    return this.parked.size > 0;
  }

  /** Follow-up command: the parked steps run on (up to the next slice). */
  resume(): void {
    const keys = [...this.parked];
    this.parked.clear();
    this.run(() => {
      for (const key of keys) {
        const instance = this.engine.state.instances.get(key);
        if (!instance?.pending) continue;
        const steps = instance.pending;
        delete instance.pending;
        this.touch(instance);
        for (const step of steps) this.agenda.push(step);
      }
    });
  }

  /** After a restart: instances whose work was cut between commands go on. */
  loaded(instance: ProcessInstance): void {
    if (instance.pending && instance.pending.length > 0) this.parked.add(instance.key);
  }

  private rootOf(instance: ProcessInstance): ProcessInstance {
    let root = instance;
    for (let parent = root.parent && this.engine.state.instances.get(root.parent.instanceKey); parent; parent = parent.parent && this.engine.state.instances.get(parent.parent.instanceKey)) root = parent;
    return root;
  }

  /** Counts an element entry; true when the instance tree has used its budget without coming to rest. */
  private overBudget(instance: ProcessInstance, element: ElementInstance): boolean {
    const root = this.rootOf(instance).key;
    let busy = this.busy.get(root);
    if (!busy) this.busy.set(root, (busy = { entries: 0, byElement: new Map() }));
    busy.entries++;
    busy.byElement.set(element.elementId, (busy.byElement.get(element.elementId) ?? 0) + 1);
    return busy.entries > this.budget.stepsWithoutWait;
  }

  private loopMessage(instance: ProcessInstance, element: ElementInstance): string {
    const busy = this.busy.get(this.rootOf(instance).key)!;
    const most = [...busy.byElement].sort((a, b) => b[1] - a[1]).slice(0, 5).map(([id, count]) => `'${id}' ${count} times`).join(', ');
    return `Expected the process instance to reach a wait state within ${this.budget.stepsWithoutWait} element activations, but it went on without one and was stopped at '${element.elementId}'. `
      + `It loops through ${most}. Change what the loop's conditions read (SetVariables), then resolve this incident to go on.`;
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

  /**
   * The process instance starts: it subscribes to its event subprocesses'
   * start events, then its start event (or its start instructions) is
   * activated. A subscription that cannot be made (a correlation key that is
   * null) is an incident on the process instance, as in Zeebe; resolving it
   * begins again.
   */
  private begin(instance: ProcessInstance, step: Extract<Step, { kind: 'begin' }>): void {
    const root = instance.elements[instance.key];
    if (!root) return;
    const model = this.model(instance);
    try {
      openScope(this, instance, root, model.nodes.get(model.id)!);
    } catch (error) {
      const incident = asIncident(error, 'EXTRACT_VALUE_ERROR');
      const begin = { ...(step.startAt ? { startAt: step.startAt } : {}), ...(step.startEventId ? { startEventId: step.startEventId } : {}) };
      raiseIncident(this, instance, root, incident.errorType, incident.message, 'begin', { begin });
      return;
    }
    if (step.startAt && step.startAt.length > 0) {
      for (const elementId of step.startAt) this.activateInScopeChain(instance, elementId, undefined);
    } else {
      const start = step.startEventId ?? model.nodes.get(model.id)!.noneStart;
      if (start) this.activate(instance, start, root.key);
    }
  }

  /**
   * Opens the waits of a scope that a start instruction or a modification
   * created around the element it activates (checked before, see
   * checkScopeChain, so this fails only if what they read changed since);
   * on failure the scope gets an incident (its inner tokens go on) and
   * resolving it tries again. True when subscribed.
   */
  private subscribe(instance: ProcessInstance, scope: ElementInstance): boolean {
    try {
      openScope(this, instance, scope, this.node(instance, scope.elementId));
      return true;
    } catch (error) {
      const incident = asIncident(error, 'EXTRACT_VALUE_ERROR');
      raiseIncident(this, instance, scope, incident.errorType, incident.message, 'subscribe');
      return false;
    }
  }

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
    this.newElement(instance, model.id, 0, key);
    setLocal(instance, key, variables);
    this.queue({
      kind: 'begin', instanceKey: key,
      ...(options.startAt && options.startAt.length > 0 ? { startAt: options.startAt } : {}),
      ...(options.startEventId ? { startEventId: options.startEventId } : {}),
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
    if (ancestorKey !== undefined && ancestorKey > 0) candidates = candidates.filter((candidate) => this.descendsFrom(instance, candidate, ancestorKey));
    let scope = candidates[0];
    if (!scope) {
      const scopeNode = this.node(instance, scopeId);
      const parentKey = this.scopeInstanceFor(instance, scopeNode.scopeId, ancestorKey, variables);
      scope = this.newElement(instance, scopeId, parentKey);
      // The instruction's variables for the scope first: they are what its subscriptions may read.
      if (variables?.[scopeId]) setLocal(instance, scope.key, variables[scopeId]!);
      this.subscribe(instance, scope);
      return scope.key;
    }
    if (variables?.[scopeId]) setLocal(instance, scope.key, variables[scopeId]!);
    return scope.key;
  }

  /**
   * Evaluates, changing nothing, the subscriptions of the scopes that
   * `activateInScopeChain` would create around `elementId`, so that a start
   * instruction or modification whose subscriptions would fail is refused
   * whole, as Zeebe refuses it. `created` carries the scopes earlier
   * instructions of the same command create (with what they will see).
   * Returns the scope whose subscriptions would fail and why, or null.
   */
  checkScopeChain(
    instance: ProcessInstance, elementId: string, ancestorKey: number | undefined,
    variables: Record<string, Record<string, unknown>> | undefined, created = new Map<string, Record<string, unknown>>(),
  ): { scopeId: string; reason: string } | null {
    const planning = { scopeId: '' };
    try {
      this.plannedScope(instance, this.node(instance, elementId).scopeId, ancestorKey, variables, created, planning);
      return null;
    } catch (error) {
      return { scopeId: planning.scopeId, reason: asIncident(error, 'EXTRACT_VALUE_ERROR').message };
    }
  }

  /** The variables a (possibly still to be created) scope would see; plans its subscriptions when it would be created. */
  private plannedScope(
    instance: ProcessInstance, scopeId: string, ancestorKey: number | undefined, variables: Record<string, Record<string, unknown>> | undefined,
    created: Map<string, Record<string, unknown>>, planning: { scopeId: string },
  ): Record<string, unknown> {
    const model = this.model(instance);
    const root = instance.elements[instance.key];
    const known = created.get(scopeId);
    if (known) return known;
    if (scopeId === model.id) {
      const context = { ...(root ? visibleVariables(instance, instance.key) : {}), ...variables?.[''], ...variables?.[model.id] };
      if (!root) {
        planning.scopeId = scopeId;
        planScope(this, instance, { key: instance.key, elementId: model.id, scopeKey: 0 }, model.nodes.get(model.id)!, context);
        created.set(scopeId, context);
      }
      return context;
    }
    const existing = Object.values(instance.elements).find((e) => e.elementId === scopeId && e.mi !== 'body'
      && (ancestorKey === undefined || ancestorKey <= 0 || this.descendsFrom(instance, e, ancestorKey)));
    if (existing) return { ...visibleVariables(instance, existing.key), ...variables?.[scopeId] };
    const scopeNode = this.node(instance, scopeId);
    const context = { ...this.plannedScope(instance, scopeNode.scopeId, ancestorKey, variables, created, planning), ...variables?.[scopeId] };
    planning.scopeId = scopeId;
    planScope(this, instance, { key: 0, elementId: scopeId, scopeKey: 0 }, scopeNode, context);
    created.set(scopeId, context);
    return context;
  }

  private descendsFrom(instance: ProcessInstance, element: ElementInstance, ancestorKey: number): boolean {
    for (let e: ElementInstance | undefined = element; e; e = instance.elements[e.scopeKey]) if (e.key === ancestorKey) return true;
    return false;
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
    if (this.overBudget(instance, element)) {
      raiseIncident(this, instance, element, 'UNKNOWN', this.loopMessage(instance, element), 'activate');
      return;
    }
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
      this.queue({ kind: 'activate', instanceKey: instance.key, elementId: flow.target, scopeKey, viaFlow: flow.id });
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
