// Moving running requests to a newly deployed version of their service.
// The proposal maps each element where a request can wait to the element of
// the same id in the new version (the analyst maps the rest); each running
// request is placed at the element of its step (domain/requests/positions.ts)
// and is movable when that element is mapped. The engine's
// MigrateProcessInstance moves each instance whole or refuses it untouched;
// a moved request gets a `migrated` event on its timeline.
import fs from 'node:fs';
import type { Knex } from 'knex';
import type { ZBClient } from 'zeebe-node';
import { requestPositions, type RequestPosition } from '../requests/positions.ts';
import { stepProcesses } from '../../processes/catalogue/promises.ts';
import { persianDigits } from '../../platform/persian.ts';
import { ApiProblem } from '../../platform/problem.ts';
import { migrateProcessInstance } from '../../platform/zeebe.ts';
import { findDiagramFile } from './catalogue.ts';
import { findVersion, runningVersion } from './versions.ts';
import { elementFacts, type Facts } from './review.ts';

/** Elements a request can wait at: call activities (the steps), staff and receive tasks, catch events. */
const waitTypes = new Set(['bpmn:CallActivity', 'bpmn:UserTask', 'bpmn:ReceiveTask', 'bpmn:IntermediateCatchEvent', 'bpmn:SubProcess']);

export interface WaitState { id: string; name: string | null; type: string }

export interface MappingRow extends WaitState {
  /** Running requests waiting here. */
  count: number;
  /** Same id in the new version, when it has one of the same type; else null for the analyst to choose. */
  proposed: string | null;
}

export interface Mapping { sourceElementId: string; targetElementId: string }

export interface PlannedRequest {
  requestId: string;
  trackingCode: string;
  processInstanceKey: string;
  /** Where it waits in the version it runs, when known. */
  elementId: string | null;
  /** Where it goes; null when it cannot move. */
  targetElementId: string | null;
  /** Why it cannot move, in Persian. */
  reasonFa: string | null;
}

function waitStates(facts: Map<string, Facts>): WaitState[] {
  return [...facts.values()]
    .filter((element) => waitTypes.has(element.type) && !element.inEventSubprocess && !element.id.startsWith('SubProcess_'))
    .map(({ id, name, type }) => ({ id, name, type }));
}

/** The element where a request in `step` waits: the call activity of the step's shared process. */
function stepElement(facts: Map<string, Facts>, step: RequestPosition['step']): string | null {
  if (!step) return null;
  const process = stepProcesses[step];
  return [...facts.values()].find((element) => element.type === 'bpmn:CallActivity' && !element.inEventSubprocess && element.calledProcess === process)?.id ?? null;
}

const quoted = (name: string | null, id: string) => `«${name ?? id}» (\u2068${id}\u2069)`;

export interface MigrationPlanView {
  sources: WaitState[];
  targets: WaitState[];
  rows: MappingRow[];
  requests: PlannedRequest[];
}

/**
 * The plan for moving the requests of `processId` created before `deployedAt`
 * from `sourceXml` (the version they run) to `targetXml`, with `mapping`
 * (default: the proposal).
 */
export async function planMigration(
  db: Knex,
  input: { processId: string; sourceXml: string; targetXml: string; deployedAt: Date; mapping?: Mapping[] },
): Promise<MigrationPlanView> {
  const [source, target] = await Promise.all([elementFacts(input.sourceXml), elementFacts(input.targetXml)]);
  const sources = waitStates(source);
  const targets = waitStates(target);
  const proposal = new Map(sources.map((element) => {
    const same = target.get(element.id);
    return [element.id, same && same.type === element.type && !same.inEventSubprocess ? element.id : null];
  }));
  const chosen = input.mapping ? new Map(input.mapping.map((row) => [row.sourceElementId, row.targetElementId])) : proposal;
  const positions = await requestPositions(db, input.processId, input.deployedAt);
  const requests = positions.map((position): PlannedRequest => {
    const elementId = stepElement(source, position.step);
    const targetElementId = elementId ? chosen.get(elementId) ?? null : null;
    const reasonFa = !position.step
      ? 'میان دو مرحله است (کاری خودکار در جریان است)؛ کمی بعد دوباره بکوشید'
      : !elementId
        ? `مرحلهٔ ${position.step} در نسخهٔ پیشین پیدا نشد`
        : !targetElementId
          ? `برای ${quoted(source.get(elementId)?.name ?? null, elementId)} جایی در نسخهٔ تازه تعیین نشده است`
          : null;
    return {
      requestId: position.requestId,
      trackingCode: position.trackingCode,
      processInstanceKey: position.processInstanceKey,
      elementId,
      targetElementId: reasonFa ? null : targetElementId,
      reasonFa,
    };
  });
  const rows = sources.map((element): MappingRow => ({
    ...element,
    count: requests.filter((request) => request.elementId === element.id).length,
    proposed: proposal.get(element.id) ?? null,
  }));
  return { sources, targets, rows, requests };
}

export interface MigrationResult {
  requestId: string;
  trackingCode: string;
  migrated: boolean;
  reasonFa: string | null;
  /** The engine's own words when it refused. */
  detail: string | null;
}

