// MigrateProcessInstance: a running instance moves to another process
// definition, element by element, as Zeebe's migration does: the process
// instance and each active element instance map to a target element of the
// same type in the same (mapped) flow scope; each keeps its key, its job
// (same key, type, retries, worker and deadline: jobs and expressions are not
// re-created), its incident and its variables.
//
// Catch events follow Zeebe's documented rules, for every element that has
// them (boundary events of an activity, the start events of a scope's event
// subprocesses, an intermediate catch event itself): a mapped catch event
// keeps its subscription or timer (same message name and correlation key,
// same due date); a source catch event left unmapped closes; a target catch
// event no mapping points to opens, evaluated against the instance's
// variables now. So a service's message event subprocess keeps listening when
// its start event is mapped (the modeler proposes same id -> same id), and a
// new boundary timer starts counting at the migration.
//
// Every check — and every expression of a subscription to open — runs before
// anything changes, so an instance is moved whole or refused untouched. What
// the engine cannot move faithfully is refused with the reason.
import type { FlowNode, ProcessModel } from '../model/bpmn.ts';
import type { ElementInstance, ProcessInstance, Resource } from '../store/entities.ts';
import type { Engine } from './engine.ts';
import { failedPrecondition, GatewayError, invalid, notFound } from './errors.ts';
import { planWaits } from './events.ts';
import { asIncident } from './incidents.ts';
import { visibleVariables } from './variables.ts';

export interface MigrationPlan {
  processInstanceKey: number;
  targetProcessDefinitionKey: number;
  mappingInstructions: Array<{ sourceElementId: string; targetElementId: string }>;
}

/** Element types whose active instances can move (the wait states, the scopes around them, a gateway held by an incident). */
const movable = new Set([
  'serviceTask', 'sendTask', 'userTask', 'scriptTask', 'businessRuleTask', 'receiveTask',
  'intermediateCatchEvent', 'subProcess', 'eventSubProcess', 'callActivity', 'exclusiveGateway',
]);

/** What an element instance moves to, with what happens to its catch events. */
interface Move {
  element: ElementInstance;
  to: FlowNode;
  /** Timers and subscriptions of catch events left unmapped: closed. */
  close: { timers: number[]; subscriptions: number[] };
  /** Catch events of the target no mapping points to: opened once the instance is on the target. */
  open: () => void;
}

export function migrateInstance(engine: Engine, plan: MigrationPlan): void {
  const { state, deployments, executor } = engine;
  const instance = state.instances.get(plan.processInstanceKey);
  if (!instance) throw notFound(`Expected to migrate process instance but no process instance found with key '${plan.processInstanceKey}'`);
  const target = deployments.processByKey(plan.targetProcessDefinitionKey);
  if (!target) throw notFound(`Expected to migrate process instance to process definition but no process definition found with key '${plan.targetProcessDefinitionKey}'`);
  if (target.tenantId !== instance.tenantId) throw notFound(`Expected to migrate process instance to process definition but no process definition found with key '${target.key}'`);
  const sourceModel = deployments.model(instance.processDefinitionKey);
  const targetModel = deployments.model(target.key);
  const mapping = mappingOf(instance, plan, sourceModel, targetModel);
  mapping.set(sourceModel.id, targetModel.id); // the process itself needs no instruction
  const refuse = (reason: string) => failedPrecondition(`Expected to migrate process instance '${instance.key}' but ${reason}`);
  if (instance.pending) throw refuse('it is in the middle of work a previous command left for the next one (its tokens are moving). Try again once it has reached a wait state.');
  if (instance.startedBy && target.resourceId !== instance.bpmnProcessId
    && engine.messages.hasStartedInstance(target.resourceId, instance.startedBy.name, instance.startedBy.correlationKey)) {
    throw refuse(`target process definition '${target.key}' has an active instance triggered by a message start event with correlation key '${instance.startedBy.correlationKey}'. Only one instance per correlation key is allowed for message start events.`);
  }

  const moves: Move[] = [];
  for (const element of Object.values(instance.elements)) {
    const from = sourceModel.nodes.get(element.elementId)!;
    const toId = mapping.get(from.id);
    if (toId === undefined) throw refuse(`no mapping instruction defined for active element with id '${from.id}'. Elements cannot be migrated without a mapping.`);
    const to = targetModel.nodes.get(toId)!;
    if (to.type !== from.type) throw refuse(`active element with id '${from.id}' and type '${from.type}' is mapped to an element with id '${to.id}' and different type '${to.type}'. Elements must be mapped to elements of the same type.`);
    if (element.key !== instance.key) {
      if (!movable.has(from.type)) throw refuse(`active element with id '${from.id}' has an unsupported type. The migration of a ${from.type} is not supported.`);
      if (element.mi || from.loop || to.loop) throw refuse(`active element with id '${from.id}' is a multi-instance activity, and this engine does not migrate multi-instance activities.`);
      const scope = instance.elements[element.scopeKey]!;
      if (to.scopeId !== mapping.get(scope.elementId)) throw refuse(`the flow scope of active element with id '${from.id}' is changed. The flow scope of the active element is expected to be '${mapping.get(scope.elementId)}' but was '${to.scopeId}'. The flow scope of an element cannot be changed during migration yet.`);
      checkImplementation(from, to, refuse);
    }
    if (element.joins) throw refuse(`element with id '${from.id}' has a gateway join in progress (tokens arrived at '${Object.keys(element.joins).join("', '")}'). Wait until the join completes.`);
    moves.push(planCatchEvents(engine, instance, element, from, to, sourceModel, targetModel, mapping, refuse));
  }
  executor.run(() => apply(engine, instance, target, moves, mapping));
}

