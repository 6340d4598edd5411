// Sequence flows out of an element (conditions and default flows of exclusive
// and inclusive gateways) and joining gateways (parallel: every incoming flow
// arrived; inclusive: those, or no other token left in the scope).
import { booleanOf } from '../feel.ts';
import type { FlowNode } from '../model/bpmn.ts';
import type { ElementInstance, ProcessInstance } from '../store/entities.ts';
import type { Executor } from './executor.ts';
import { IncidentError } from './incidents.ts';
import { visibleVariables } from './variables.ts';

export function chooseFlows(instance: ProcessInstance, element: ElementInstance, node: FlowNode): string[] {
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

export function arriveAtJoin(executor: Executor, instance: ProcessInstance, node: FlowNode, scopeKey: number, viaFlow: string): void {
  const scope = instance.elements[scopeKey]!;
  const joins = (scope.joins ??= {});
  const arrived = (joins[node.id] ??= []);
  arrived.push(viaFlow);
  executor.touch(instance);
  if (node.incoming.every((flow) => arrived.includes(flow))) {
    fireJoin(executor, instance, scope, node);
    return;
  }
  if (node.type === 'inclusiveGateway' && executor.children(instance, scopeKey).length === 0) fireJoin(executor, instance, scope, node);
}

/** The scope has no token left: an inclusive join with arrivals fires; a parallel one keeps waiting. */
export function settleJoins(executor: Executor, instance: ProcessInstance, scope: ElementInstance): void {
  const model = executor.model(instance);
  for (const gatewayId of Object.keys(scope.joins!)) {
    const gateway = model.nodes.get(gatewayId)!;
    if (gateway.type === 'inclusiveGateway' && scope.joins![gatewayId]!.length > 0) {
      fireJoin(executor, instance, scope, gateway);
      return;
    }
  }
}

function fireJoin(executor: Executor, instance: ProcessInstance, scope: ElementInstance, node: FlowNode): void {
  const arrived = scope.joins![node.id]!;
  for (const flow of node.incoming) {
    const index = arrived.indexOf(flow);
    if (index >= 0) arrived.splice(index, 1);
  }
  if (node.type === 'inclusiveGateway') arrived.length = 0;
  if (arrived.length === 0) delete scope.joins![node.id];
  if (Object.keys(scope.joins!).length === 0) delete scope.joins;
  const element = executor.newElement(instance, node.id, scope.key);
  executor.enter(instance, element);
}
