// Zeebe's variable scoping: every element instance may hold local variables;
// reading sees the chain from the element up to the process; writing without
// "local" lands in the nearest scope that already has the name, else in the
// process scope.
import type { ElementInstance, ProcessInstance } from '../store/entities.ts';

export function scopeChain(instance: ProcessInstance, key: number): number[] {
  const chain: number[] = [];
  let current: ElementInstance | undefined = instance.elements[key];
  while (current) {
    chain.push(current.key);
    current = current.scopeKey === 0 ? undefined : instance.elements[current.scopeKey];
  }
  if (chain[chain.length - 1] !== instance.key) chain.push(instance.key);
  return chain;
}

export function visibleVariables(instance: ProcessInstance, key: number): Record<string, unknown> {
  const chain = scopeChain(instance, key);
  const merged: Record<string, unknown> = {};
  for (let i = chain.length - 1; i >= 0; i--) {
    const scope = instance.variables[chain[i]!];
    if (scope) Object.assign(merged, scope);
  }
  return merged;
}

export function setLocal(instance: ProcessInstance, key: number, variables: Record<string, unknown>): void {
  if (Object.keys(variables).length === 0) return;
  const scope = (instance.variables[key] ??= {});
  Object.assign(scope, variables);
}

export function propagate(instance: ProcessInstance, fromKey: number, variables: Record<string, unknown>): void {
  const chain = scopeChain(instance, fromKey);
  for (const [name, value] of Object.entries(variables)) {
    let target = instance.key;
    for (const key of chain) {
      const scope = instance.variables[key];
      if (scope && Object.prototype.hasOwnProperty.call(scope, name)) {
        target = key;
        break;
      }
    }
    (instance.variables[target] ??= {})[name] = value;
  }
}

export function pick(variables: Record<string, unknown>, names: string[] | undefined): Record<string, unknown> {
  if (!names || names.length === 0) return variables;
  const picked: Record<string, unknown> = {};
  for (const name of names) if (Object.prototype.hasOwnProperty.call(variables, name)) picked[name] = variables[name];
  return picked;
}
