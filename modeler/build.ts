// Bundles the browser modeler (modeler/src) into modeler/dist with esbuild:
// at start-up when the bundle is missing or older than its sources, or by
// hand with `npx tsx modeler/build.ts`. Nothing is fetched from a CDN.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { repositoryRoot, sourcePath } from '../platform/paths.ts';
import type * as esbuild from 'esbuild';
import {
  buildBundle as buildFrontEnd, bundleDirectory as frontEndDirectory, ensureBundle as ensureFrontEnd, writeBrowserBundle, type BuildLog,
  type FrontEnd,
} from '../platform/front-end-build.ts';
import { processesDirectory } from '../platform/deployment.ts';
import {
  defaultLintConfig, effectiveLintConfig, lintConfigFile, lintResolver, loadProjectPlugin, projectPluginPackage, projectRulesModule,
  readLintConfig, type LintConfig,
} from '../domain/process-design/lint.ts';

const require = createRequire(import.meta.url);

export const sourceDirectory = sourcePath(import.meta.url, './src');
export const distDirectory = sourcePath(import.meta.url, './dist');


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

async function bundle(config: LintConfig, withProjectRules: boolean, outdir: string): Promise<void> {
  await writeBrowserBundle(outdir, { modeler: path.join(sourceDirectory, 'main.js') }, [bpmnlintPlugin(config, withProjectRules), singlePreactPlugin]);
}

/** The bundle is made from its sources, the lint configuration and rules, the catalogue and the installed packages. */
const modeler: FrontEnd = {
  name: 'modeler',
  distDirectory,
  inputs: () => [
    sourceDirectory,
    lintConfigFile(),
    path.join(processesDirectory, 'lint-rules'),
    path.join(processesDirectory, 'catalogue'),
    path.join(repositoryRoot, 'package-lock.json'),
    sourcePath(import.meta.url, './build.ts'),
    sourcePath(import.meta.url, '../domain/process-design/lint.ts'),
  ],
  async write(outdir, log) {
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
        await bundle(config, withProjectRules, outdir);
        break;
      } catch (error) {
        if (index === attempts.length - 1) throw error;
        log?.warn?.({ err: error }, `the ${name} do not bundle for the browser; the canvas lints with fewer rules`);
      }
    }
    fs.copyFileSync(path.join(sourceDirectory, 'index.html'), path.join(outdir, 'index.html'));
  },
};

export const bundleDirectory = () => frontEndDirectory(modeler);
export const buildBundle = (log?: BuildLog) => buildFrontEnd(modeler, log);
export const ensureBundle = (log?: BuildLog) => ensureFrontEnd(modeler, log);

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  buildBundle({ info: (object, message) => console.log(message, object), warn: (object, message) => console.warn(message, object) })
    .catch((error) => { console.error(error); process.exit(1); });
}
