// Where the repository's files are, whether this code runs from its
// TypeScript sources (tsx: the tests, `npx tsx …`) or from the JavaScript
// that `npm run build` emits into build/ (npm start and the other commands).
// Data files — diagrams, forms, migrations, front-end sources and bundles —
// live in the source tree either way; only modules are emitted.
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** True when this module is the emitted JavaScript under build/. */
export const runningFromBuild = import.meta.url.endsWith('.js');

export const repositoryRoot = fileURLToPath(new URL(runningFromBuild ? '../..' : '..', import.meta.url));

/** The emitted JavaScript mirrors the source tree here (bin/launch.js writes it). */
export const buildDirectory = path.join(repositoryRoot, 'build');

/**
 * `relative` resolved from a module as if from its source file: what
 * `fileURLToPath(new URL(relative, import.meta.url))` gives under tsx, also
 * when the module runs from build/.
 */
export function sourcePath(moduleUrl: string, relative = '.'): string {
  const resolved = fileURLToPath(new URL(relative, moduleUrl));
  const inBuild = path.relative(buildDirectory, resolved);
  if (!runningFromBuild || inBuild.startsWith('..') || path.isAbsolute(inBuild)) return resolved;
  return path.join(repositoryRoot, inBuild);
}

/**
 * Imports a TypeScript module of the source tree named by its path (the
 * catalogue, the project's lint rules): the file itself under tsx, its
 * emitted twin when running from build/.
 */
export async function importSourceModule<T = Record<string, unknown>>(file: string): Promise<T> {
  const inTree = path.relative(repositoryRoot, file);
  const emitted = runningFromBuild && !inTree.startsWith('..') && !path.isAbsolute(inTree)
    ? path.join(buildDirectory, inTree.replace(/\.ts$/, '.js'))
    : file;
  return await import(pathToFileURL(emitted).href) as T;
}