function mappingOf(instance: ProcessInstance, plan: MigrationPlan, source: ProcessModel, target: ProcessModel): Map<string, string> {
  const mapping = new Map<string, string>();
  const prefix = `Expected to migrate process instance '${instance.key}'`;
  for (const { sourceElementId, targetElementId } of plan.mappingInstructions) {
    const from = source.nodes.get(sourceElementId);
    if (!from || from.type === 'process') throw invalid(`${prefix} but mapping instructions contain a non-existing source element id '${sourceElementId}'. Elements provided in mapping instructions must exist in the source process definition.`);
    const to = target.nodes.get(targetElementId);
    if (!to || to.type === 'process') throw invalid(`${prefix} but mapping instructions contain a non-existing target element id '${targetElementId}'. Elements provided in mapping instructions must exist in the target process definition.`);
    if (mapping.has(sourceElementId)) throw invalid(`${prefix} but the mapping instructions contain duplicate source element ids '[${sourceElementId}]'.`);
    mapping.set(sourceElementId, targetElementId);
  }
  return mapping;
}

/** A task keeps how it is carried out: a job stays a job (of the type it was made with, as in Zeebe), a script or decision evaluated by the engine stays one. */
function checkImplementation(from: FlowNode, to: FlowNode, refuse: (reason: string) => Error): void {
  if (Boolean(from.job) !== Boolean(to.job) || Boolean(from.script) !== Boolean(to.script) || Boolean(from.decision) !== Boolean(to.decision)) {
    throw refuse(`active element with id '${from.id}' is mapped to '${to.id}', which is implemented differently (job, script or called decision). The implementation of a task cannot be changed.`);
  }
}

/** The catch events an element instance of `node` owns: its boundary events, its event subprocesses' start events, or itself. */
function catchEventsOf(model: ProcessModel, node: FlowNode): FlowNode[] {
  const events = node.boundaries.map((id) => model.nodes.get(id)!);
  for (const id of node.eventSubprocesses) events.push(model.nodes.get(model.nodes.get(id)!.startEvents[0]!)!);
  if (node.type === 'intermediateCatchEvent' || node.type === 'receiveTask') events.push(node);
  return events;
}

const eventType = (node: FlowNode) => node.trigger?.kind ?? 'none';

