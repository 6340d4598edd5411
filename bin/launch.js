// The entry of every npm script that runs the system (npm start, npm run api,
// npm run workers, …) and of npm run build. The server code runs as the
// JavaScript emitted into build/; whatever is missing there, or older than its
// TypeScript source, is emitted first (about a second for all of it), so a
// fresh clone needs no build step and a built checkout compiles nothing.
// Plain JavaScript, because it runs before anything is built.
//
//   node bin/launch.js <command> [arguments]   runs bin/<command>.ts from build/
//   node bin/launch.js build                   emits everything and builds the front ends
//
// Type-checking is `npm run typecheck` (part of npm run build and npm test):
// emitting only strips types, as tsx does, so a start never waits for tsc.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/** The folders of server code: tsconfig.json's, without the tests and benchmarks (they run under tsx). */
function serverFolders(repository) {
  const { include } = JSON.parse(fs.readFileSync(path.join(repository, 'tsconfig.json'), 'utf8'));
  return include.filter((folder) => folder !== 'test' && folder !== 'bench');
}
/** Browser code: bundled into the front ends (portal/build.ts, modeler/build.ts), never run by Node. */
const browserFolders = ['portal/src', 'modeler/src'];

/** Every .ts file of the server code under `repository`, as paths relative to it. */
export function serverSources(repository = root) {
  const found = [];
  const walk = (relative) => {
    for (const entry of fs.readdirSync(path.join(repository, relative), { withFileTypes: true })) {
      const child = path.posix.join(relative, entry.name);
      if (entry.isDirectory()) {
        if (!['node_modules', 'dist'].includes(entry.name) && !browserFolders.includes(child)) walk(child);
      } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) {
        found.push(child);
      }
    }
  };
  for (const folder of serverFolders(repository)) if (fs.existsSync(path.join(repository, folder))) walk(folder);
  return found.sort();
}

const emittedName = (source) => source.replace(/\.ts$/, '.js');

/** What an emitted file depends on besides its source: the emitter and its settings. */
function emitterStamp(repository) {
  const require = createRequire(path.join(repository, 'package.json'));
  const esbuild = JSON.parse(fs.readFileSync(require.resolve('esbuild/package.json'), 'utf8'));
  const settings = ['tsconfig.json', 'bin/launch.js'].map((file) => fs.statSync(path.join(repository, file)).mtimeMs);
  return `esbuild ${esbuild.version}; ${settings.join(' ')}`;
}

const sourceStamp = (repository, source) => {
  const stat = fs.statSync(path.join(repository, source));
  return `${stat.mtimeMs}:${stat.size}`;
};

function readManifest(buildDirectory) {
  try {
    return JSON.parse(fs.readFileSync(path.join(buildDirectory, 'manifest.json'), 'utf8'));
  } catch {
    return { emitter: '', sources: {} };
  }
}

/**
 * Which sources need emitting (missing from build/, or changed since) and
 * which emitted files have lost their source. Costs a stat per file.
 */
export function staleSources(repository = root, buildDirectory = path.join(repository, 'build')) {
  const manifest = readManifest(buildDirectory);
  const emitter = emitterStamp(repository);
  const sources = serverSources(repository);
  const stamps = Object.fromEntries(sources.map((source) => [source, sourceStamp(repository, source)]));
  const stale = sources.filter((source) => manifest.emitter !== emitter || manifest.sources[source] !== stamps[source]
    || !fs.existsSync(path.join(buildDirectory, emittedName(source))));
  const removed = Object.keys(manifest.sources).filter((source) => !(source in stamps));
  return { stale, removed, manifest: { emitter, sources: stamps } };
}

/**
 * Relative imports stay imports of the emitted sibling (`./x.ts` → `./x.js`);
 * packages stay packages. So each module is emitted alone, as tsx would run it.
 */
const relativeImports = {
  name: 'relative-imports',
  setup(build) {
    build.onResolve({ filter: /^\.\.?\// }, (args) => (
      args.kind === 'entry-point' ? undefined : { path: args.path.replace(/\.ts$/, '.js'), external: true }
    ));
  },
};

/** Writes a file under a temporary name and renames it, so a process starting at the same time never reads half of it. */
function writeAtomically(file, contents) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, contents);
  fs.renameSync(temporary, file);
}

/** Emits the stale sources into build/ and records them; returns how many were emitted. */
export async function emitStale(repository = root, buildDirectory = path.join(repository, 'build'), { all = false } = {}) {
  const { stale, removed, manifest } = staleSources(repository, buildDirectory);
  const sources = all ? Object.keys(manifest.sources) : stale;
  if (sources.length > 0) {
    const esbuild = await import(pathToFileURL(createRequire(path.join(repository, 'package.json')).resolve('esbuild')).href);
    const result = await esbuild.build({
      absWorkingDir: repository,
      entryPoints: sources,
      outdir: buildDirectory,
      outbase: repository,
      bundle: true,
      packages: 'external',
      platform: 'node',
      format: 'esm',
      target: 'node20',
      sourcemap: 'linked',
      sourcesContent: false,
      write: false,
      logLevel: 'silent',
      plugins: [relativeImports],
    });
    for (const output of result.outputFiles) writeAtomically(output.path, output.contents);
  }
  for (const source of removed) {
    for (const suffix of ['', '.map']) fs.rmSync(path.join(buildDirectory, emittedName(source) + suffix), { force: true });
  }
  if (sources.length > 0 || removed.length > 0) {
    writeAtomically(path.join(buildDirectory, 'manifest.json'), JSON.stringify(manifest, null, 1));
  }
  return sources.length;
}

/** `npm run build`: every module emitted afresh, and both front-end bundles for the current sources. */
async function buildAll() {
  const started = Date.now();
  const emitted = await emitStale(root, path.join(root, 'build'), { all: true });
  process.stdout.write(`emitted ${emitted} modules into build/ in ${Date.now() - started} ms\n`);
  const log = { info: (details, message) => process.stdout.write(`${message} in ${details.ms} ms\n`), warn: (_details, message) => process.stderr.write(`${message}\n`) };
  const { ensureFrontEnds } = await import(pathToFileURL(path.join(root, 'build', 'api', 'front-ends.js')).href);
  await ensureFrontEnds(log);
  process.stdout.write(`build done in ${Date.now() - started} ms\n`);
}

async function main() {
  const [command, ...rest] = process.argv.slice(2);
  if (command === 'build') return buildAll();
  const script = command && path.join(root, 'bin', `${command}.ts`);
  if (!script || command.includes('/') || command === 'launch' || !fs.existsSync(script)) {
    const commands = fs.readdirSync(path.join(root, 'bin')).filter((file) => file.endsWith('.ts')).map((file) => file.slice(0, -3));
    process.stderr.write(`usage: node bin/launch.js <${[...commands, 'build'].join('|')}> [arguments]\n`);
    process.exit(2);
  }
  const started = Date.now();
  const emitted = await emitStale();
  if (emitted > 0) process.stderr.write(`emitted ${emitted} changed modules into build/ in ${Date.now() - started} ms\n`);
  // Stack traces name the TypeScript lines.
  process.setSourceMapsEnabled(true);
  const entry = path.join(root, 'build', 'bin', `${command}.js`);
  // The entry point reads its own arguments from process.argv[2] on, as under tsx.
  process.argv = [process.argv[0], entry, ...rest];
  await import(pathToFileURL(entry).href);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error) => {
    process.stderr.write(`${error.stack ?? error}\n`);
    process.exit(1);
  });
}
