// A small FEEL evaluator for the expressions the diagrams use most, parsed
// once. feelin's API takes no parsed tree, so it parses an expression against
// the variables on every evaluation — a gateway condition, a candidate group
// or a counter costs a parse each time it runs. What this module compiles is
// a strict subset whose meaning it reproduces exactly as feelin 6.1 gives it
// (test/engine/feel-subset.test.ts checks every expression of processes/ and
// generated ones against feelin):
//
//   literals     "text" (no escapes), 12, 1.5, true, false, null, [a, b]
//   names        requestId, form.decision (paths into objects)
//   operators    = != < <= > >=, + - * / (and unary -), and, or, ( )
//   functions    string(x), not(x)
//
// Anything else — or anything whose meaning in feelin depends on more than
// this module reproduces (a variable named with spaces or symbols, which
// feelin's parser may read as one name; a list or object compared or turned
// into text; a name that is a built-in function) — gives `outside`, and the
// caller asks feelin instead. So compile() says "maybe", evaluate() decides
// per evaluation, and feelin stays the reference for everything it is not
// sure of.
import { evaluate as feelinEvaluate } from '@bpmn-io/feelin';

export const outside = Symbol('outside the FEEL subset');
type Outcome = unknown;

type Comparison = '=' | '!=' | '<' | '<=' | '>' | '>=';
type Arithmetic = '+' | '-' | '*' | '/';
export type Compiled =
  | { kind: 'literal'; value: string | number | boolean | null }
  | { kind: 'name'; name: string }
  | { kind: 'path'; target: Compiled; name: string }
  | { kind: 'list'; items: Compiled[] }
  | { kind: 'call'; fn: 'string' | 'not'; argument: Compiled }
  | { kind: 'compare'; op: Comparison; left: Compiled; right: Compiled }
  | { kind: 'arithmetic'; op: Arithmetic; left: Compiled; right: Compiled }
  | { kind: 'and' | 'or'; left: Compiled; right: Compiled };

/** One ASCII word: the only names (of variables, and of their object's keys) the subset reads. */
const plainName = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Words FEEL reads as more than a name (keywords, literals, constructors). */
const reserved = new Set(['true', 'false', 'null', 'and', 'or', 'not', 'for', 'in', 'return', 'if', 'then', 'else', 'some', 'every', 'satisfies',
  'instance', 'of', 'between', 'function', 'external', 'date', 'time', 'duration', 'string']);

type Token = { kind: 'name' | 'text' | 'number' | 'symbol'; text: string; spaceBefore: boolean };

