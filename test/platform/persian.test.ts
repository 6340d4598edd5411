import t from 'tap';
import { jalaliDate, jalaliParts, normaliseDeep, normaliseInput, persianDigits, searchKey } from '../../platform/persian.ts';

t.test('input is normalised: digits to ASCII, Arabic letters to Persian', async (t) => {
  t.equal(normaliseInput('۱۲۳٤٥٦'), '123456');
  t.equal(normaliseInput('علي كريمي'), 'علی کریمی');
  t.equal(normaliseInput('می‌خواهم'), 'می‌خواهم', 'ZWNJ is kept in text');
  t.equal(searchKey('مجوز  قطع‌درخت'), 'مجوز قطعدرخت', 'search keys drop ZWNJ and collapse spaces');
  t.same(normaliseDeep({ a: ['۱', { b: 'ي' }], n: 2 }), { a: ['1', { b: 'ی' }], n: 2 });
});

t.test('dates are shown on the Jalali calendar in Tehran time', async (t) => {
  const nowruz = new Date('2026-03-20T21:00:00Z'); // 00:30 on 1 Farvardin 1405 in Tehran
  t.same(jalaliParts(nowruz), { year: 1405, month: 1, day: 1 });
  t.match(jalaliDate(nowruz), /فروردین/);
  t.match(jalaliDate(nowruz), /۱۴۰۵/);
  t.equal(persianDigits(2024), '۲۰۲۴');
});

t.test('normaliseDeep walks without recursion: nesting 100,000 deep does not overflow the stack', async (t) => {
  let deep: unknown = '۱';
  for (let level = 0; level < 100_000; level++) deep = [deep];
  let inner = normaliseDeep(deep);
  for (let level = 0; level < 100_000; level++) inner = (inner as unknown[])[0];
  t.equal(inner, '1');
  const keyed = normaliseDeep(JSON.parse('{"__proto__": {"polluted": "ي"}}'));
  t.equal(({} as Record<string, unknown>).polluted, undefined, 'a __proto__ key stays a key');
  t.same(Object.getOwnPropertyDescriptor(keyed, '__proto__')?.value, { polluted: 'ی' });
});