/** Zeebe's catch event rules for one element instance; throws the refusal, or evaluates what it would open. */
function planCatchEvents(
  engine: Engine, instance: ProcessInstance, element: ElementInstance, from: FlowNode, to: FlowNode,
  source: ProcessModel, target: ProcessModel, mapping: Map<string, string>, refuse: (reason: string) => Error,
): Move {
  const { state, executor } = engine;
  const sources = catchEventsOf(source, from);
  const targets = new Map(catchEventsOf(target, to).map((node) => [node.id, node]));
  const mappedTo = new Map<string, string[]>();
  for (const event of sources) {
    const targetId = mapping.get(event.id);
    if (targetId === undefined) continue;
    const mapped = targets.get(targetId);
    if (!mapped) {
      throw refuse(`active element with id '${from.id}' is mapped to an element with id '${to.id}' and has a catch event with id '${event.id}' that is mapped to a catch event with id '${targetId}'. These mappings detach the catch event from the element in the target process. Catch events must stay attached to the same element instance.`);
    }
    if (eventType(event) !== eventType(mapped)) {
      throw refuse(`active element with id '${from.id}' has a catch event with id '${event.id}' that is mapped to a catch event with id '${targetId}'. These catch events have different event types: '${eventType(event)}' and '${eventType(mapped)}'. The event type of a catch event cannot be changed by process instance migration.`);
    }
    mappedTo.set(targetId, [...(mappedTo.get(targetId) ?? []), event.id]);
  }
  for (const [targetId, sourceIds] of mappedTo) {
    if (sourceIds.length > 1) throw refuse(`active element with id '${from.id}' has a catch event attached that is mapped to a catch event with id '${targetId}'. There are multiple mapping instructions that target this catch event: '${sourceIds.sort().join("', '")}'. Catch events cannot be merged by process instance migration.`);
  }

  const unmapped = (elementId: string) => !mapping.has(elementId);
  const close = {
    timers: (element.timerKeys ?? []).filter((key) => unmapped(state.timers.get(key)?.elementId ?? '')),
    subscriptions: (element.subscriptionKeys ?? []).filter((key) => unmapped(state.subscriptions.get(key)?.elementId ?? '')),
  };
  // A scope an interrupting event subprocess has taken over listens to nothing more, as in Zeebe.
  const interrupted = executor.children(instance, element.key).some((child) => {
    const node = source.nodes.get(child.elementId)!;
    return node.type === 'eventSubProcess' && source.nodes.get(node.startEvents[0]!)!.interrupting;
  });
  const opening = interrupted ? [] : [...targets.values()].filter((node) => !mappedTo.has(node.id));
  const subscribedNames = new Set((element.subscriptionKeys ?? []).map((key) => state.subscriptions.get(key)).filter((s) => s?.kind === 'message').map((s) => s!.name));
  let open: () => void;
  try {
    open = planWaits(executor, instance, element, opening.map((node) => ({ owner: element, node })), [], visibleVariables(instance, element.key), (node, name) => {
      if (subscribedNames.has(name)) {
        throw refuse(`active element with id '${from.id}' attempts to subscribe to a message it is already subscribed to with name '${name}'. Migrating active elements that subscribe to a message they are already subscribed to is not possible yet. Please provide a mapping instruction to message catch event with id '${node.id}' to migrate the respective message subscription.`);
      }
    });
  } catch (error) {
    if (error instanceof GatewayError) throw error;
    throw refuse(`active element with id '${from.id}' is mapped to element with id '${to.id}' that must be subscribed to a catch event. ${asIncident(error, 'EXTRACT_VALUE_ERROR').message}`);
  }
  return { element, to, close, open };
}

function apply(engine: Engine, instance: ProcessInstance, target: Resource, moves: Move[], mapping: Map<string, string>): void {
  const { state, executor } = engine;
  engine.messages.instanceEnded(instance); // re-indexed under the new process id below (message-start de-duplication)
  instance.processDefinitionKey = target.key;
  instance.bpmnProcessId = target.resourceId;
  instance.version = target.version;
  for (const { element, to, close } of moves) {
    element.elementId = to.id;
    for (const key of close.timers) state.remove('timers', key);
    for (const key of close.subscriptions) engine.messages.removeSubscription(key);
    element.timerKeys = element.timerKeys?.filter((key) => !close.timers.includes(key));
    element.subscriptionKeys = element.subscriptionKeys?.filter((key) => !close.subscriptions.includes(key));
    if (element.jobKey !== undefined) {
      const job = state.jobs.get(element.jobKey);
      if (job) {
        Object.assign(job, { elementId: to.id, bpmnProcessId: target.resourceId, processDefinitionKey: target.key, version: target.version });
        state.touch('jobs', job);
      }
    }
    for (const key of element.timerKeys ?? []) {
      const timer = state.timers.get(key)!;
      Object.assign(timer, { elementId: mapping.get(timer.elementId)!, processDefinitionKey: target.key });
      state.touch('timers', timer);
    }
    for (const key of element.subscriptionKeys ?? []) {
      const subscription = state.subscriptions.get(key)!;
      subscription.elementId = mapping.get(subscription.elementId)!;
      subscription.interrupting = engine.deployments.model(target.key).nodes.get(subscription.elementId)!.interrupting;
      state.touch('subscriptions', subscription);
    }
    if (element.incidentKey !== undefined) {
      const incident = state.incidents.get(element.incidentKey);
      if (incident) {
        incident.elementId = to.id;
        state.touch('incidents', incident);
      }
    }
  }
  for (const { open } of moves) open();
  engine.messages.instanceStarted(instance);
  executor.touch(instance);
}
