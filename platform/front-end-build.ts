// Browser bundles built at start-up (never committed). Each build lives in
// dist/<hash of its inputs>/, written under a temporary name and renamed into
// place, so processes or test files starting at once never serve a
// half-written bundle or delete each other's.
import fs from 'node:fs';
import path from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

export interface BuildLog { info(object: object, message: string): void; warn?(object: object, message: string): void }

export interface FrontEnd {
  /** For the log line, e.g. "modeler". */
  name: string;
  distDirectory: string;
  /** Files and folders the bundle is made from; a change to any of them means a new build. */
  inputs: () => string[];
  /** Writes a complete bundle into `outdir`. */
  write(outdir: string, log?: BuildLog): Promise<void>;
}

function newestChange(target: string): number {
  if (!fs.existsSync(target)) return 0;
  const stat = fs.statSync(target);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...fs.readdirSync(target).map((entry) => newestChange(path.join(target, entry))));
}

/**
 * One esbuild run with what both front ends share: ES modules for current
 * browsers, minified with linked source maps, fonts and icons as files, and
 * libraries in their production mode.
 */
export async function writeBrowserBundle(outdir: string, entryPoints: Record<string, string>, plugins: esbuild.Plugin[] = []): Promise<void> {
  await esbuild.build({
    entryPoints,
    bundle: true,
    format: 'esm',
    target: 'es2022',
    minify: true,
    sourcemap: 'linked',
    outdir,
    logLevel: 'silent',
    loader: { '.woff': 'file', '.woff2': 'file', '.ttf': 'file', '.eot': 'file', '.svg': 'file' },
    define: { 'process.env.NODE_ENV': '"production"' },
    plugins,
  });
}

/** The folder a bundle of the current inputs lives in (built or not); this file's options are an input of every bundle. */
export function bundleDirectory(frontEnd: FrontEnd): string {
  const fingerprint = [...frontEnd.inputs(), fileURLToPath(import.meta.url)].map((input) => `${input}:${newestChange(input)}`).join('\n');
  return path.join(frontEnd.distDirectory, createHash('sha256').update(fingerprint).digest('hex').slice(0, 16));
}

/** Builds the bundle for the current inputs and returns its folder. */
export async function buildBundle(frontEnd: FrontEnd, log?: BuildLog): Promise<string> {
  const started = Date.now();
  const target = bundleDirectory(frontEnd);
  const temporary = `${target}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  fs.mkdirSync(temporary, { recursive: true });
  try {
    await frontEnd.write(temporary, log);
    try {
      fs.renameSync(temporary, target);
    } catch (error) {
      // Someone else finished the same build first: theirs is as good.
      if (!fs.existsSync(target)) throw error;
    }
  } finally {
    fs.rmSync(temporary, { recursive: true, force: true });
  }
  // Older builds go; so do half-written ones that a killed process left, once
  // they are too old to belong to a build still running.
  for (const entry of fs.readdirSync(frontEnd.distDirectory)) {
    const old = path.join(frontEnd.distDirectory, entry);
    const abandoned = entry.endsWith('.tmp') && Date.now() - fs.statSync(old).mtimeMs > 10 * 60_000;
    if (old !== target && (!entry.endsWith('.tmp') || abandoned)) fs.rmSync(old, { recursive: true, force: true });
  }
  log?.info({ ms: Date.now() - started, dist: target }, `built the ${frontEnd.name} front end`);
  return target;
}

/** The folder of a bundle built from the current inputs, building it if there is none. */
export async function ensureBundle(frontEnd: FrontEnd, log?: BuildLog): Promise<string> {
  const target = bundleDirectory(frontEnd);
  if (fs.existsSync(target)) return target;
  return buildBundle(frontEnd, log);
}
