// Bundles the citizen portal and the staff workspace (portal/src) into
// portal/dist with esbuild: at start-up when no bundle matches the sources,
// or by hand with `npx tsx portal/build.ts`. Fonts and the form renderer are
// packed from node_modules, so a page never reaches for a CDN.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { repositoryRoot, sourcePath } from '../platform/paths.ts';
import {
  buildBundle as buildFrontEnd, bundleDirectory as frontEndDirectory, ensureBundle as ensureFrontEnd, writeBrowserBundle, type BuildLog,
  type FrontEnd,
} from '../platform/front-end-build.ts';

export const sourceDirectory = sourcePath(import.meta.url, './src');
export const distDirectory = sourcePath(import.meta.url, './dist');

/** The pages' HTML shells; each loads one script and one style sheet. */
export const pages = ['citizen.html', 'staff.html'] as const;

/** What a bundle is made from: the sources, the shared Persian helpers, the catalogue's role names, the installed packages and this file. */
const portal: FrontEnd = {
  name: 'portal',
  distDirectory,
  inputs: () => [
    sourceDirectory,
    path.join(repositoryRoot, 'platform', 'persian.ts'),
    path.join(repositoryRoot, 'processes', 'catalogue', 'types.ts'),
    path.join(repositoryRoot, 'package-lock.json'),
    sourcePath(import.meta.url, './build.ts'),
  ],
  async write(outdir) {
    await bundle(outdir);
    for (const page of pages) fs.copyFileSync(path.join(sourceDirectory, page), path.join(outdir, page));
  },
};

async function bundle(outdir: string): Promise<void> {
  await writeBrowserBundle(outdir, {
    citizen: path.join(sourceDirectory, 'citizen', 'main.ts'),
    staff: path.join(sourceDirectory, 'staff', 'main.ts'),
    portal: path.join(sourceDirectory, 'shared', 'styles.css'),
  });
}

export const bundleDirectory = () => frontEndDirectory(portal);
export const buildBundle = (log?: BuildLog) => buildFrontEnd(portal, log);
export const ensureBundle = (log?: BuildLog) => ensureFrontEnd(portal, log);

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  buildBundle({ info: (object, message) => console.log(message, object) })
    .catch((error) => { console.error(error); process.exit(1); });
}
