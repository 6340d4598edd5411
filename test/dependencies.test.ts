// What package.json promises about what npm installs, held against the lock
// file (every platform's packages, not only this machine's): every Node
// version `engines` admits runs every package (no EBADENGINE warning, no
// package that needs a newer Node than the README names), and every package
// with an install script has npm's allowScripts answer (true: it runs; false:
// denied), so `npm install` asks nobody to review a script.
import t from 'tap';
import fs from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const semver = require('semver') as { subset(range: string, superset: string): boolean; minVersion(range: string): { major: number; minor: number } | null };
const read = (file: string) => JSON.parse(fs.readFileSync(new URL(`../${file}`, import.meta.url), 'utf8'));
const manifest = read('package.json') as { engines: { node: string }; allowScripts: Record<string, boolean> };
const lock = read('package-lock.json') as { packages: Record<string, { version?: string; engines?: { node?: string } | string[]; hasInstallScript?: boolean }> };
const installed = Object.entries(lock.packages).filter(([location]) => location.startsWith('node_modules/'))
  .map(([location, entry]) => ({ name: location.slice(location.lastIndexOf('node_modules/') + 'node_modules/'.length), ...entry }));

t.test('every Node version package.json admits runs every installed package', async (t) => {
  const ours = manifest.engines.node;
  const tooNew = installed.filter((entry) => {
    const theirs = Array.isArray(entry.engines) ? undefined : entry.engines?.node;
    return theirs !== undefined && !semver.subset(ours, theirs);
  }).map((entry) => `${entry.name}@${entry.version} needs node ${(entry.engines as { node: string }).node}`);
  t.same(tooNew, [], `engines.node ${ours}`);
  const oldest = semver.minVersion(ours)!;
  const readme = fs.readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  t.match(readme, `Node ${oldest.major}.${oldest.minor}`, `the README names Node ${oldest.major}.${oldest.minor} as the oldest`);
});

t.test('every install script is allowed or denied in allowScripts', async (t) => {
  const withScripts = [...new Set(installed.filter((entry) => entry.hasInstallScript).map((entry) => entry.name))].sort();
  t.ok(withScripts.includes('esbuild'), 'the lock file records install scripts');
  t.same(withScripts.filter((name) => typeof manifest.allowScripts[name] !== 'boolean'), [], 'none without an answer');
  const names = new Set(installed.map((entry) => entry.name));
  t.same(Object.keys(manifest.allowScripts).filter((name) => !names.has(name)), [], 'no answer for a package that is not installed');
});
