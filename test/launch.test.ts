// bin/launch.js emits the server's JavaScript into build/: what is missing or
// changed, and nothing else, with relative imports pointing at the emitted
// siblings. Tried on a small repository of its own; the real start through it
// is in test/entry-points.test.ts.
import t from 'tap';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
// @ts-expect-error plain JavaScript, without declarations
import { emitStale, staleSources } from '../bin/launch.js';

const root = fileURLToPath(new URL('..', import.meta.url));

function repository(t: { teardown(fn: () => void): void }): string {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'shahrdari-launch-'));
  t.teardown(() => fs.rmSync(folder, { recursive: true, force: true }));
  fs.symlinkSync(path.join(root, 'node_modules'), path.join(folder, 'node_modules'));
  fs.writeFileSync(path.join(folder, 'package.json'), JSON.stringify({ type: 'module' }));
  fs.copyFileSync(path.join(root, 'tsconfig.json'), path.join(folder, 'tsconfig.json'));
  fs.mkdirSync(path.join(folder, 'bin'));
  fs.copyFileSync(path.join(root, 'bin', 'launch.js'), path.join(folder, 'bin', 'launch.js'));
  const write = (file: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(folder, file)), { recursive: true });
    fs.writeFileSync(path.join(folder, file), text);
  };
  write('platform/greeting.ts', "export const greeting = (name: string): string => `salam ${name}`;\n");
  write('bin/hello.ts', "import { greeting } from '../platform/greeting.ts';\nimport type { Knex } from 'knex';\nconst unused: Knex | undefined = undefined;\nconsole.log(greeting('Mashhad'), unused ?? '');\n");
  write('portal/src/page.ts', 'document.title = "browser code, never emitted";\n');
  return folder;
}

const later = (file: string) => fs.utimesSync(file, new Date(), new Date(Date.now() + 5_000));

t.test('emits what is missing, runs as JavaScript, and then only what changed', async (t) => {
  const folder = repository(t);
  const build = path.join(folder, 'build');
  t.equal(await emitStale(folder, build), 2, 'both server modules emitted; browser code left to its bundler');
  t.notOk(fs.existsSync(path.join(build, 'portal')), 'portal/src is not emitted');
  const emitted = fs.readFileSync(path.join(build, 'bin', 'hello.js'), 'utf8');
  t.match(emitted, "from \"../platform/greeting.js\"", 'relative imports name the emitted sibling');
  t.notMatch(emitted, 'knex', 'type-only imports are gone');
  t.equal(execFileSync(process.execPath, [path.join(build, 'bin', 'hello.js')], { encoding: 'utf8' }).trim(), 'salam Mashhad', 'and it runs on plain Node');

  t.same(staleSources(folder, build).stale, [], 'nothing stale after emitting');
  t.equal(await emitStale(folder, build), 0, 'a second start emits nothing');

  fs.writeFileSync(path.join(folder, 'platform', 'greeting.ts'), "export const greeting = (name: string): string => `dorood ${name}`;\n");
  later(path.join(folder, 'platform', 'greeting.ts'));
  t.same(staleSources(folder, build).stale, ['platform/greeting.ts'], 'an edited source is stale, alone');
  t.equal(await emitStale(folder, build), 1, 'and only it is emitted again');
  t.equal(execFileSync(process.execPath, [path.join(build, 'bin', 'hello.js')], { encoding: 'utf8' }).trim(), 'dorood Mashhad', 'the change runs');

  fs.rmSync(path.join(folder, 'platform', 'greeting.ts'));
  await emitStale(folder, build);
  t.notOk(fs.existsSync(path.join(build, 'platform', 'greeting.js')), 'a removed source takes its emitted file along');
});
