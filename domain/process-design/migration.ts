// Moving running requests to a newly deployed version of their service.
// The proposal maps each element where a request can wait to the element of
// the same id in the new version (the analyst maps the rest); each running
// request is placed at the element of its step (domain/requests/positions.ts)
// and is movable when that element is mapped. The catch events a request
// listens to while it waits (a service's message event subprocesses, such as
// the citizen's cancellation, and boundary timers) are part of the mapping
// too, as Zeebe asks: mapped, a subscription or timer is kept; unmapped, it
// closes and the new version's opens, which the engine refuses when both
// listen to the same message. The engine's MigrateProcessInstance moves each
// instance whole or refuses it untouched; a moved request gets a `migrated`
// event on its timeline.
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

export interface WaitState {
  id: string;
  name: string | null;
  type: string;
  /** `wait`: a request waits here; `event`: a catch event requests listen to while they wait elsewhere. */
  kind: 'wait' | 'event';
  /** What a catch event waits for: its message (and correlation key) or timer. */
  trigger: string | null;
}

export interface MappingRow extends WaitState {
  /** Running requests waiting here (for an event: listening to it). */
  count: number;
  /** Same id in the new version, when it has one of the same type (and, for an event, the same trigger); else null for the analyst to choose. */
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
  /** Already moved to the target version (its timeline says so): nothing more to do. */
  moved?: boolean;
}

/** A catch event with a subscription or timer that lives while a request waits: an event subprocess's start, a boundary event. */
function isListening(element: Facts): boolean {
  if (element.message === null && element.timer === null) return false;
  return element.type === 'bpmn:BoundaryEvent' || (element.type === 'bpmn:StartEvent' && element.inEventSubprocess);
}

/** The waiting places of a version, then the catch events requests listen to. */
function places(facts: Map<string, Facts>): WaitState[] {
  const waits = [...facts.values()]
    .filter((element) => waitTypes.has(element.type) && !element.inEventSubprocess && !element.id.startsWith('SubProcess_'))
    .map(({ id, name, type }): WaitState => ({ id, name, type, kind: 'wait', trigger: null }));
  const events = [...facts.values()].filter(isListening)
    .map(({ id, name, type, message, timer }): WaitState => ({ id, name, type, kind: 'event', trigger: message ?? timer }));
  return [...waits, ...events];
}

/** The element where a request in `step` waits: the call activity of the step's shared process. */
function stepElement(facts: Map<string, Facts>, step: RequestPosition['step']): string | null {
  if (!step) return null;
  const process = stepProcesses[step];
  return [...facts.values()].find((element) => element.type === 'bpmn:CallActivity' && !element.inEventSubprocess && element.calledProcess === process)?.id ?? null;
}

