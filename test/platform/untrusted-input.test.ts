import t from 'tap';
import { findFault, jsonNestsDeeperThan, maxJsonDepth, textFault } from '../../platform/untrusted-input.ts';

t.test('text that PostgreSQL cannot store is named', async (t) => {
  t.equal(textFault('زهرا کریمی'), null);
  t.equal(textFault('emoji 🌳 pairs are fine'), null);
  t.equal(textFault('a\u0000b'), 'nul');
  t.equal(textFault('\ud800'), 'lone-surrogate', 'a high surrogate alone');
  t.equal(textFault('x\udc00'), 'lone-surrogate', 'a low surrogate alone');
  t.equal(textFault('\ud83c'), 'lone-surrogate', 'half an emoji');
});

t.test('nesting is measured on the text, before parsing, and strings do not count', async (t) => {
  t.notOk(jsonNestsDeeperThan('['.repeat(maxJsonDepth) + ']'.repeat(maxJsonDepth), maxJsonDepth));
  t.ok(jsonNestsDeeperThan('['.repeat(maxJsonDepth + 1), maxJsonDepth));
  t.ok(jsonNestsDeeperThan('['.repeat(100_000), maxJsonDepth), '100,000 deep');
  t.notOk(jsonNestsDeeperThan(JSON.stringify({ a: '['.repeat(1000), b: '\\"[[[' }), 3), 'brackets inside strings, escaped quotes');
});

t.test('the first fault of a parsed value comes with its JSON pointer', async (t) => {
  t.equal(findFault({ form: { name: 'زهرا', items: [1, 2, { note: 'ok' }] } }), null);
  t.same(findFault({ form: { items: ['ok', 'a\u0000'] } }), { pointer: '/form/items/1', fault: 'nul' });
  t.same(findFault({ 'a/b~c': '\ud800' }), { pointer: '/a~1b~0c', fault: 'lone-surrogate' });
  t.same(findFault({ ['key\u0000']: 1 }), { pointer: '/key\u0000', fault: 'nul' }, 'keys are text too');
  t.same(findFault(JSON.parse('{"a": {"__proto__": {}}}')), { pointer: '/a/__proto__', fault: 'prototype-key' });
  t.same(findFault({ n: JSON.parse('1e400') }), { pointer: '/n', fault: 'not-finite' });
  let deep: unknown = 1;
  for (let level = 0; level < 100_000; level++) deep = [deep];
  t.equal(findFault(deep)?.fault, 'too-deep', 'a parsed value 100,000 deep is refused without recursion');
  t.equal(findFault('plain'), null);
});

