// Zeebe's input and output mappings: inputs become local variables of the
// element instance on entering; outputs are propagated to the enclosing scope
// on leaving. Targets may be dotted paths (`a.b.c`).
import { valueOf } from '../feel.ts';
import type { FlowNode } from '../model/bpmn.ts';
import type { ElementInstance, ProcessInstance } from '../store/entities.ts';
import type { Executor } from './executor.ts';
import { propagate, setLocal, visibleVariables } from './variables.ts';

export function applyInputs(executor: Executor, instance: ProcessInstance, element: ElementInstance, node: FlowNode): void {
  if (node.inputs.length === 0) return;
  // Each mapping sees the visible variables with the earlier mappings' results over them.
  const context = visibleVariables(instance, element.key);
  const local: Record<string, unknown> = {};
  for (const mapping of node.inputs) assignOver(context, local, mapping.target, valueOf(mapping.source, context));
  setLocal(instance, element.key, local);
  executor.touch(instance);
}

export function applyOutputs(instance: ProcessInstance, element: ElementInstance, node: FlowNode): void {
  if (node.outputs.length === 0) return;
  const context = visibleVariables(instance, element.key);
  const results: Record<string, unknown> = {};
  for (const mapping of node.outputs) assignOver(context, results, mapping.target, valueOf(mapping.source, context));
  propagate(instance, element.scopeKey, results);
}

/**
 * Sets the target in `results` and lays its top-level variable over
 * `context` (a fresh merged copy, visibleVariables), which so reads as
 * `{ ...visible, ...results }` without copying every variable per mapping.
 */
function assignOver(context: Record<string, unknown>, results: Record<string, unknown>, target: string, value: unknown): void {
  assignPath(results, target, value);
  const top = target.split('.', 1)[0]!;
  if (top !== '__proto__') context[top] = results[top]; // a spread never copied that one either
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