const identity = ({ requestId, trackingCode, processInstanceKey }: RequestPosition) => ({ requestId, trackingCode, processInstanceKey });

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
  input: { processId: string; sourceXml: string; targetXml: string; deployedAt: Date; targetProcessDefinitionKey?: string | null; mapping?: Mapping[] },
): Promise<MigrationPlanView> {
  const [source, target] = await Promise.all([elementFacts(input.sourceXml), elementFacts(input.targetXml)]);
  const sources = places(source);
  const targets = places(target);
  const proposal = new Map(sources.map((element) => {
    const same = targets.find((candidate) => candidate.id === element.id);
    return [element.id, same && same.type === element.type && same.kind === element.kind && same.trigger === element.trigger ? element.id : null];
  }));
  const chosen = input.mapping ? new Map(input.mapping.map((row) => [row.sourceElementId, row.targetElementId])) : proposal;
  const positions = await requestPositions(db, input.processId, input.deployedAt);
  const moved = new Set<string>(input.targetProcessDefinitionKey && positions.length > 0
    ? await db('request_events').whereIn('request_id', positions.map((position) => position.requestId))
      .where({ kind: 'migrated' }).whereRaw(`data->>'processDefinitionKey' = ?`, [input.targetProcessDefinitionKey]).pluck('request_id')
    : []);
  const requests = positions.map((position): PlannedRequest => {
    const elementId = stepElement(source, position.step);
    if (moved.has(position.requestId)) {
      return { ...identity(position), elementId, targetElementId: null, reasonFa: 'به نسخهٔ تازه منتقل شده است', moved: true };
    }
    const targetElementId = elementId ? chosen.get(elementId) ?? null : null;
    const reasonFa = !position.step
      ? 'میان دو مرحله است (کاری خودکار در جریان است)؛ کمی بعد دوباره بکوشید'
      : !elementId
        ? `مرحلهٔ ${position.step} در نسخهٔ پیشین پیدا نشد`
        : !targetElementId
          ? `برای ${quoted(source.get(elementId)?.name ?? null, elementId)} جایی در نسخهٔ تازه تعیین نشده است`
          : null;
    return {
      ...identity(position),
      elementId,
      targetElementId: reasonFa ? null : targetElementId,
      reasonFa,
    };
  });
  const waiting = requests.filter((request) => !request.moved);
  const listening = (element: WaitState) => {
    const attachedTo = source.get(element.id)?.attachedTo;
    return attachedTo ? waiting.filter((request) => request.elementId === attachedTo).length : waiting.length;
  };
  const rows = sources.map((element): MappingRow => ({
    ...element,
    count: element.kind === 'event' ? listening(element) : waiting.filter((request) => request.elementId === element.id).length,
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

const ltr = (id: string) => `\u2068${id}\u2069`;

/** The engine's reasons an analyst can act on (Zeebe's wording, which the engine keeps), in Persian. */
const explained: Array<[RegExp, (match: RegExpMatchArray) => string]> = [
  [/no mapping instruction defined for active element with id '([^']+)'/, (m) => `درخواست در ${ltr(m[1]!)} است و برای آن جایی در نسخهٔ تازه تعیین نشده است`],
  [/already subscribed to with name '([^']+)'.*catch event with id '([^']+)'/, (m) => `رویداد ${ltr(m[2]!)} (پیام ${ltr(m[1]!)}) به رویدادی در نسخهٔ تازه نگاشته نشده است؛ آن را به همان رویداد بنگارید تا درخواست همچنان منتظر آن بماند`],
  [/in the middle of work/, () => 'میان دو مرحله است (کاری خودکار در جریان است)؛ کمی بعد دوباره بکوشید'],
  [/different type '([^']+)'/, (m) => `جای تازه از نوع دیگری است (${ltr(m[1]!)})`],
  [/flow scope of active element/, () => 'جای تازه درون زیرفرایند دیگری است'],
  [/implemented differently/, () => 'جای تازه به شیوهٔ دیگری انجام می‌شود (کار، اسکریپت یا تصمیم)'],
  [/different event types/, () => 'نوع رویداد در نسخهٔ تازه دیگر است'],
  [/detach/, () => 'رویداد مرزی از فعالیت خود جدا می‌شود'],
  [/cannot be merged|multiple mapping instructions/, () => 'دو رویداد به یک رویداد نگاشته شده‌اند'],
  [/multi-instance/, () => 'فعالیت چندنمونه‌ای است و جابه‌جا نمی‌شود'],
];

/** Why the engine refused, in Persian: the reason when it is one the analyst can act on, else what kind of refusal it was. */
export function refusalFa(code: number, detail: string): string {
  for (const [pattern, say] of explained) {
    const match = detail.match(pattern);
    if (match) return say(match);
  }
  return refusals[code]!;
}

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
    if (request.moved) continue;
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
      const detail = (error as { details?: string }).details ?? (error as Error).message;
      results.push({ ...base, migrated: false, reasonFa: refusalFa(code, detail), detail });
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
  const plan = await planMigration(db, {
    processId: id, sourceXml: source.xml, targetXml: target.xml, deployedAt: target.deployedAt!, targetProcessDefinitionKey: target.processDefinitionKey, mapping,
  });
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