/** Tokens of the subset; null on any character or form it does not know (comments among them). */
function tokenize(source: string): Token[] | null {
  const tokens: Token[] = [];
  let i = 0;
  let spaceBefore = false;
  while (i < source.length) {
    const c = source[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
      spaceBefore = true;
      continue;
    }
    const rest = source.slice(i);
    const match = /^[A-Za-z_][A-Za-z0-9_]*/.exec(rest) ?? /^[0-9]+(?:\.[0-9]+)?(?![A-Za-z0-9_.])/.exec(rest) ?? /^"[^"\\\n\r]*"/.exec(rest)
      ?? /^(?:!=|<=|>=|\/(?![/*])|[=<>+\-*()[\],.])/.exec(rest);
    if (!match) return null;
    const text = match[0];
    const kind = /^[A-Za-z_]/.test(text) ? 'name' : /^[0-9]/.test(text) ? 'number' : text.startsWith('"') ? 'text' : 'symbol';
    tokens.push({ kind, text, spaceBefore });
    i += text.length;
    spaceBefore = false;
  }
  return tokens;
}

class Unsupported extends Error {}

/** Recursive descent over the subset, with FEEL's precedence: or < and < comparison < + - < * < unary - < path. */
class Parser {
  private at = 0;
  constructor(private readonly tokens: Token[]) {}

  parse(): Compiled {
    const expression = this.disjunction();
    if (this.at !== this.tokens.length) throw new Unsupported();
    return expression;
  }

  private peek(offset = 0): Token | undefined {
    return this.tokens[this.at + offset];
  }

  private isSymbol(text: string): boolean {
    const token = this.peek();
    return token?.kind === 'symbol' && token.text === text;
  }

  private isWord(word: string): boolean {
    const token = this.peek();
    return token?.kind === 'name' && token.text === word;
  }

  private expect(text: string): void {
    if (!this.isSymbol(text)) throw new Unsupported();
    this.at++;
  }

  private disjunction(): Compiled {
    return this.logical('or', () => this.logical('and', () => this.comparison()));
  }

  /** `operand (word operand)*`, grouped from the left. */
  private logical(word: 'and' | 'or', operand: () => Compiled): Compiled {
    let left = operand();
    while (this.isWord(word)) {
      this.at++;
      left = { kind: word, left, right: operand() };
    }
    return left;
  }

  private comparison(): Compiled {
    const left = this.additive();
    const token = this.peek();
    if (token?.kind === 'symbol' && ['=', '!=', '<', '<=', '>', '>='].includes(token.text)) {
      this.at++;
      const right = this.additive();
      const next = this.peek();
      // a = b = c and friends: not worth knowing how feelin groups them.
      if (next?.kind === 'symbol' && ['=', '!=', '<', '<=', '>', '>='].includes(next.text)) throw new Unsupported();
      return { kind: 'compare', op: token.text as Comparison, left, right };
    }
    return left;
  }

  private additive(): Compiled {
    let left = this.multiplicative();
    while (this.isSymbol('+') || this.isSymbol('-')) {
      const op = this.peek()!.text as Arithmetic;
      this.at++;
      left = { kind: 'arithmetic', op, left, right: this.multiplicative() };
    }
    return left;
  }

  private multiplicative(): Compiled {
    let left = this.unary();
    while (this.isSymbol('*') || this.isSymbol('/')) {
      const op = this.peek()!.text as Arithmetic;
      this.at++;
      if (this.isSymbol('*')) throw new Unsupported(); // ** (power)
      left = { kind: 'arithmetic', op, left, right: this.unary() };
    }
    return left;
  }

  private unary(): Compiled {
    if (this.isSymbol('-')) {
      this.at++;
      // feelin reads a minus before a number as part of the number (-0 stays -0; "- 1" is NaN there).
      if (this.peek()?.kind === 'number') throw new Unsupported();
      // Before anything else, feelin computes -x as 0 - x, with the same type rules.
      return { kind: 'arithmetic', op: '-', left: { kind: 'literal', value: 0 }, right: this.unary() };
    }
    return this.postfix();
  }

  private postfix(): Compiled {
    let target = this.primary();
    while (this.isSymbol('.')) {
      const dot = this.peek()!;
      const name = this.peek(1);
      if (dot.spaceBefore || !name || name.kind !== 'name' || name.spaceBefore || reserved.has(name.text)) throw new Unsupported();
      this.at += 2;
      target = { kind: 'path', target, name: name.text };
    }
    if (this.isSymbol('[') || this.isSymbol('(')) throw new Unsupported(); // filters, calls of results
    return target;
  }

  private primary(): Compiled {
    const token = this.peek();
    if (!token) throw new Unsupported();
    this.at++;
    if (token.kind === 'text') return { kind: 'literal', value: token.text.slice(1, -1) };
    if (token.kind === 'number') {
      const value = Number(token.text);
      if (!Number.isSafeInteger(value) && !token.text.includes('.')) throw new Unsupported();
      return { kind: 'literal', value };
    }
    if (token.kind === 'name') {
      if (token.text === 'true' || token.text === 'false') return { kind: 'literal', value: token.text === 'true' };
      if (token.text === 'null') return { kind: 'literal', value: null };
      if ((token.text === 'string' || token.text === 'not') && this.isSymbol('(')) {
        this.at++;
        const argument = this.disjunction();
        this.expect(')');
        return { kind: 'call', fn: token.text, argument };
      }
      if (reserved.has(token.text) || this.isSymbol('(')) throw new Unsupported();
      return { kind: 'name', name: token.text };
    }
    if (token.text === '(') {
      const inner = this.disjunction();
      this.expect(')');
      return inner;
    }
    if (token.text === '[') {
      const items: Compiled[] = [];
      if (this.isSymbol(']')) {
        this.at++;
        return { kind: 'list', items };
      }
      for (;;) {
        items.push(this.disjunction());
        if (this.isSymbol(']')) {
          this.at++;
          return { kind: 'list', items };
        }
        this.expect(',');
      }
    }
    throw new Unsupported();
  }
}

/** The subset's tree of an expression (without the leading "="), or null when it lies outside. */
export function compile(expression: string): Compiled | null {
  if (expression.length > 1_000) return null;
  const tokens = tokenize(expression);
  if (!tokens || tokens.length === 0) return null;
  try {
    return new Parser(tokens).parse();
  } catch (error) {
    if (error instanceof Unsupported) return null;
    throw error;
  }
}

/** Whether the tree is more than one name or literal (then the variables' names can change how feelin parses it). */
export function isCompound(tree: Compiled): boolean {
  return tree.kind !== 'name' && tree.kind !== 'literal';
}

/**
 * Whether feelin reads these variables' names as this module does: every
 * name one plain word that is no keyword. A name such as "amount + 1" or
 * "a and b" would be read by feelin's parser as one variable.
 */
export function plainNames(context: Record<string, unknown>): boolean {
  if (Object.getPrototypeOf(context) !== Object.prototype) return false;
  for (const key in context) {
    if (plainKeys.has(key)) continue;
    if (!plainName.test(key) || reserved.has(key)) return false;
    if (plainKeys.size >= 10_000) plainKeys.clear();
    plainKeys.add(key);
  }
  return true;
}
/** Names already found plain: the same few dozen variable names come back in every evaluation. */
const plainKeys = new Set<string>();

const builtinNames = new Map<string, boolean>();
/** Whether feelin answers a missing variable of this name with one of its built-in functions. */
function isBuiltin(name: string): boolean {
  let known = builtinNames.get(name);
  if (known === undefined) {
    known = feelinEvaluate(name, {}).value !== null;
    builtinNames.set(name, known);
  }
  return known;
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype;

type Primitive = string | number | boolean | null;
const isPrimitive = (value: unknown): value is Primitive =>
  value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';

/** FEEL's three-valued logic: anything but a boolean counts as null. */
const truth = (value: unknown): boolean | null => (typeof value === 'boolean' ? value : null);

/** feelin's equality for two primitives: null equals only null, different types are null. */
function equals(a: Primitive, b: Primitive): boolean | null {
  if ((a === null) !== (b === null)) return false;
  if (a === null) return true;
  if (typeof a !== typeof b) return null;
  return a === b;
}

/** The value of a compiled expression, or `outside` when feelin must answer it. */
export function evaluate(tree: Compiled, context: Record<string, unknown>): Outcome {
  switch (tree.kind) {
    case 'literal':
      return tree.value;
    case 'name': {
      const value = Object.hasOwn(context, tree.name) ? context[tree.name] : undefined;
      if (value !== undefined) return value;
      return isBuiltin(tree.name) ? outside : null;
    }
    case 'path': {
      const target = evaluate(tree.target, context);
      if (target === outside) return outside;
      if (target === null || typeof target === 'string' || typeof target === 'number' || typeof target === 'boolean') return null;
      if (!isPlainObject(target) || !plainNames(target)) return outside; // lists project, other keys may parse differently
      const value = Object.hasOwn(target, tree.name) ? target[tree.name] : undefined;
      return value === undefined ? null : value;
    }
    case 'list': {
      const items: unknown[] = [];
      for (const item of tree.items) {
        const value = evaluate(item, context);
        if (value === outside) return outside;
        items.push(value);
      }
      return items;
    }
    case 'call': {
      if (Object.hasOwn(context, tree.fn)) return outside;
      const argument = evaluate(tree.argument, context);
      if (argument === outside) return outside;
      if (tree.fn === 'not') return typeof argument === 'boolean' ? !argument : null;
      if (argument === null) return null;
      return typeof argument === 'string' ? argument : typeof argument === 'number' || typeof argument === 'boolean' ? String(argument) : outside;
    }
    case 'and':
    case 'or': {
      const left = evaluate(tree.left, context);
      if (left === outside) return outside;
      const right = evaluate(tree.right, context);
      if (right === outside) return outside;
      const a = truth(left);
      const b = truth(right);
      if (tree.kind === 'and') return a === false || b === false ? false : a === true && b === true ? true : null;
      return a === true || b === true ? true : a === false && b === false ? false : null;
    }
    case 'arithmetic': {
      const left = evaluate(tree.left, context);
      if (left === outside) return outside;
      const right = evaluate(tree.right, context);
      if (right === outside) return outside;
      if (typeof left === 'number' && typeof right === 'number') {
        switch (tree.op) {
          case '+': return left + right;
          case '-': return left - right;
          case '*': return left * right;
          case '/': return right === 0 ? null : left / right;
        }
      }
      if (tree.op === '+' && typeof left === 'string' && typeof right === 'string') return left + right;
      return null;
    }
    case 'compare': {
      const left = evaluate(tree.left, context);
      if (left === outside) return outside;
      const right = evaluate(tree.right, context);
      if (right === outside) return outside;
      if (tree.op === '=' || tree.op === '!=') {
        if (!isPrimitive(left) || !isPrimitive(right)) return outside; // lists of one are unwrapped, objects compared deeply
        const same = equals(left, right);
        return tree.op === '=' ? same : !same;
      }
      if (right === null) return null;
      if (typeof right !== 'number') return outside; // text ranges, and errors for other types
      if (left === null) return null;
      if (typeof left !== 'number') return outside;
      switch (tree.op) {
        case '<': return left < right;
        case '<=': return left <= right;
        case '>': return left > right;
        case '>=': return left >= right;
      }
    }
  }
}
