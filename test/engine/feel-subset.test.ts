// The engine's own FEEL evaluator (engine/feel-subset.ts) must answer exactly
// what feelin answers: for every expression in the diagrams of processes/, and
// for generated expressions over the subset's grammar (plus some outside it),
// with variables present, missing, null and of every wrong type. Where the
// subset is not sure it says so and feelin answers, so this compares the
// engine's evaluateRaw (the path every evaluation takes) with feelin itself.
import t from 'tap';
import fs from 'node:fs';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { evaluate } from '@bpmn-io/feelin';
import { evaluateRaw, FeelError } from '../../engine/feel.ts';
import { compile, evaluate as evaluateSubset, outside } from '../../engine/feel-subset.ts';

const processes = path.join(import.meta.dirname, '..', '..', 'processes');

function diagramFiles(folder: string): string[] {
  return fs.readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(folder, entry.name);
    if (entry.isDirectory()) return diagramFiles(file);
    return /\.(bpmn|dmn)$/.test(entry.name) ? [file] : [];
  });
}

const unescapeXml = (text: string) => text.replace(/&quot;|&#34;/g, '"').replace(/&apos;|&#39;/g, "'").replace(/&gt;/g, '>').replace(/&lt;/g, '<')
  .replace(/&#10;/g, '\n').replace(/&amp;/g, '&');

/** Every FEEL expression the diagrams carry (attribute values and element texts starting with "="), without the "=". */
function diagramExpressions(): string[] {
  const found = new Set<string>();
  for (const file of diagramFiles(processes)) {
    const xml = fs.readFileSync(file, 'utf8');
    for (const match of xml.matchAll(/="\s*=([^"]*)"|>\s*=([^<]*)</g)) found.add(unescapeXml(match[1] ?? match[2]!));
  }
  return [...found];
}

/** What feelin answers, comparable: a thrown error as 'fails', a function as 'a function'. */
function feelinAnswer(expression: string, context: Record<string, unknown>): unknown {
  try {
    const value = evaluate(expression, context).value;
    return typeof value === 'function' ? 'a function' : value;
  } catch {
    return 'fails';
  }
}

function engineAnswer(expression: string, context: Record<string, unknown>): unknown {
  try {
    const value = evaluateRaw(expression, context);
    return typeof value === 'function' ? 'a function' : value;
  } catch (error) {
    if (!(error instanceof FeelError)) throw error;
    return 'fails';
  }
}

/** Names an expression reads, as far as a context needs them. */
const namesIn = (expression: string) => [...new Set(expression.replace(/"[^"]*"/g, '').match(/[A-Za-z_][A-Za-z0-9_]*/g) ?? [])];

t.test('every expression in the diagrams is inside the subset, and answers as feelin does', async (t) => {
  const expressions = diagramExpressions();
  t.ok(expressions.length >= 50, `${expressions.length} distinct expressions found in processes/`);
  const names = [...new Set(expressions.flatMap(namesIn))].filter((name) => name !== 'string');
  const texts = [...new Set(expressions.flatMap((expression) => expression.match(/"[^"]*"/g) ?? []).map((text) => text.slice(1, -1)))];
  const every = (value: (name: string, index: number) => unknown) => Object.fromEntries(names.map((name, index) => [name, value(name, index)]));
  const contexts: Array<[string, Record<string, unknown>]> = [
    ['realistic', { ...every((_, i) => texts[i % texts.length]), districtId: 12, paymentAttempts: 2, amount: 1_500_000, approvalDecision: 'approve', workResult: 'done' }],
    ['at the limit', { ...every(() => 'return'), districtId: 0, paymentAttempts: 3, responseDecision: 'answered', inspectionResult: 'fail' }],
    ['missing', {}],
    ['null', every(() => null)],
    ['numbers', every((_, i) => i - 3)],
    ['booleans', every((_, i) => i % 2 === 0)],
    ['lists', every((_, i) => (i % 2 === 0 ? ['x'] : [1, 2]))],
    ['objects', every(() => ({ approve: 'approve', n: 1 }))],
    ['a name with a space beside', { ...every(() => 'done'), 'paymentAttempts + 1': 7, 'district id': 3 }],
  ];
  let bySubset = 0;
  for (const expression of expressions) {
    const tree = compile(expression);
    t.ok(tree, `${JSON.stringify(expression)} compiles into the subset`);
    if (tree && evaluateSubset(tree, contexts[0]![1]) !== outside) bySubset++;
    for (const [label, context] of contexts) {
      const expected = feelinAnswer(expression, context);
      const actual = engineAnswer(expression, context);
      if (!isDeepStrictEqual(actual, expected)) t.fail(`${JSON.stringify(expression)} with ${label} variables`, { actual, expected });
    }
  }
  t.equal(bySubset, expressions.length, 'with realistic variables every expression is answered without feelin');
});

t.test('edge cases: null, missing, wrong types, three-valued and/or, paths, text', async (t) => {
  const context = {
    a: 1, b: 2, zero: 0, half: 0.5, big: 9007199254740991, s: 'x', empty: '', t: true, f: false, n: null,
    o: { b: 5, c: { d: 'deep' }, n: null, 'odd key': 1 }, p: { q: 1 }, l: [1, 2], one: ['x'], e: [], string: 'shadow',
  };
  const cases = [
    // three-valued logic, every pair
    ...['t', 'f', 'n', 's', 'a', 'missing'].flatMap((x) => ['t', 'f', 'n', 's', 'a', 'missing'].flatMap((y) => [`${x} and ${y}`, `${x} or ${y}`])),
    'not(t)', 'not(f)', 'not(n)', 'not(s)', 'not(a)', 'not(l)', 'not(missing)', 'not(t and f)', 'not(a < b) or n',
    // comparisons across types
    ...['a', 's', 't', 'n', 'l', 'one', 'e', 'o', 'missing', '1', '"x"', 'null', 'true'].flatMap((x) => ['a', 's', 'n', 'one', '1', '"x"', 'null'].flatMap((y) =>
      ['=', '!=', '<', '<=', '>', '>='].map((op) => `${x} ${op} ${y}`))),
    'a < b and b < 3', 'a = 1 or s = "y"', 'half > 0.25', 'big + 1 > big', 'zero = -0', '-zero',
    // arithmetic and text
    'a + b', 'a - b', 'a * b', 'a / b', 'a / zero', 'zero / zero', 'a + s', 's + s', 's + a', 'n + 1', 'l + 1', 'o + o', 't + t', 's - s', 's * 2',
    '-a', '-s', '--a', '- a', '-1', '- 1', '1 + - 1', '-0', '[-0]', 'a -1', 'a-1', '-(1)', '-a + b', 'a + b * 2 - 1', '(a + b) * 2', 'a * (b - 3) / 4', '1.5 + 2.25', '"a" + "b" + string(a)',
    'string(a)', 'string(half)', 'string(t)', 'string(n)', 'string(s)', 'string(l)', 'string(o)', 'string(missing)', 'string(a, b)',
    // names and paths
    'missing', 'o.b', 'o.c.d', 'o.c.x', 'o.n', 'o.x.y', 'n.x', 's.x', 'a.x', 'l.b', 'missing.b', 'p.q', 'sum', 'now', 'count(l)',
    // lists
    '[]', '[a, s, n]', '[[a], [b]]', '["district-" + string(a) + ":clerk"]', '[missing]',
    // outside the subset: answered by feelin
    'a in [1, 2]', 'a between 0 and 3', 'a ** 2', 'if t then 1 else 2', 'a = b = c', '"a\\"b"', '// note\n a', 'a /* note */ + 1', 'o.odd key',
    'date("2026-01-01") < date("2027-01-01")', 'l[1]', 'count(l) > 1', 'a < true', 's < "y"', '12345678901234567890 > 1', 'years and months',
  ];
  let bySubset = 0;
  for (const expression of cases) {
    const tree = compile(expression);
    if (tree && evaluateSubset(tree, context) !== outside) bySubset++;
    const expected = feelinAnswer(expression, context);
    const actual = engineAnswer(expression, context);
    if (!isDeepStrictEqual(actual, expected)) t.fail(JSON.stringify(expression), { actual, expected });
  }
  t.ok(bySubset > cases.length / 2, `${bySubset} of ${cases.length} answered by the subset, the rest by feelin`);
  t.equal(compile('string(a)') !== null && evaluateSubset(compile('string(a)')!, context), outside, 'a variable named like a function sends its calls to feelin');
});

/** A small seeded generator (mulberry32), so a failure can be repeated. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let r = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
}

t.test('generated expressions answer as in feelin', async (t) => {
  const next = random(16);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const leaves = ['a', 'b', 's', 't', 'f', 'n', 'o', 'l', 'missing', 'o.b', 'o.c.d', 'n.x', '0', '1', '2.5', '"x"', '""', 'true', 'false', 'null', 'sum'];
  const binary = ['and', 'or', '=', '!=', '<', '<=', '>', '>=', '+', '-', '*', '/', 'in', '**'];
  const space = () => pick(['', ' ']);
  const expression = (depth: number): string => {
    const roll = next();
    if (depth === 0 || roll < 0.3) return pick(leaves);
    if (roll < 0.45) return `(${expression(depth - 1)})`;
    if (roll < 0.52) return `-${space()}${expression(depth - 1)}`;
    if (roll < 0.6) return `${pick(['not', 'string'])}(${expression(depth - 1)})`;
    if (roll < 0.66) return `[${expression(depth - 1)}, ${expression(depth - 1)}]`;
    const op = pick(binary);
    const around = /^[a-z]/.test(op) ? ' ' : space();
    return `${expression(depth - 1)}${around}${op}${around}${expression(depth - 1)}`;
  };
  const contexts: Array<Record<string, unknown>> = [
    { a: 1, b: 2, s: 'x', t: true, f: false, n: null, o: { b: 3, c: { d: 'x' } }, l: [1, 2] },
    { a: 'x', b: null, s: 2, t: 'true', f: 0, n: [], o: 'o', l: ['x'] },
    { a: 0, b: -1.5, s: '', t: false, f: true, n: { x: 1 }, o: { b: null }, l: [] },
    {},
  ];
  let bySubset = 0;
  let compared = 0;
  for (let i = 0; i < 1_500; i++) {
    const text = expression(3);
    const tree = compile(text);
    for (const context of contexts) {
      compared++;
      if (tree && evaluateSubset(tree, context) !== outside) bySubset++;
      const expected = feelinAnswer(text, context);
      const actual = engineAnswer(text, context);
      if (!isDeepStrictEqual(actual, expected)) t.fail(`${JSON.stringify(text)} with ${JSON.stringify(context)}`, { actual, expected });
    }
  }
  t.ok(bySubset > compared / 3, `${bySubset} of ${compared} generated evaluations answered by the subset, all equal to feelin's`);
});
