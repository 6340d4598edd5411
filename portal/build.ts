// Bundles the citizen portal and the staff workspace (portal/src) into
// portal/dist with esbuild: at start-up when no bundle matches the sources,
// or by hand with `npx tsx portal/build.ts`. Fonts and the form renderer are
// packed from node_modules, so a page never reaches for a CDN.
import fs from 'node:fs';
import path from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

export const sourceDirectory = fileURLToPath(new URL('./src', import.meta.url));
export const distDirectory = fileURLToPath(new URL('./dist', import.meta.url));
const repositoryRoot = fileURLToPath(new URL('..', import.meta.url));

/** The pages' HTML shells; each loads one script and one style sheet. */
export const pages = ['citizen.html', 'staff.html'] as const;

interface Log { info(object: object, message: string): void }

function newestChange(target: string): number {
  if (!fs.existsSync(target)) return 0;
  const stat = fs.statSync(target);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...fs.readdirSync(target).map((entry) => newestChange(path.join(target, entry))));
}

/** What a bundle is made from: the sources, the shared Persian helpers, the installed packages and this file. */
function inputsFingerprint(): string {
  const inputs = [
    sourceDirectory,
    path.join(repositoryRoot, 'platform', 'persian.ts'),
    path.join(repositoryRoot, 'package-lock.json'),
    fileURLToPath(import.meta.url),
  ];
  return inputs.map((input) => `${path.relative(repositoryRoot, input)}:${newestChange(input)}`).join('\n');
}

function bundleDirectory(): string {
  return path.join(distDirectory, createHash('sha256').update(inputsFingerprint()).digest('hex').slice(0, 16));
}

async function bundle(outdir: string): Promise<void> {
  await esbuild.build({
    entryPoints: {
      citizen: path.join(sourceDirectory, 'citizen', 'main.ts'),
      staff: path.join(sourceDirectory, 'staff', 'main.ts'),
      portal: path.join(sourceDirectory, 'shared', 'styles.css'),
    },
    bundle: true,
    format: 'esm',
    target: 'es2022',
    minify: true,
    sourcemap: 'linked',
    outdir,
    logLevel: 'silent',
    loader: { '.woff': 'file', '.woff2': 'file', '.ttf': 'file', '.svg': 'file' },
    define: { 'process.env.NODE_ENV': '"production"' },
  });
}

/**
 * Each build lives in dist/<hash of its inputs>/, written under a temporary
 * name and renamed into place, so processes starting at once never serve a
 * half-written bundle.
 */
export async function buildBundle(log?: Log): Promise<string> {
  const started = Date.now();
  const target = bundleDirectory();
  const temporary = `${target}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  fs.mkdirSync(temporary, { recursive: true });
  try {
    await bundle(temporary);
    for (const page of pages) fs.copyFileSync(path.join(sourceDirectory, page), path.join(temporary, page));
    try {
      fs.renameSync(temporary, target);
    } catch (error) {
      if (!fs.existsSync(target)) throw error;
    }
  } finally {
    fs.rmSync(temporary, { recursive: true, force: true });
  }
  for (const entry of fs.readdirSync(distDirectory)) {
    const old = path.join(distDirectory, entry);
    if (old !== target && !entry.endsWith('.tmp')) fs.rmSync(old, { recursive: true, force: true });
  }
  log?.info({ ms: Date.now() - started, dist: target }, 'built the portal front end');
  return target;
}

export async function ensureBundle(log?: Log): Promise<string> {
  const target = bundleDirectory();
  if (fs.existsSync(target)) return target;
  return buildBundle(log);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  buildBundle({ info: (object, message) => console.log(message, object) })
    .catch((error) => { console.error(error); process.exit(1); });
}