/** gRPC status codes of the engine's refusals, in Persian. */
const refusals: Record<number, string> = {
  3: 'موتور نقشهٔ جابه‌جایی را نپذیرفت',
  5: 'موتور این درخواست یا نسخهٔ تازه را نیافت',
  9: 'موتور این درخواست را در وضع کنونی‌اش جابه‌جا نمی‌کند',
};

/**
 * Moves each planned request that can move, one instance at a time; each
 * moves whole or stays untouched on its version. A moved request's timeline
 * gets a `migrated` event (once, whatever retries happen).
 */
export async function migrateRequests(
  db: Knex,
  zeebe: ZBClient,
  input: { planned: PlannedRequest[]; mapping: Mapping[]; target: { processDefinitionKey: string; version: number; engineVersion: number | null }; by: string },
): Promise<MigrationResult[]> {
  const results: MigrationResult[] = [];
  const mappingInstructions = input.mapping.filter((row) => row.targetElementId);
  for (const request of input.planned) {
    const base = { requestId: request.requestId, trackingCode: request.trackingCode };
    if (!request.targetElementId || !request.elementId) {
      results.push({ ...base, migrated: false, reasonFa: request.reasonFa, detail: null });
      continue;
    }
    try {
      await migrateProcessInstance(zeebe, {
        processInstanceKey: request.processInstanceKey,
        targetProcessDefinitionKey: input.target.processDefinitionKey,
        mappingInstructions,
      });
    } catch (error) {
      const code = (error as { code?: number }).code ?? 0;
      if (!refusals[code]) throw error;
      results.push({ ...base, migrated: false, reasonFa: refusals[code]!, detail: (error as { details?: string }).details ?? (error as Error).message });
      continue;
    }
    await db('request_events').insert({
      request_id: request.requestId,
      kind: 'migrated',
      element_id: request.targetElementId,
      dedupe_key: `migrated:${request.processInstanceKey}:${input.target.processDefinitionKey}`,
      data: {
        titleFa: `به نسخهٔ ${persianDigits(input.target.version)} فرایند منتقل شد`,
        from: request.elementId,
        to: request.targetElementId,
        version: input.target.version,
        engineVersion: input.target.engineVersion,
        processDefinitionKey: input.target.processDefinitionKey,
        by: input.by,
      },
    }).onConflict(['request_id', 'dedupe_key']).ignore();
    results.push({ ...base, migrated: true, reasonFa: null, detail: null });
  }
  return results;
}

/** The deployed version `requested` (default: the one running) and the version that ran before it. */
async function migrationEnds(db: Knex, directory: string, id: string, requested?: number) {
  const target = requested ? await findVersion(db, id, requested) : await runningVersion(db, id);
  if (!target?.deployedAt || !target.processDefinitionKey) {
    throw new ApiProblem(409, 'not-deployed', `${requested ? `Version ${requested}` : 'No version'} of ${id} is deployed from the modeler.`,
      'این نسخه هنوز مستقر نشده است؛ درخواست‌ها فقط به نسخهٔ مستقرشده منتقل می‌شوند.');
  }
  const previous = await runningVersion(db, id, target.deployedAt);
  const file = previous ? undefined : findDiagramFile(id, directory);
  if (!previous && !file) throw new ApiProblem(409, 'no-previous-version', `Nothing of ${id} ran before version ${target.version}.`, 'پیش از این نسخه، نسخهٔ دیگری اجرا نمی‌شد.');
  return {
    target,
    source: previous
      ? { source: 'modeler' as const, version: previous.version, engineVersion: previous.engineVersion, xml: previous.xml }
      : { source: 'repository' as const, version: null, engineVersion: null, xml: fs.readFileSync(file!.file, 'utf8') },
  };
}

/**
 * The plan for moving the running requests of `id` to its deployed version
 * `requested` (the one running unless given) from the version before it,
 * with `mapping` (default: the proposal).
 */
export async function migrationPlanFor(db: Knex, directory: string, id: string, requested?: number, mapping?: Mapping[]) {
  const { target, source } = await migrationEnds(db, directory, id, requested);
  const plan = await planMigration(db, { processId: id, sourceXml: source.xml, targetXml: target.xml, deployedAt: target.deployedAt!, mapping });
  return { target, source, plan };
}

/** Moves the planned requests (all that can move, or the ones named in `chosen`) with the analyst's mapping; each moves whole or stays. */
export async function migrateRunning(
  deps: { db: Knex; zeebe: ZBClient; directory: string },
  input: { id: string; version?: number; mapping: Mapping[]; requests?: string[]; by: string },
) {
  const { target, plan } = await migrationPlanFor(deps.db, deps.directory, input.id, input.version, input.mapping);
  const chosen = input.requests ? new Set(input.requests) : undefined;
  const planned = plan.requests.filter((candidate) => !chosen || chosen.has(candidate.requestId));
  const results = await migrateRequests(deps.db, deps.zeebe, {
    planned,
    mapping: input.mapping,
    target: { processDefinitionKey: target.processDefinitionKey!, version: target.version, engineVersion: target.engineVersion },
    by: input.by,
  });
  return { target, results };
}
