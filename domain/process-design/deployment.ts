// Deploying a saved version of a diagram to the engine, and the review an
// analyst reads before confirming. Deploying is refused while the
// lint (with the catalogue's promises) finds errors; the forms it links that
// were saved in the modeler go first, since the engine checks a linked form
// exists; then the diagram; and the version records who deployed it, when,
// the analyst's comment and the engine's version and key.
import fs from 'node:fs';
import type { Knex } from 'knex';
import type { ZBClient } from 'zeebe-node';
import type { Logger } from '../../platform/logger.ts';
import { findDiagramFile } from './catalogue.ts';
import { noSavedVersion } from './diagrams.ts';
import { latestFormVersion, linkedFormIds, recordFormDeployment } from './forms.ts';
import { blockingIssues, lintDiagram, type LintIssue } from './lint.ts';
import { readDefinitions } from './moddle.ts';
import { reviewChanges } from './review.ts';
import { findVersion, recordDeployment, runningVersion, type ProcessVersion, type ProcessVersionSummary } from './versions.ts';

export interface DeployedForm { formId: string; version: number; engineVersion: number }

export type DeployOutcome =
  | { kind: 'deployed'; version: ProcessVersionSummary; lint: LintIssue[]; forms: DeployedForm[] }
  /** Lint errors the analyst must fix first (`errors`), or the engine's own refusal (`engineMessage`, gRPC INVALID_ARGUMENT). */
  | { kind: 'refused'; savedVersion: number; errors: LintIssue[]; engineMessage?: string };

export interface DeployDeps { db: Knex; zeebe: Pick<ZBClient, 'deployResource'>; logger: Pick<Logger, 'info'>; directory: string }

/** Deploys version `requested` of `id` (the latest saved unless given). */
export async function deploySaved(deps: DeployDeps, input: { id: string; requested?: number; by: string; comment: string | null }): Promise<DeployOutcome> {
  const { id } = input;
  const saved = await findVersion(deps.db, id, input.requested);
  if (!saved) throw noSavedVersion(id, input.requested);
  const lint = await lintDiagram(saved.xml, deps.directory);
  const errors = blockingIssues(lint);
  if (errors.length > 0) return { kind: 'refused', savedVersion: saved.version, errors };
  try {
    return { kind: 'deployed', lint, ...await deploy(deps, saved, input.by, input.comment) };
  } catch (error) {
    // The engine's own validation is the analyst's to fix, like a lint error.
    if ((error as { code?: unknown }).code === 3) return { kind: 'refused', savedVersion: saved.version, errors: [], engineMessage: (error as Error).message };
    throw error;
  }
}

async function deploy(deps: DeployDeps, saved: ProcessVersion, by: string, comment: string | null) {
  const { db, zeebe } = deps;
  const id = saved.processId;
  const forms: DeployedForm[] = [];
  for (const formId of linkedFormIds(await readDefinitions(saved.xml))) {
    const form = await latestFormVersion(db, formId);
    if (!form) continue; // a form from processes/forms/, deployed with the repository's resources
    const result = await zeebe.deployResource({ name: `${formId}.form`, form: Buffer.from(form.schema) });
    const deployed = result.deployments.map((entry) => (entry as { form?: { formId: string; version: number; formKey: number | string } }).form)
      .find((candidate) => candidate?.formId === formId);
    if (!deployed) throw new Error(`the engine deployed ${formId}.form without a form ${formId}`);
    await recordFormDeployment(db, { formId, version: form.version, formKey: String(deployed.formKey), engineVersion: deployed.version });
    forms.push({ formId, version: form.version, engineVersion: deployed.version });
  }
  const deployment = await zeebe.deployResource({ name: `${id}.bpmn`, process: Buffer.from(saved.xml) });
  const definition = deployment.deployments.map((entry) => (entry as { process?: { bpmnProcessId: string; version: number; processDefinitionKey: string } }).process)
    .find((process) => process?.bpmnProcessId === id);
  if (!definition) throw new Error(`the engine deployed ${id}.bpmn without a process ${id}`);
  deps.logger.info({ processId: id, version: saved.version, engineVersion: definition.version, by }, 'diagram deployed from the modeler');
  const version = await recordDeployment(db, {
    processId: id,
    version: saved.version,
    deployedBy: by,
    comment,
    processDefinitionKey: String(definition.processDefinitionKey),
    engineVersion: definition.version,
  });
  return { version, forms };
}

/**
 * What deploying version `requested` of `id` (the latest saved unless given)
 * changes against the version running now: the last deployed from the
 * modeler, else the repository's file (deployed at start), else nothing;
 * and the saved forms it links that are not deployed yet, which go with it.
 */
export async function deployReview(db: Knex, directory: string, id: string, requested?: number) {
  const saved = await findVersion(db, id, requested);
  if (!saved) throw noSavedVersion(id, requested);
  const running = await runningVersion(db, id);
  const file = running ? undefined : findDiagramFile(id, directory);
  const forms: Array<{ formId: string; version: number }> = [];
  for (const formId of linkedFormIds(await readDefinitions(saved.xml))) {
    const form = await latestFormVersion(db, formId);
    if (form && !form.deployedAt) forms.push({ formId, version: form.version });
  }
  return {
    version: saved.version,
    against: running
      ? { source: 'modeler' as const, version: running.version, engineVersion: running.engineVersion, deployedAt: running.deployedAt, deployedBy: running.deployedBy }
      : { source: file ? 'repository' as const : 'none' as const, version: null, engineVersion: null, deployedAt: null, deployedBy: null },
    changes: await reviewChanges(running?.xml ?? (file ? fs.readFileSync(file.file, 'utf8') : null), saved.xml),
    forms,
  };
}
