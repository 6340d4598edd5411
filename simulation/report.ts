// What a simulated month comes to: the figures of the simulated district,
// computed by domain/figures.ts exactly as GET /api/figures computes them, set
// against the driver's own ledger of what it filed and what the citizens' pages
// said at the end; staff utilisation as the driver timed it; and the run as a
// load test: throughput, and CPU per request of the engine, the API, the
// workers and PostgreSQL.
import type { Knex } from 'knex';
import { computeFigures, type Figures } from '../domain/figures.ts';
import { requestStatuses } from '../processes/catalogue/contract.ts';
import type { CapacityPlan } from './capacity.ts';
import type { SimulationOutcome } from './driver.ts';
import type { DemandModel } from './demand.ts';

/**
 * Where an open request may rightly be at the end: waiting for staff, for the
 * citizen, or for a timer — every milestone but the two that end a request
 * (a rejected request closes in the same breath).
 */
export const waitingStatuses: readonly string[] = requestStatuses.filter((status) => status !== 'closed' && status !== 'rejected');

export interface SimulationReport {
  /** Rosters per role for every district (npm run simulate -- --plan). */
  plan?: CapacityPlan;
  district: number;
  days: number;
  from: string;
  to: string;
  seed: string;
  model: { requestsPerMonth: number; roster: DemandModel['roster'] };
  figures: Figures;
  ledger: {
    filed: number;
    byChannel: Record<string, number>;
    byService: Record<string, number>;
    outcomes: Record<string, number>;
    waiting: Record<string, number>;
    /** Filed (the API answered 201) but not found, or open somewhere no one waits. */
    unaccounted: Array<{ trackingCode: string; status: string | null }>;
  };
  /** Counts the figures and the ledger must share; a difference is listed. */
  check: { agrees: boolean; differences: string[] };
  utilisation: SimulationOutcome['utilisation'];
  events: Record<string, number>;
  unexpected: SimulationOutcome['unexpected'];
  run: {
    wallSeconds: number;
    steps: SimulationOutcome['steps'];
    simulatedDaysPerWallMinute: number;
    requestsPerWallSecond: number;
    apiCalls: number;
    apiCallsPerWallSecond: number;
    apiStatuses: Record<string, number>;
    /** API calls by route (ids as :id), most first; absent in reports older than it. */
    apiCallsByKind?: Record<string, number>;
    cpuSeconds: Record<string, number>;
    /** Milliseconds of CPU per request filed, by component. */
    cpuMsPerRequest: Record<string, number>;
    /** Milliseconds of the API's CPU per API call. */
    apiCpuMsPerCall: number | null;
    /** Day by day: wall time, requests, CPU and memory (a cost that grows with the month's data shows here); absent in reports older than it. */
    days?: SimulationOutcome['days'];
  };
}

const tally = (values: string[]) => values.reduce<Record<string, number>>((counts, value) => ({ ...counts, [value]: (counts[value] ?? 0) + 1 }), {});

export async function buildReport(db: Knex, outcome: SimulationOutcome, options: { district: number; days: number; seed: string; model: DemandModel }): Promise<SimulationReport> {
  const figures = await computeFigures(db, { district: options.district });
  const { requests } = outcome;
  const closed = requests.filter((request) => request.final?.status === 'closed');
  const open = requests.filter((request) => request.final && request.final.status !== 'closed');
  const unaccounted = requests
    .filter((request) => !request.final || (request.final.status !== 'closed' && !waitingStatuses.includes(request.final.status)) || (request.final.status !== 'closed' && !request.final.started))
    .map((request) => ({ trackingCode: request.trackingCode, status: request.final?.status ?? null }));
  const ledger = {
    filed: requests.length,
    byChannel: tally(requests.map((request) => request.channel)),
    byService: tally(requests.map((request) => request.serviceId)),
    outcomes: tally(closed.map((request) => request.final!.outcome ?? 'none')),
    waiting: tally(open.map((request) => request.final!.status)),
    unaccounted,
  };
  const differences: string[] = [];
  const same = (what: string, ours: number, theirs: number) => { if (ours !== theirs) differences.push(`${what}: simulation ${ours}, figures ${theirs}`); };
  same('requests', ledger.filed, figures.total);
  for (const row of figures.byChannel) same(`channel ${row.key}`, ledger.byChannel[row.key] ?? 0, row.count);
  for (const [channel, count] of Object.entries(ledger.byChannel)) same(`channel ${channel}`, count, figures.byChannel.find((row) => row.key === channel)?.count ?? 0);
  for (const [serviceId, count] of Object.entries(ledger.byService)) same(`service ${serviceId}`, count, figures.byService.find((row) => row.key === serviceId)?.count ?? 0);
  for (const outcomeName of ['completed', 'rejected', 'lapsed', 'cancelled'] as const) same(`outcome ${outcomeName}`, ledger.outcomes[outcomeName] ?? 0, figures.outcomes[outcomeName]);
  same('open', open.length, figures.outcomes.open);

  const wallSeconds = outcome.wallMs / 1000;
  const cpuSeconds = Object.fromEntries(Object.entries(outcome.cpuSeconds.after).map(([name, after]) => [name, after - (outcome.cpuSeconds.before[name] ?? 0)]));
  const perRequest = Object.fromEntries(Object.entries(cpuSeconds).map(([name, seconds]) => [name, requests.length ? (seconds * 1000) / requests.length : 0]));
  return {
    district: options.district, days: options.days, from: new Date(outcome.from).toISOString(), to: new Date(outcome.to).toISOString(), seed: options.seed,
    model: { requestsPerMonth: options.model.requestsPerMonth, roster: options.model.roster },
    figures, ledger, check: { agrees: differences.length === 0, differences },
    utilisation: outcome.utilisation, events: outcome.counts, unexpected: outcome.unexpected,
    run: {
      wallSeconds, steps: outcome.steps,
      simulatedDaysPerWallMinute: options.days / (wallSeconds / 60),
      requestsPerWallSecond: requests.length / wallSeconds,
      apiCalls: outcome.api.calls, apiCallsPerWallSecond: outcome.api.calls / wallSeconds, apiStatuses: outcome.api.byStatus,
      apiCallsByKind: Object.fromEntries(Object.entries(outcome.api.byKind).sort(([, a], [, b]) => b - a)),
      cpuSeconds, cpuMsPerRequest: perRequest,
      apiCpuMsPerCall: cpuSeconds.api !== undefined && outcome.api.calls ? (cpuSeconds.api * 1000) / outcome.api.calls : null,
      days: outcome.days,
    },
  };
}
