// Server-side linting of a diagram with the same bpmnlint configuration the
// tests and the modeler's canvas use: processes/.bpmnlintrc (else the
// recommended rules plus Camunda 8 compatibility), plus the project's own
// rules in processes/lint-rules/ as the plugin `shahrdari`, the way
// processes/lint.ts composes them for the diagram tests.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { processesDirectory } from '../../platform/deployment.ts';
import { importSourceModule } from '../../platform/paths.ts';
import { moddle } from './moddle.ts';

const require = createRequire(import.meta.url);

export interface LintConfig { extends?: string | string[]; rules?: Record<string, unknown>; [key: string]: unknown }

/** Camunda 8 version the diagrams target when no project configuration says otherwise. */
export const defaultLintConfig: LintConfig = {
  extends: ['bpmnlint:recommended', 'plugin:camunda-compat/camunda-cloud-8-6'],
  // The engine and the workers run job-worker user tasks; a Camunda user task would wait for ever.
  rules: { 'camunda-compat/zeebe-user-task': 'off', 'camunda-compat/no-zeebe-user-task': 'error' },
};

export interface LintIssue {
  rule: string;
  /** Element the report is about; the process or definitions for document-wide reports. */
  elementId: string;
  message: string;
  category: 'error' | 'warn' | 'info' | 'rule-error';
}

export function lintConfigFile(directory = processesDirectory): string {
  return path.join(directory, '.bpmnlintrc');
}

export function readLintConfig(directory = processesDirectory): LintConfig {
  const file = lintConfigFile(directory);
  if (!fs.existsSync(file)) return defaultLintConfig;
  return JSON.parse(fs.readFileSync(file, 'utf8')) as LintConfig;
}

interface BpmnlintReport { id?: string; message: string; category: LintIssue['category'] }
interface BpmnlintLinter { lint(root: unknown, config: LintConfig): Promise<Record<string, BpmnlintReport[]>> }
type LinterConstructor = new (options: { resolver: unknown }) => BpmnlintLinter;

/** bpmnlint's NodeResolver, as far as we use it. */
export interface LintResolver {
  require: NodeJS.Require;
  resolveRule(pkg: string, ruleName: string): unknown;
  resolveConfig(pkg: string, configName: string): unknown;
  normalizePkg(pkg: string): string;
}
type ResolverConstructor = new (options: { require: NodeJS.Require }) => LintResolver;

/** The package name bpmnlint gives the project's rules (`plugin:shahrdari/...`). */
export const projectPluginPackage = 'bpmnlint-plugin-shahrdari';

/** processes/lint-rules/index.ts: `rules` (name → rule factory) and `configs`. */
export function projectRulesModule(directory: string): string | undefined {
  const file = path.join(directory, 'lint-rules', 'index.ts');
  return fs.existsSync(file) ? file : undefined;
}

interface ProjectPlugin { rules: Record<string, unknown>; configs: Record<string, unknown> }

export async function loadProjectPlugin(directory: string): Promise<ProjectPlugin | undefined> {
  const file = projectRulesModule(directory);
  return file ? await importSourceModule<ProjectPlugin>(file) : undefined;
}

/** The configuration to lint with: .bpmnlintrc, extended by the project's recommended rules when they exist. */
export function effectiveLintConfig(directory = processesDirectory): LintConfig {
  const written = readLintConfig(directory);
  if (!projectRulesModule(directory)) return written;
  const extended = written.extends === undefined ? [] : Array.isArray(written.extends) ? written.extends : [written.extends];
  return { ...written, extends: [...extended, 'plugin:shahrdari/recommended'] };
}

/**
 * A bpmnlint resolver for `directory`: packages from there (then from the
 * repository), and the project plugin from processes/lint-rules/ when given.
 */
export function lintResolver(directory: string, project?: ProjectPlugin): LintResolver {
  const NodeResolver = require('bpmnlint/lib/resolver/node-resolver') as ResolverConstructor;
  const resolver = new NodeResolver({ require: lintRequire(directory) });
  if (!project) return resolver;
  const resolveRule = resolver.resolveRule.bind(resolver);
  const resolveConfig = resolver.resolveConfig.bind(resolver);
  resolver.resolveRule = (pkg, ruleName) => (resolver.normalizePkg(pkg) === projectPluginPackage ? project.rules[ruleName] : resolveRule(pkg, ruleName));
  resolver.resolveConfig = (pkg, configName) => (resolver.normalizePkg(pkg) === projectPluginPackage ? project.configs[configName] : resolveConfig(pkg, configName));
  return resolver;
}

/**
 * Rules and plugins are resolved from processes/ first, so a project plugin
 * living there is found the way the bpmnlint CLI run from that folder would
 * find it; then from the repository's own packages.
 */
export function lintRequire(directory: string): NodeJS.Require {
  const local = createRequire(path.join(directory, '__placeholder__.js'));
  const layered = ((id: string) => {
    try {
      return local(id);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw error;
      return require(id);
    }
  }) as NodeJS.Require;
  layered.resolve = ((id: string, options?: { paths?: string[] }) => {
    try {
      return local.resolve(id, options);
    } catch {
      return require.resolve(id, options);
    }
  }) as NodeJS.RequireResolve;
  return Object.assign(layered, { cache: local.cache, main: local.main, extensions: local.extensions });
}

/** A linter per diagram: bpmnlint rules may keep state between the elements of one run. */
async function createLinter(directory: string): Promise<BpmnlintLinter> {
  const Linter = require('bpmnlint/lib/linter') as LinterConstructor;
  return new Linter({ resolver: lintResolver(directory, await loadProjectPlugin(directory)) });
}

/** Lints `xml`; an unreadable document is one error report, not an exception. */
export async function lintDiagram(xml: string, directory = processesDirectory): Promise<LintIssue[]> {
  let rootElement: unknown;
  try {
    ({ rootElement } = await moddle.fromXML(xml, 'bpmn:Definitions'));
  } catch (error) {
    return [{ rule: 'parse', elementId: '', message: (error as Error).message, category: 'error' }];
  }
  const results = await (await createLinter(directory)).lint(rootElement, effectiveLintConfig(directory));
  return Object.entries(results).flatMap(([rule, reports]) => reports.map((report) => ({
    rule,
    elementId: report.id ?? '',
    message: report.message,
    category: report.category,
  })));
}

/** Reports that block a deployment: errors, and rules that could not run. */
export function blockingIssues(issues: LintIssue[]): LintIssue[] {
  return issues.filter((issue) => issue.category === 'error' || issue.category === 'rule-error');
}
