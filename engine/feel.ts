// FEEL through @bpmn-io/feelin, with Zeebe's conventions: a string starting
// with "=" is an expression, anything else a static value; results are plain
// JSON (dates and durations become ISO strings) so they can be stored.
//
// Budgets: an expression that can run long (loops, ranges, quantifiers,
// function definitions, regular expressions, or a long text) is evaluated
// under a time limit — V8 interrupts it, so `count(for i in 1..10000000
// return i)` stops at the limit instead of eating gigabytes; a result must be
// small enough and storable (engine/values.ts). Either failure is a FeelError,
// which the executor turns into an incident on that one instance. Expressions
// longer than maxExpressionLength are refused at deploy, before parsing
// (feelin's parser slows down sharply with length).
import { evaluate, parseExpression, parseUnaryTests, unaryTest } from '@bpmn-io/feelin';
import vm from 'node:vm';
import { compile, evaluate as evaluateSubset, isCompound, outside, plainNames, type Compiled } from './feel-subset.ts';
import { valueProblem } from './values.ts';

export class FeelError extends Error {}

/** Longest expression a diagram may carry (deploy refuses longer ones). */
export const maxExpressionLength = 4_000;

/** Time and size budget of one evaluation; `timeMs` may be changed (engine option). */
export const feelBudget = { timeMs: 200, values: 100_000, textLength: 4_000_000 };

/** Constructs whose cost grows with data or with themselves, not with the expression's length. */
const mayRunLong = /\b(?:for|some|every|function|matches|replace|split)\b|\.\./;
const guardContext = vm.createContext({});
const guardScript = new vm.Script('run()');

/** Runs an evaluation, under the time budget when the expression may run long. */
function guarded<T>(expression: string, run: () => T): T {
  if (expression.length <= 500 && !mayRunLong.test(expression)) return run();
  (guardContext as { run?: () => T }).run = run;
  try {
    return guardScript.runInContext(guardContext, { timeout: feelBudget.timeMs }) as T;
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') {
      throw new FeelError(`failed to evaluate expression '${shorten(expression)}': it ran longer than the engine's FEEL time budget of ${feelBudget.timeMs} ms`);
    }
    throw error;
  } finally {
    (guardContext as { run?: () => T }).run = undefined;
  }
}

function shorten(expression: string): string {
  return expression.length > 200 ? `${expression.slice(0, 200)}…` : expression;
}

export function isExpression(value: string | undefined | null): value is string {
  return typeof value === 'string' && value.trimStart().startsWith('=');
}

function body(expression: string): string {
  return expression.trimStart().slice(1);
}

/**
 * Syntax problem of an expression or unary test, for deploy-time validation;
 * null when fine. Known per text: the diagrams repeat the same few dozen
 * expressions thousands of times (=requestId in every call of a shared step).
 */
export function syntaxProblem(expression: string, kind: 'expression' | 'unary' = 'expression'): string | null {
  const key = `${kind}:${expression}`;
  let problem = syntaxProblems.get(key);
  if (problem === undefined) {
    problem = parsedProblem(expression, kind);
    if (syntaxProblems.size >= 10_000) syntaxProblems.clear();
    syntaxProblems.set(key, problem);
  }
  return problem;
}
const syntaxProblems = new Map<string, string | null>();

function parsedProblem(expression: string, kind: 'expression' | 'unary'): string | null {
  if (expression.length > maxExpressionLength) {
    return `the expression '${shorten(expression)}' is ${expression.length} characters long; the engine accepts at most ${maxExpressionLength}`;
  }
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

/**
 * Expressions inside the subset engine/feel-subset.ts reproduces (names,
 * texts, numbers, comparisons, and/or, + - * /, paths, lists, string() and
 * not()) are parsed once and kept here; feelin, whose API takes no parsed
 * tree, would parse them against the variables on every evaluation (a fifth
 * of the engine's CPU in a simulated month before the first shortcut). The
 * subset answers `outside` whenever it is not sure to give feelin's answer,
 * and feelin answers instead.
 */
const compiled = new Map<string, Compiled | null>();
const compiledLimit = 10_000;

function compiledOf(expression: string): Compiled | null {
  let tree = compiled.get(expression);
  if (tree === undefined) {
    tree = compile(expression);
    if (compiled.size >= compiledLimit) compiled.clear(); // only diagrams carry expressions: this is a bound, not a cache policy
    compiled.set(expression, tree);
  }
  return tree;
}

function withoutParse(expression: string, context: Record<string, unknown>): unknown {
  const tree = compiledOf(expression);
  // A compound expression reads differently in feelin when a variable's name has spaces or symbols.
  if (!tree || (isCompound(tree) && !plainNames(context))) return outside;
  return evaluateSubset(tree, context);
}

/** Evaluates a FEEL expression (without the leading "="), raw feelin value. */
export function evaluateRaw(expression: string, context: Record<string, unknown>): unknown {
  const known = withoutParse(expression, context);
  if (known !== outside) return known;
  try {
    return guarded(expression, () => evaluate(expression, context).value);
  } catch (error) {
    if (error instanceof FeelError) throw error;
    throw new FeelError(`failed to evaluate expression '${shorten(expression)}': ${(error as Error).message}`);
  }
}

/** The JSON form of a result, if it is one the engine can keep. */
function resultOf(expression: string, raw: unknown): unknown {
  let json: unknown;
  try {
    json = toJson(raw);
  } catch (error) {
    throw new FeelError(`failed to evaluate expression '${shorten(expression)}': its result cannot be kept (${(error as Error).message})`);
  }
  const problem = valueProblem(json, '', { values: feelBudget.values, textBytes: feelBudget.textLength });
  if (problem) {
    throw new FeelError(`Expected the result of the expression '${shorten(expression)}' to be a value the engine can keep, but ${problem.path ? `at '${problem.path}' it` : 'it'} ${problem.problem}.`);
  }
  return json;
}

/** Value of a Zeebe property: expression when it starts with "=", else the literal. */
export function valueOf(property: string, context: Record<string, unknown>): unknown {
  if (!isExpression(property)) return property;
  const expression = body(property);
  return resultOf(expression, evaluateRaw(expression, context));
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
    return guarded(text, () => unaryTest(text, { ...context, '?': input }).value === true);
  } catch (error) {
    if (error instanceof FeelError) throw error;
    throw new FeelError(`failed to evaluate unary tests '${shorten(text)}': ${(error as Error).message}`);
  }
}

export function evaluateJson(expression: string, context: Record<string, unknown>): unknown {
  return resultOf(expression, evaluateRaw(expression, context));
}

export { body as expressionBody };
