// Catching events: the subscriptions and timers an element waits on (catch
// events, event-based gateways, boundary events, event subprocess starts),
// what happens when one is triggered, and how a thrown BPMN error finds its
// catcher up the scopes and call activities.
import { correlationKeyOf, isExpression, stringOf, valueOf } from '../feel.ts';
import type { FlowNode } from '../model/bpmn.ts';
import { timerSchedule } from '../model/timers.ts';
import type { ElementInstance, ProcessInstance, Subscription, Timer } from '../store/entities.ts';
import type { Executor } from './executor.ts';
import { IncidentError } from './incidents.ts';
import { visibleVariables } from './variables.ts';

type Catch = { owner: ElementInstance; node: FlowNode };

/**
 * What a scope or activity waits on while it is active: its boundary events
 * (an inner multi-instance iteration leaves them to its body) and the start
 * events of its event subprocesses (waiting on the scope's element instance).
 * Opened on entering it; evaluated whole before anything is created, so a
 * failing expression (a correlation key that is null, a timer that is not
 * one) leaves nothing half-open and can become an incident that is retried.
 */
export function openScope(executor: Executor, instance: ProcessInstance, element: ElementInstance, node: FlowNode): void {
  planScope(executor, instance, element, node, visibleVariables(instance, element.key))();
}

/** Evaluates what `openScope` would open against `context`; the returned function creates it. Throws FeelError or IncidentError. */
export function planScope(executor: Executor, instance: ProcessInstance, element: ElementInstance, node: FlowNode, context: Record<string, unknown>): () => void {
  const starts = node.eventSubprocesses.map((id) => ({ owner: element, node: eventSubprocessStart(executor, instance, id) }));
  return planWaits(executor, instance, element, starts, element.mi === 'inner' ? [] : node.boundaries, context);
}

function eventSubprocessStart(executor: Executor, instance: ProcessInstance, subprocessId: string): FlowNode {
  return executor.node(instance, executor.node(instance, subprocessId).startEvents[0]!);
}

/** Opens subscriptions and timers: catch events owned by `owner`, plus the element's boundary events. Evaluates everything before creating anything. */
export function openWaits(executor: Executor, instance: ProcessInstance, element: ElementInstance, catches: Catch[], boundaryIds: string[]): void {
  planWaits(executor, instance, element, catches, boundaryIds, visibleVariables(instance, element.key))();
}

/**
 * Evaluates the waits of catch events owned by `element` (and its boundary
 * events) against `context`; the returned function opens them. `checkMessage`
 * may refuse a message subscription by its evaluated name (migration does).
 */
export function planWaits(
  executor: Executor, instance: ProcessInstance, element: ElementInstance, catches: Catch[], boundaryIds: string[], context: Record<string, unknown>,
  checkMessage?: (node: FlowNode, name: string) => void,
): () => void {
  const all = [...catches, ...boundaryIds.map((id) => ({ owner: element, node: executor.node(instance, id) }))];
  const plans: Array<() => void> = [];
  for (const { owner, node } of all) {
    const trigger = node.trigger;
    if (!trigger || trigger.kind === 'error' || trigger.kind === 'none') continue;
    plans.push(planWait(executor, instance, owner, node, context, checkMessage));
  }
  return () => {
    for (const plan of plans) plan();
  };
}

function planWait(
  executor: Executor, instance: ProcessInstance, owner: ElementInstance, node: FlowNode, context: Record<string, unknown>,
  checkMessage?: (node: FlowNode, name: string) => void,
): () => void {
  const trigger = node.trigger!;
  const { engine } = executor;
  if (trigger.kind === 'timer') {
    const raw = trigger.timer!.value;
    const value = isExpression(raw) ? valueOf(raw, context) : raw;
    if (typeof value !== 'string') throw new IncidentError('EXTRACT_VALUE_ERROR', `Expected result of the timer expression '${raw}' to be a string, but was '${JSON.stringify(value)}'.`);
    const schedule = timerSchedule(trigger.timer!.type, value, engine.clock.now());
    if (typeof schedule === 'string') throw new IncidentError('EXTRACT_VALUE_ERROR', `Invalid timer of '${node.id}': ${schedule}`);
    return () => {
      const timer: Timer = {
        key: engine.state.nextKey(), dueAt: schedule.dueAt, elementId: node.id, processDefinitionKey: instance.processDefinitionKey,
        processInstanceKey: instance.key, elementInstanceKey: owner.key,
      };
      if (schedule.interval && !node.interrupting) {
        timer.repetitions = schedule.repetitions;
        timer.interval = schedule.interval;
      }
      engine.addTimer(timer);
      (owner.timerKeys ??= []).push(timer.key);
      executor.touch(instance);
    };
  }
  const kind = trigger.kind === 'message' ? 'message' : 'signal';
  const name = kind === 'message' ? stringOf(trigger.messageName!, context) : trigger.signalName!;
  const correlationKey = kind === 'message' ? correlationKeyOf(trigger.correlationKey!, context) : undefined;
  if (kind === 'message') checkMessage?.(node, name);
  return () => {
    const subscription: Subscription = {
      key: engine.state.nextKey(), kind, name, processInstanceKey: instance.key, elementInstanceKey: owner.key, elementId: node.id,
      interrupting: node.interrupting,
    };
    if (correlationKey !== undefined) subscription.correlationKey = correlationKey;
    engine.messages.addSubscription(subscription);
    (owner.subscriptionKeys ??= []).push(subscription.key);
    executor.touch(instance);
  };
}

