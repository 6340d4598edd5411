// The engine answers a variable's name, a short text and a whole number
// without asking feelin to parse them (engine/feel.ts): each answer must be
// the one feelin gives, for variables present, missing, null, false, nested,
// inherited, named like a built-in function or like a keyword.
import t from 'tap';
import { evaluate } from '@bpmn-io/feelin';
import { evaluateRaw, FeelError, valueOf } from '../../engine/feel.ts';

const contexts: Array<Record<string, unknown>> = [
  { requestId: 'r-1', districtId: 12, zero: 0, nothing: null, no: false, form: { a: 1 }, list: [1, 'two'], count: 5, now: 'mine', date: 'd', gone: undefined },
  {},
  Object.create({ inherited: 1 }) as Record<string, unknown>,
];
const expressions = ['requestId', ' districtId ', 'zero', 'nothing', 'no', 'form', 'list', 'count', 'now', 'date', 'gone', 'missing', 'inherited',
  'today', 'true', 'null', 'not', 'for', 'constructor', 'toString', '__proto__',
  '"completed"', '""', '"a b"', '"x\\"y"', '"line\\nbreak"', '"ع"', '0', '007', '123456789012345', '1.5', '-1'];

function failureOf(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  return undefined;
}

function plain(value: unknown): unknown {
  return typeof value === 'function' ? 'a function' : value;
}

t.test('what is answered without a parse is what feelin answers', async (t) => {
  for (const [index, context] of contexts.entries()) {
    for (const expression of expressions) {
      let expected: unknown;
      try {
        expected = plain(evaluate(expression, context).value);
      } catch {
        t.ok(failureOf(() => evaluateRaw(expression, context)) instanceof FeelError, `${JSON.stringify(expression)} in context ${index} fails as in feelin`);
        continue;
      }
      t.same(plain(evaluateRaw(expression, context)), expected, `${JSON.stringify(expression)} in context ${index}`);
    }
  }
});

t.test('a variable answered without a parse is still held to the size budget', async (t) => {
  const huge = Array.from({ length: 200_000 }, (_, i) => i);
  const failure = failureOf(() => valueOf('=huge', { huge }));
  t.ok(failure instanceof FeelError, 'a variable past the value budget is refused as any other result');
  t.match((failure as Error).message, /more than 100000 values/);
});
