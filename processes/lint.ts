// Lints a diagram with processes/.bpmnlintrc (recommended rules and Camunda 8.6
// compatibility, as the modeler does) plus the project's own rules in
// processes/lint-rules/, which bpmnlint loads here through a resolver: they
// are TypeScript modules of this repository, not an installed plugin.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { BpmnModdle } from 'bpmn-moddle';
import { sourcePath } from '../platform/paths.ts';
import { brokenPromises } from './lint-rules/catalogue-promises.ts';
import { configs as projectConfigs, rules as projectRules } from './lint-rules/index.ts';

const require = createRequire(import.meta.url);
const zeebeSchema = require('zeebe-bpmn-moddle/resources/zeebe.json') as Record<string, unknown>;

export const lintConfigFile = sourcePath(import.meta.url, '.bpmnlintrc');
const projectPackage = 'bpmnlint-plugin-shahrdari';

export interface LintReport {
  rule: string;
  elementId: string;
  message: string;
  category: string;
}

interface Resolver {
  resolveRule(pkg: string, ruleName: string): unknown;
  resolveConfig(pkg: string, configName: string): unknown;
}

function resolver(): Resolver {
  const NodeResolver = require('bpmnlint/lib/resolver/node-resolver') as new (options: { require: NodeJS.Require }) => Resolver;
  const packages = new NodeResolver({ require });
  return {
    resolveRule: (pkg, ruleName) => (pkg === projectPackage ? projectRules[ruleName] : packages.resolveRule(pkg, ruleName)),
    resolveConfig: (pkg, configName) => (pkg === projectPackage ? projectConfigs[configName as 'recommended'] : packages.resolveConfig(pkg, configName)),
  };
}

/** The repository's configuration with the project rules added. */
export function lintConfig(): { extends: string[]; rules?: Record<string, unknown> } {
  const written = JSON.parse(fs.readFileSync(lintConfigFile, 'utf8')) as { extends: string | string[]; rules?: Record<string, unknown> };
  const extended = Array.isArray(written.extends) ? written.extends : [written.extends];
  return { ...written, extends: [...extended, 'plugin:shahrdari/recommended'] };
}

const moddle = new BpmnModdle({ zeebe: zeebeSchema });

type Linter = { lint(root: unknown, config: unknown): Promise<Record<string, Array<{ id?: string; message: string; category: string }>>> };

/** A linter per diagram: some rules keep state between the elements of one run. */
function newLinter(): Linter {
  const LinterClass = require('bpmnlint/lib/linter') as new (options: { resolver: Resolver }) => Linter;
  return new LinterClass({ resolver: resolver() });
}

export async function lintProcessDiagram(xml: string): Promise<LintReport[]> {
  const { rootElement, warnings } = await moddle.fromXML(xml, 'bpmn:Definitions');
  const reports: LintReport[] = warnings.map((warning: { message: string }) => ({ rule: 'parse', elementId: '', message: warning.message, category: 'error' }));
  const results = await newLinter().lint(rootElement, lintConfig());
  for (const [rule, found] of Object.entries(results)) {
    for (const report of found) reports.push({ rule, elementId: report.id ?? '', message: report.message, category: report.category });
  }
  return reports;
}

/**
 * Only the catalogue promises (shahrdari/catalogue-promises), without the rest
 * of the rule set: cheap enough for `npm run deploy` and every start.
 */
export async function brokenCataloguePromises(xml: string): Promise<LintReport[]> {
  const { rootElement } = await moddle.fromXML(xml, 'bpmn:Definitions');
  const processes = ((rootElement as unknown as { rootElements?: Array<{ $type: string; id: string }> }).rootElements ?? [])
    .filter((root) => root.$type === 'bpmn:Process');
  return processes.flatMap((process) => brokenPromises(process).map((broken) => ({
    rule: 'shahrdari/catalogue-promises', elementId: broken.elementId, message: broken.message, category: 'error',
  })));
}