/** A message, timer or signal arrived for `owner` at the catch event `catchId`. */
export function trigger(executor: Executor, instance: ProcessInstance, owner: ElementInstance, catchId: string, variables: Record<string, unknown>): void {
  const catchNode = executor.node(instance, catchId);
  if (catchNode.type === 'boundaryEvent') {
    const scopeKey = owner.scopeKey;
    if (catchNode.interrupting) executor.terminate(instance, owner);
    activateTriggered(executor, instance, catchId, scopeKey, variables);
    executor.settle(instance, scopeKey);
    return;
  }
  if (catchNode.type === 'startEvent') {
    if (catchNode.interrupting) interruptScope(executor, instance, owner);
    startEventSubprocess(executor, instance, owner, catchNode, variables);
    return;
  }
  if (owner.elementId !== catchId) {
    // event-based gateway: the first event wins and closes the others
    const scopeKey = owner.scopeKey;
    executor.dropElement(instance, owner);
    activateTriggered(executor, instance, catchId, scopeKey, variables);
    return;
  }
  executor.completeWithVariables(instance, owner, variables);
}

/** An interrupting event subprocess takes over the scope: its other event subprocess starts close and its tokens end. */
function interruptScope(executor: Executor, instance: ProcessInstance, scope: ElementInstance): void {
  executor.closeWaits(instance, scope, (elementId) => executor.node(instance, elementId).type === 'startEvent');
  for (const child of executor.children(instance, scope.key)) executor.terminate(instance, child);
}

/**
 * The event subprocess of `start` begins in `scope`: entered like any
 * subprocess (input mappings, its own event subprocesses — an incident on it
 * when those fail), then its start event takes the trigger's variables.
 */
function startEventSubprocess(executor: Executor, instance: ProcessInstance, scope: ElementInstance, start: FlowNode, variables: Record<string, unknown>): void {
  const subprocess = executor.newElement(instance, start.scopeId, scope.key);
  subprocess.triggeredBy = { catchId: start.id, variables };
  executor.enter(instance, subprocess);
}

/** On entering an event subprocess (see startEventSubprocess): the start event that triggered it completes. */
export function startTriggered(executor: Executor, instance: ProcessInstance, subprocess: ElementInstance): void {
  const triggered = subprocess.triggeredBy;
  if (!triggered) return;
  delete subprocess.triggeredBy;
  executor.touch(instance);
  activateTriggered(executor, instance, triggered.catchId, subprocess.key, triggered.variables);
}

function activateTriggered(executor: Executor, instance: ProcessInstance, elementId: string, scopeKey: number, variables: Record<string, unknown>): void {
  const element = executor.newElement(instance, elementId, scopeKey);
  executor.queue({ kind: 'complete', instanceKey: instance.key, elementKey: element.key, variables });
}

/** Throws a BPMN error from `from`; true when an error event subprocess or boundary event caught it. */
export function throwError(executor: Executor, instance: ProcessInstance, from: ElementInstance, code: string, message: string, variables: Record<string, unknown>): boolean {
  void message; // Zeebe hands the message to the catch event only through errorMessageVariable, which the model does not read yet
  let current: ElementInstance | undefined = from;
  let currentInstance = instance;
  let cameFrom: ElementInstance | undefined;
  while (current) {
    const node = executor.node(currentInstance, current.elementId);
    const eventSubprocesses = node.eventSubprocesses.filter((id) => id !== cameFrom?.elementId);
    const starts = eventSubprocesses.map((id) => eventSubprocessStart(executor, currentInstance, id))
      .filter((start) => start.trigger!.kind === 'error');
    const start = starts.find((s) => s.trigger!.errorCode === code) ?? starts.find((s) => !s.trigger!.errorCode);
    if (start) {
      interruptScope(executor, currentInstance, current);
      startEventSubprocess(executor, currentInstance, current, start, variables);
      return true;
    }
    if (current.mi !== 'inner') {
      const boundaries = node.boundaries.map((id) => executor.node(currentInstance, id)).filter((b) => b.trigger!.kind === 'error');
      const boundary = boundaries.find((b) => b.trigger!.errorCode === code) ?? boundaries.find((b) => !b.trigger!.errorCode);
      if (boundary) {
        const scopeKey = current.scopeKey;
        executor.terminate(currentInstance, current);
        activateTriggered(executor, currentInstance, boundary.id, scopeKey, variables);
        return true;
      }
    }
    cameFrom = current;
    if (current.key === currentInstance.key) {
      const parentRef = currentInstance.parent;
      const parent = parentRef && executor.engine.state.instances.get(parentRef.instanceKey);
      if (!parent) return false;
      currentInstance = parent;
      current = parent.elements[parentRef!.elementInstanceKey];
      cameFrom = undefined;
    } else current = currentInstance.elements[current.scopeKey];
  }
  return false;
}
