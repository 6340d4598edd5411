// Deploys every resource in processes/ (diagrams, decisions, forms) to the
// engine. An unchanged resource keeps its version, so deploying on every start
// is cheap and safe.
import fs from 'node:fs';
import path from 'node:path';
import type { ZBClient } from 'zeebe-node';
import type { Logger } from './logger.ts';
import { sourcePath } from './paths.ts';

export const processesDirectory = sourcePath(import.meta.url, '../processes');

type ResourceKind = 'process' | 'decision' | 'form';
const kindByExtension: Record<string, ResourceKind> = { '.bpmn': 'process', '.dmn': 'decision', '.form': 'form' };

export interface Resource { kind: ResourceKind; name: string; file: string }

/** The deployable files under `directory`, shared called processes and forms included; scaffolding tools excluded. */
export function listResources(directory = processesDirectory): Resource[] {
  const found: Resource[] = [];
  const walk = (folder: string) => {
    for (const entry of fs.readdirSync(folder, { withFileTypes: true })) {
      const file = path.join(folder, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'tools' && entry.name !== 'node_modules') walk(file);
        continue;
      }
      const kind = kindByExtension[path.extname(entry.name)];
      if (kind) found.push({ kind, name: path.relative(directory, file), file });
    }
  };
  if (fs.existsSync(directory)) walk(directory);
  // Forms and decisions first: a process may reference them.
  const order: ResourceKind[] = ['form', 'decision', 'process'];
  return found.sort((a, b) => order.indexOf(a.kind) - order.indexOf(b.kind) || a.name.localeCompare(b.name));
}

async function deployOne(zeebe: ZBClient, resource: Resource): Promise<void> {
  const content = fs.readFileSync(resource.file);
  const name = path.basename(resource.file);
  try {
    if (resource.kind === 'process') await zeebe.deployResource({ name, process: content });
    else if (resource.kind === 'decision') await zeebe.deployResource({ name, decision: content });
    else await zeebe.deployResource({ name, form: content });
  } catch (error) {
    throw new Error(`deploying ${resource.name} failed: ${(error as Error).message}`);
  }
}

export interface DeployOptions {
  directory?: string;
  /**
   * Processes an analyst has deployed from the modeler: their saved version is
   * the newest truth, so the repository file must not overtake it on restart.
   */
  skipProcesses?: ReadonlySet<string>;
}

/** A diagram breaks what the catalogue promises; nothing was deployed. */
export class BrokenPromisesError extends Error {
  constructor(readonly broken: Array<{ resource: string; elementId: string; message: string }>) {
    super(`refusing to deploy: ${broken.length} catalogue promise(s) broken\n${broken.map((entry) => `  ${entry.resource} ${entry.elementId}: ${entry.message}`).join('\n')}`);
    this.name = 'BrokenPromisesError';
  }
}

/** Every diagram must keep its catalogue promises before any resource reaches the engine. */
async function checkPromises(resources: Resource[]): Promise<void> {
  const { brokenCataloguePromises } = await import('../processes/lint.ts');
  const broken = [];
  for (const resource of resources.filter((candidate) => candidate.kind === 'process')) {
    for (const report of await brokenCataloguePromises(fs.readFileSync(resource.file, 'utf8'))) {
      broken.push({ resource: resource.name, elementId: report.elementId, message: report.message });
    }
  }
  if (broken.length > 0) throw new BrokenPromisesError(broken);
}

export async function deployResources(zeebe: ZBClient, logger: Logger, options: DeployOptions = {}): Promise<number> {
  const skip = options.skipProcesses ?? new Set<string>();
  const resources = listResources(options.directory).filter(
    (resource) => resource.kind !== 'process' || !skip.has(path.basename(resource.file, '.bpmn')),
  );
  if (skip.size > 0) logger.info({ processes: [...skip] }, 'keeping the versions analysts deployed from the modeler');
  const started = Date.now();
  await checkPromises(resources);
  logger.debug({ ms: Date.now() - started }, 'every diagram keeps its catalogue promises');
  // One request per resource (zeebe-node deploys one at a time), sent together
  // per kind so the gateway can commit them in a few transactions.
  for (const kind of ['form', 'decision', 'process'] as const) {
    await Promise.all(resources.filter((resource) => resource.kind === kind).map((resource) => deployOne(zeebe, resource)));
  }
  logger.info({ resources: resources.length, ms: Date.now() - started }, 'deployed processes, decisions and forms');
  return resources.length;
}
