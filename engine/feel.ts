// FEEL through @bpmn-io/feelin, with Zeebe's conventions: a string starting
// with "=" is an expression, anything else a static value; results are plain
// JSON (dates and durations become ISO strings) so they can be stored.
import { evaluate, parseExpression, parseUnaryTests, unaryTest } from '@bpmn-io/feelin';

export class FeelError extends Error {}

export function isExpression(value: string | undefined | null): value is string {
  return typeof value === 'string' && value.trimStart().startsWith('=');
}

function body(expression: string): string {
  return expression.trimStart().slice(1);
}

/** Syntax problem of an expression or unary test, for deploy-time validation; null when fine. */
export function syntaxProblem(expression: string, kind: 'expression' | 'unary' = 'expression'): string | null {
  try {
    const tree = kind === 'expression' ? parseExpression(expression, {}, undefined) : parseUnaryTests(expression, {}, undefined);
    let bad: string | null = null;
    tree.iterate({
      enter: (node) => {
        if (node.type.isError && bad === null) bad = `failed to parse expression '${expression}' at position ${node.from}`;
      },
    });
    return bad;
  } catch (error) {
    return `failed to parse expression '${expression}': ${(error as Error).message}`;
  }
}

function toJson(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'object') return typeof value === 'function' ? null : value;
  if (Array.isArray(value)) return value.map(toJson);
  const maybeTemporal = value as { toISO?: () => string | null; isLuxonDateTime?: boolean };
  if (typeof maybeTemporal.toISO === 'function') return maybeTemporal.toISO();
  const out: Record<string, unknown> = {};
  for (const [key, entry] of Object.entries(value)) out[key] = toJson(entry);
  return out;
}

/** Evaluates a FEEL expression (without the leading "="), raw feelin value. */
export function evaluateRaw(expression: string, context: Record<string, unknown>): unknown {
  try {
    return evaluate(expression, context).value;
  } catch (error) {
    throw new FeelError(`failed to evaluate expression '${expression}': ${(error as Error).message}`);
  }
}

/** Value of a Zeebe property: expression when it starts with "=", else the literal. */
export function valueOf(property: string, context: Record<string, unknown>): unknown {
  if (!isExpression(property)) return property;
  return toJson(evaluateRaw(body(property), context));
}

function typeName(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'boolean') return 'BOOLEAN';
  if (typeof value === 'number') return 'NUMBER';
  if (typeof value === 'string') return 'STRING';
  if (Array.isArray(value)) return 'ARRAY';
  return 'OBJECT';
}

export function expectType(expression: string, value: unknown, ...types: string[]): void {
  if (!types.includes(typeName(value))) {
    throw new FeelError(`Expected result of the expression '${body(expression)}' to be '${types.join("' or '")}', but was '${typeName(value)}'.`);
  }
}

export function booleanOf(expression: string, context: Record<string, unknown>): boolean {
  const value = valueOf(expression, context);
  expectType(expression, value, 'BOOLEAN');
  return value as boolean;
}

export function stringOf(property: string, context: Record<string, unknown>): string {
  const value = valueOf(property, context);
  expectType(property, value, 'STRING');
  return value as string;
}

/** Correlation keys may be strings or numbers, as in Zeebe. */
export function correlationKeyOf(property: string, context: Record<string, unknown>): string {
  const value = valueOf(property, context);
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return value;
  throw new FeelError(`Failed to extract the correlation key for '${body(property)}': The value must be either a string or a number, but was '${typeName(value)}'.`);
}

/** DMN unary tests against an input value ("?" in FEEL). */
export function unaryTestOf(tests: string, input: unknown, context: Record<string, unknown>): boolean {
  const text = tests.trim();
  if (text === '' || text === '-') return true;
  try {
    return unaryTest(text, { ...context, '?': input }).value === true;
  } catch (error) {
    throw new FeelError(`failed to evaluate unary tests '${text}': ${(error as Error).message}`);
  }
}

export function evaluateJson(expression: string, context: Record<string, unknown>): unknown {
  return toJson(evaluateRaw(expression, context));
}

export { body as expressionBody };
