// Bundles the browser modeler (modeler/src) into modeler/dist with esbuild:
// at start-up when the bundle is missing or older than its sources, or by
// hand with `npx tsx modeler/build.ts`. Nothing is fetched from a CDN.
import fs from 'node:fs';
import path from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { processesDirectory } from '../platform/deployment.ts';
import {
  defaultLintConfig, effectiveLintConfig, lintConfigFile, lintResolver, loadProjectPlugin, projectPluginPackage, projectRulesModule,
  readLintConfig, type LintConfig,
} from './lint.ts';

const require = createRequire(import.meta.url);

export const sourceDirectory = fileURLToPath(new URL('./src', import.meta.url));
export const distDirectory = fileURLToPath(new URL('./dist', import.meta.url));
const repositoryRoot = fileURLToPath(new URL('..', import.meta.url));

interface Log { info(object: object, message: string): void; warn(object: object, message: string): void }

/** The virtual module the browser code imports its bpmnlint rules and configuration from. */
const lintBundleModule = 'shahrdari:bpmnlint-bundle';

/**
 * Packs the configured bpmnlint rules into the bundle, the way bpmnlint's own
 * rollup/webpack loaders do: bpmnlint compiles the configuration into a module
 * that imports every enabled rule, and esbuild follows those imports,
 * resolving them from processes/ like the server-side linter does. The
 * project's rules (processes/lint-rules/, TypeScript) are imported as
 * `bpmnlint-plugin-shahrdari/rules/<name>`, answered here from that module.
 */
function bpmnlintPlugin(config: LintConfig, withProjectRules: boolean): esbuild.Plugin {
  const projectRules = withProjectRules ? projectRulesModule(processesDirectory) : undefined;
  return {
    name: 'bpmnlint-config',
    setup(build) {
      build.onResolve({ filter: new RegExp(`^${lintBundleModule}$`) }, () => ({ path: lintBundleModule, namespace: 'bpmnlint' }));
      build.onLoad({ filter: /.*/, namespace: 'bpmnlint' }, async () => {
        const compileConfig = require('bpmnlint/lib/support/compile-config') as (config: LintConfig, resolver: unknown) => Promise<string>;
        const project = projectRules ? await loadProjectPlugin(processesDirectory) : undefined;
        const contents = await compileConfig(config, lintResolver(processesDirectory, project));
        return { contents, loader: 'js', resolveDir: fs.existsSync(processesDirectory) ? processesDirectory : repositoryRoot };
      });
      build.onResolve({ filter: new RegExp(`^${projectPluginPackage}/rules/`) }, (args) => (
        projectRules ? { path: args.path.slice(`${projectPluginPackage}/rules/`.length), namespace: 'project-rule' } : undefined
      ));
      build.onLoad({ filter: /.*/, namespace: 'project-rule' }, (args) => ({
        contents: `import { rules } from ${JSON.stringify(projectRules)};\nexport default rules[${JSON.stringify(args.path)}];\n`,
        loader: 'js',
        resolveDir: processesDirectory,
      }));
    },
  };
}

/**
 * One preact for the whole page. The properties panels and the form editor
 * share hooks and context across packages; two copies of preact in one
 * bundle break them ("reading 'context'"). bpmn-io ships its copy as
 * @bpmn-io/properties-panel/preact for this purpose, and its own builds alias
 * bare `preact` imports to it the same way.
 */
const singlePreactPlugin: esbuild.Plugin = {
  name: 'single-preact',
  setup(build) {
    build.onResolve({ filter: /^preact(\/.*)?$/ }, (args) => build.resolve(`@bpmn-io/properties-panel/${args.path}`, {
      kind: args.kind,
      resolveDir: repositoryRoot,
    }));
  },
};

function newestChange(target: string): number {
  if (!fs.existsSync(target)) return 0;
  const stat = fs.statSync(target);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...fs.readdirSync(target).map((entry) => newestChange(path.join(target, entry))));
}

/** What the bundle is made from: its sources, the lint configuration and the installed packages. */
function inputsFingerprint(): string {
  const inputs = [
    sourceDirectory,
    lintConfigFile(),
    path.join(processesDirectory, 'lint-rules'),
    path.join(processesDirectory, 'catalogue'),
    path.join(repositoryRoot, 'package-lock.json'),
    fileURLToPath(import.meta.url),
    fileURLToPath(new URL('./lint.ts', import.meta.url)),
  ];
  return inputs.map((input) => `${path.relative(repositoryRoot, input)}:${newestChange(input)}`).join('\n');
}

async function bundle(config: LintConfig, withProjectRules: boolean, outdir: string): Promise<void> {
  await esbuild.build({
    entryPoints: { modeler: path.join(sourceDirectory, 'main.js') },
    bundle: true,
    format: 'esm',
    target: 'es2022',
    minify: true,
    sourcemap: 'linked',
    outdir,
    logLevel: 'silent',
    loader: { '.woff': 'file', '.woff2': 'file', '.ttf': 'file', '.eot': 'file', '.svg': 'file' },
    define: { 'process.env.NODE_ENV': '"production"' },
    plugins: [bpmnlintPlugin(config, withProjectRules), singlePreactPlugin],
  });
}

/**
 * Each build lives in dist/<hash of its inputs>/, written under a temporary
 * name and renamed into place, so test files or processes that start at once
 * never serve a half-written bundle or delete each other's.
 */
export function bundleDirectory(): string {
  const hash = createHash('sha256').update(inputsFingerprint()).digest('hex').slice(0, 16);
  return path.join(distDirectory, hash);
}

/** Builds the bundle for the current inputs and returns its directory. */
export async function buildBundle(log?: Log): Promise<string> {
  const started = Date.now();
  const target = bundleDirectory();
  const temporary = `${target}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  fs.mkdirSync(temporary, { recursive: true });
  try {
    // A project rule that cannot run in a browser (it reads files, say) must
    // not cost analysts the modeler: the canvas then lints with fewer rules,
    // and deploy still checks the full set on the server.
    const attempts: Array<[string, LintConfig, boolean]> = [
      ['project rules', effectiveLintConfig(), true],
      ['.bpmnlintrc', readLintConfig(), false],
      ['standard rules', defaultLintConfig, false],
    ];
    for (const [index, [name, config, withProjectRules]] of attempts.entries()) {
      try {
        await bundle(config, withProjectRules, temporary);
        break;
      } catch (error) {
        if (index === attempts.length - 1) throw error;
        log?.warn({ err: error }, `the ${name} do not bundle for the browser; the canvas lints with fewer rules`);
      }
    }
    fs.copyFileSync(path.join(sourceDirectory, 'index.html'), path.join(temporary, 'index.html'));
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
  for (const entry of fs.readdirSync(distDirectory)) {
    const old = path.join(distDirectory, entry);
    const abandoned = entry.endsWith('.tmp') && Date.now() - fs.statSync(old).mtimeMs > 10 * 60_000;
    if (old !== target && (!entry.endsWith('.tmp') || abandoned)) fs.rmSync(old, { recursive: true, force: true });
  }
  log?.info({ ms: Date.now() - started, dist: target }, 'built the modeler front end');
  return target;
}

/** The directory of a bundle built from the current inputs, building it if there is none. */
export async function ensureBundle(log?: Log): Promise<string> {
  const target = bundleDirectory();
  if (fs.existsSync(target)) return target;
  return buildBundle(log);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  buildBundle({ info: (object, message) => console.log(message, object), warn: (object, message) => console.warn(message, object) })
    .catch((error) => { console.error(error); process.exit(1); });
}
