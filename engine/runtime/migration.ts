// MigrateProcessInstance: a running instance moves to another process
// definition, element by element, as Zeebe's migration does: each active
// element instance maps to a target element of the same type in the same
// (mapped) flow scope; it keeps its key, its job (same key, retries, worker
// and deadline), its timers and subscriptions and its incident; variables stay.
// Every check runs before anything changes, so an instance is moved whole or
// not at all. What the engine cannot move faithfully is refused with the reason.
import type { FlowNode, ProcessModel } from '../model/bpmn.ts';
import type { ElementInstance, ProcessInstance, Resource } from '../store/entities.ts';
import type { Engine } from './engine.ts';
import { failedPrecondition, invalid, notFound } from './errors.ts';

export interface MigrationPlan {
  processInstanceKey: number;
  targetProcessDefinitionKey: number;
  mappingInstructions: Array<{ sourceElementId: string; targetElementId: string }>;
}

/** Element types whose active instances can move (the wait states and the scopes around them). */
const movable = new Set([
  'serviceTask', 'sendTask', 'userTask', 'scriptTask', 'businessRuleTask', 'receiveTask',
  'intermediateCatchEvent', 'subProcess', 'callActivity',
]);

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

export function migrateInstance(engine: Engine, plan: MigrationPlan): void {
  const { state, deployments } = engine;
  const instance = state.instances.get(plan.processInstanceKey);
  if (!instance) throw notFound(`Expected to migrate process instance with key '${plan.processInstanceKey}', but no such process instance was found`);
  const target = deployments.processByKey(plan.targetProcessDefinitionKey);
  if (!target) throw notFound(`Expected to migrate process instance to process definition with key '${plan.targetProcessDefinitionKey}', but no such process definition was found`);
  if (target.tenantId !== instance.tenantId) throw notFound(`Expected to migrate process instance to process definition with key '${target.key}', but no such process definition was found for tenant '${instance.tenantId}'`);
  const sourceModel = deployments.model(instance.processDefinitionKey);
  const targetModel = deployments.model(target.key);
  const mapping = mappingOf(instance, plan, sourceModel, targetModel);
  const prefix = `Expected to migrate process instance '${instance.key}'`;
  const refuse = (reason: string) => failedPrecondition(`${prefix} but ${reason}`);
  if (instance.pending) throw refuse('it is in the middle of work a previous command left for the next one (its tokens are moving). Try again once it has reached a wait state.');

  const moves: Array<{ element: ElementInstance; from: FlowNode; to: FlowNode }> = [];
  for (const element of Object.values(instance.elements)) {
    if (element.key === instance.key) continue;
    const from = sourceModel.nodes.get(element.elementId)!;
    const toId = mapping.get(from.id);
    if (toId === undefined) throw refuse(`no mapping instruction is defined for active element with id '${from.id}'. Elements cannot be migrated without a mapping.`);
    const to = targetModel.nodes.get(toId)!;
    if (to.type !== from.type) throw refuse(`active element with id '${from.id}' and type '${from.type}' is mapped to an element with id '${to.id}' and different type '${to.type}'. Elements must be mapped to elements of the same type.`);
    if (!movable.has(from.type)) throw refuse(`active element with id '${from.id}' has the unsupported type '${from.type}'. The migration of a ${from.type} is not supported.`);
    if (element.mi || from.loop || to.loop) throw refuse(`active element with id '${from.id}' is a multi-instance activity, and this engine does not migrate multi-instance activities.`);
    const scope = element.scopeKey === instance.key ? null : instance.elements[element.scopeKey];
    const expectedScope = scope ? mapping.get(scope.elementId) : targetModel.id;
    if (to.scopeId !== expectedScope) throw refuse(`the flow scope of active element with id '${from.id}' would change from '${from.scopeId}' to '${to.scopeId}'. The flow scope of an active element cannot be changed.`);
    if (element.joins) throw refuse(`element with id '${from.id}' has a gateway join in progress (tokens arrived at '${Object.keys(element.joins).join("', '")}'). Wait until the join completes.`);
    checkBehaviour(from, to, refuse);
    checkBoundaries(engine, element, from, to, sourceModel, targetModel, mapping, refuse);
    if (from.eventSubprocesses.length > 0 || to.eventSubprocesses.length > 0) throw refuse(`the scope '${from.id}' or its target '${to.id}' has event subprocesses, and this engine does not migrate their subscriptions.`);
    moves.push({ element, from, to });
  }
  const root = sourceModel.nodes.get(sourceModel.id)!;
  const targetRoot = targetModel.nodes.get(targetModel.id)!;
  const rootElement = instance.elements[instance.key]!;
  if (rootElement.joins) throw refuse(`the process has a gateway join in progress (tokens arrived at '${Object.keys(rootElement.joins).join("', '")}'). Wait until the join completes.`);
  if (root.eventSubprocesses.length > 0 || targetRoot.eventSubprocesses.length > 0) throw refuse(`the source or target process has event subprocesses, and this engine does not migrate their subscriptions.`);

  apply(engine, instance, target, targetModel, moves, mapping);
}

