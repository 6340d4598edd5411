// The README's configuration table is what an operator reads: it must list
// every variable the code reads, with the code's default.
import t from 'tap';
import fs from 'node:fs';
import { describeConfig } from '../platform/config.ts';

const readme = fs.readFileSync(new URL('../README.md', import.meta.url), 'utf8');

t.test('the README documents every configuration variable with its default', async (t) => {
  const rows = new Map(
    [...readme.matchAll(/^\| `([A-Z0-9_]+)` \| ([^|]+) \|/gm)].map((match) => [match[1], match[2]!.trim()]),
  );
  for (const variable of describeConfig()) {
    const documented = rows.get(variable.name);
    t.ok(documented, `${variable.name} is in the table`);
    t.equal(documented, variable.default === undefined ? 'unset' : `\`${variable.default}\``, `${variable.name}'s default`);
  }
  t.equal(rows.size, describeConfig().length, 'and the table lists nothing the code does not read');
});

t.test('the quick start is the two commands package.json runs', async (t) => {
  t.match(readme, /npm install && npm start/);
  t.match(readme, /^npm test\b/m);
  const { scripts } = JSON.parse(fs.readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  t.ok(scripts.start && scripts.test, 'both scripts exist');
});
