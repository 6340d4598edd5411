// Multi-instance activities: a body element instance holds the loop state and
// spawns one inner instance per item (all at once when parallel, one after
// another when sequential), gathers the output collection and stops early
// when the completion condition holds.
import { booleanOf, valueOf } from '../feel.ts';
import type { FlowNode } from '../model/bpmn.ts';
import type { ElementInstance, ProcessInstance } from '../store/entities.ts';
import { openScope } from './events.ts';
import type { Executor } from './executor.ts';
import { IncidentError } from './incidents.ts';
import { setLocal, visibleVariables } from './variables.ts';

export function enterBody(executor: Executor, instance: ProcessInstance, body: ElementInstance, node: FlowNode): void {
  const loop = node.loop!;
  const items = valueOf(loop.inputCollection!, visibleVariables(instance, body.key));
  if (!Array.isArray(items)) throw new IncidentError('EXTRACT_VALUE_ERROR', `Expected result of the expression '${loop.inputCollection}' to be 'ARRAY', but was '${items === null ? 'NULL' : typeof items}'.`);
  openScope(executor, instance, body, node);
  body.loop = { items, next: 0, active: 0, completed: 0, outputs: items.map(() => null) };
  if (loop.outputCollection) setLocal(instance, body.key, { [loop.outputCollection]: body.loop.outputs });
  executor.touch(instance);
  if (items.length === 0) {
    executor.complete(instance, body);
    return;
  }
  const count = loop.sequential ? 1 : items.length;
  for (let i = 0; i < count; i++) spawnInner(executor, instance, body, node);
}

function spawnInner(executor: Executor, instance: ProcessInstance, body: ElementInstance, node: FlowNode): void {
  const loopState = body.loop!;
  const index = loopState.next++;
  loopState.active++;
  const inner = executor.newElement(instance, node.id, body.key);
  inner.mi = 'inner';
  const local: Record<string, unknown> = { loopCounter: index + 1 };
  if (node.loop!.inputElement) local[node.loop!.inputElement] = loopState.items[index];
  setLocal(instance, inner.key, local);
  executor.queue({ kind: 'enter', instanceKey: instance.key, elementKey: inner.key });
}

/** An inner instance is leaving: its output element goes into the body's collection; true when the completion condition holds. */
export function innerResults(instance: ProcessInstance, inner: ElementInstance, node: FlowNode): boolean {
  const body = instance.elements[inner.scopeKey]!;
  const loop = node.loop!;
  const context = visibleVariables(instance, inner.key);
  if (loop.outputElement && loop.outputCollection) {
    const counter = instance.variables[inner.key]?.loopCounter as number;
    body.loop!.outputs[counter - 1] = valueOf(loop.outputElement, context);
    setLocal(instance, body.key, { [loop.outputCollection]: body.loop!.outputs });
  }
  return loop.completionCondition ? booleanOf(loop.completionCondition, context) : false;
}

export function innerCompleted(executor: Executor, instance: ProcessInstance, body: ElementInstance, node: FlowNode, conditionMet: boolean): void {
  const loopState = body.loop!;
  loopState.active--;
  loopState.completed++;
  executor.touch(instance);
  if (conditionMet) {
    for (const inner of executor.children(instance, body.key)) executor.terminate(instance, inner);
    executor.complete(instance, body);
    return;
  }
  if (loopState.next < loopState.items.length && node.loop!.sequential) {
    spawnInner(executor, instance, body, node);
    return;
  }
  if (loopState.completed >= loopState.items.length) executor.complete(instance, body);
}