function mappingOf(instance: ProcessInstance, plan: MigrationPlan, source: ProcessModel, target: ProcessModel): Map<string, string> {
  const mapping = new Map<string, string>();
  const prefix = `Expected to migrate process instance '${instance.key}'`;
  for (const { sourceElementId, targetElementId } of plan.mappingInstructions) {
    const from = source.nodes.get(sourceElementId);
    if (!from || from.type === 'process') throw invalid(`${prefix} but mapping instructions contain a non-existing source element id '${sourceElementId}'. Elements provided in mapping instructions must exist in the source process definition.`);
    const to = target.nodes.get(targetElementId);
    if (!to || to.type === 'process') throw invalid(`${prefix} but mapping instructions contain a non-existing target element id '${targetElementId}'. Elements provided in mapping instructions must exist in the target process definition.`);
    if (mapping.has(sourceElementId)) throw invalid(`${prefix} but the mapping instructions contain duplicate source element ids '${sourceElementId}'.`);
    mapping.set(sourceElementId, targetElementId);
  }
  return mapping;
}

/** What the element does while it waits must stay the same: a job of the same type, the same message, timer or called process. */
function checkBehaviour(from: FlowNode, to: FlowNode, refuse: (reason: string) => Error): void {
  const what = `active element with id '${from.id}' is mapped to '${to.id}'`;
  if (Boolean(from.job) !== Boolean(to.job) || Boolean(from.script) !== Boolean(to.script) || Boolean(from.decision) !== Boolean(to.decision)) {
    throw refuse(`${what}, which is implemented differently (job, script or called decision). The implementation of a task cannot be changed.`);
  }
  if (from.job && to.job && from.job.type !== to.job.type) throw refuse(`${what}, whose job type '${to.job.type}' differs from '${from.job.type}'. This engine migrates a job only to the same job type.`);
  if (!same(from.trigger, to.trigger)) throw refuse(`${what}, whose event definition (message name and correlation key, timer or signal) differs. This engine migrates an event only to the same definition.`);
  if (from.call && to.call && from.call.processId !== to.call.processId) throw refuse(`${what}, which calls a different process ('${to.call.processId}' instead of '${from.call.processId}').`);
}

/** Boundary events with open waits must map to boundary events of the target element with the same definition; none may be added. */
function checkBoundaries(
  engine: Engine, element: ElementInstance, from: FlowNode, to: FlowNode, source: ProcessModel, target: ProcessModel,
  mapping: Map<string, string>, refuse: (reason: string) => Error,
): void {
  const waiting = new Set<string>();
  for (const key of element.timerKeys ?? []) { const timer = engine.state.timers.get(key); if (timer) waiting.add(timer.elementId); }
  for (const key of element.subscriptionKeys ?? []) { const sub = engine.state.subscriptions.get(key); if (sub) waiting.add(sub.elementId); }
  const mappedTargets = new Set<string>();
  for (const boundaryId of from.boundaries) {
    const boundary = source.nodes.get(boundaryId)!;
    const mappedId = mapping.get(boundaryId);
    if (mappedId === undefined) {
      if (waiting.has(boundaryId) || boundary.trigger?.kind === 'error') throw refuse(`the boundary event '${boundaryId}' of active element '${from.id}' is not mapped. Map it to a boundary event of '${to.id}'; this engine does not remove boundary events from an active element.`);
      continue;
    }
    const mapped = target.nodes.get(mappedId)!;
    if (mapped.attachedTo !== to.id) throw refuse(`the mapping instruction for boundary event '${boundaryId}' detaches it from active element '${from.id}' (its target '${mappedId}' is not attached to '${to.id}').`);
    if (!same(boundary.trigger, mapped.trigger) || boundary.interrupting !== mapped.interrupting) throw refuse(`the boundary event '${boundaryId}' is mapped to '${mappedId}', whose event definition differs.`);
    if (mappedTargets.has(mappedId)) throw refuse(`multiple mapping instructions target the same boundary event '${mappedId}'.`);
    mappedTargets.add(mappedId);
  }
  for (const boundaryId of to.boundaries) {
    if (!mappedTargets.has(boundaryId)) throw refuse(`the target element '${to.id}' has the boundary event '${boundaryId}' that no source boundary event maps to. This engine does not add boundary events to an active element.`);
  }
}

function apply(engine: Engine, instance: ProcessInstance, target: Resource, targetModel: ProcessModel, moves: Array<{ element: ElementInstance; to: FlowNode }>, mapping: Map<string, string>): void {
  const { state } = engine;
  engine.messages.instanceEnded(instance); // re-indexed under the new process id below (message-start de-duplication)
  instance.processDefinitionKey = target.key;
  instance.bpmnProcessId = target.resourceId;
  instance.version = target.version;
  instance.elements[instance.key]!.elementId = targetModel.id;
  for (const { element, to } of moves) {
    element.elementId = to.id;
    if (element.jobKey !== undefined) {
      const job = state.jobs.get(element.jobKey);
      if (job) {
        Object.assign(job, { elementId: to.id, bpmnProcessId: target.resourceId, processDefinitionKey: target.key, version: target.version });
        state.touch('jobs', job);
      }
    }
    for (const key of element.timerKeys ?? []) {
      const timer = state.timers.get(key);
      if (!timer) continue;
      Object.assign(timer, { elementId: mapping.get(timer.elementId) ?? to.id, processDefinitionKey: target.key });
      state.touch('timers', timer);
    }
    for (const key of element.subscriptionKeys ?? []) {
      const subscription = state.subscriptions.get(key);
      if (!subscription) continue;
      subscription.elementId = mapping.get(subscription.elementId) ?? to.id;
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
  engine.messages.instanceStarted(instance);
  state.touch('instances', instance);
}
