// Capacity planning: the smallest roster per role that keeps every service
// within its SLA at the 90th percentile, for each of Mashhad's districts,
// from the per-capita demand and the work observed in the simulated district.
//
// The planning rule: a service's SLA (in office hours) is shared equally
// between its staff steps and the citizen (paying, correcting, coming in),
// so a role may keep a task waiting at most SLA / (staff steps + 1) at p90,
// for the tightest service it serves. A district's tasks of a role arrive as
// the simulated district's did, scaled by residents (districts.ts); each takes
// one of the handling times observed; a queue model (first come first served,
// c people at work in office hours only, work left at closing going on the
// next working day) gives the p90 wait for c people, and the smallest c
// meeting the target is the roster. The model is checked against the
// simulation itself: for the simulated district and roster, its p90 wait per
// role beside the one the simulation measured.
import type { Knex } from 'knex';
import { addOfficeMillis, workingMillisBetween } from '../platform/working-calendar.ts';
import { services as catalogue, roleOfStep, taskForms, type Service } from '../processes/catalogue/index.ts';
import type { DemandModel } from './demand.ts';
import { districtPopulations, populationOf } from './districts.ts';
import { createRandom, type Random } from './random.ts';

/** Office hours of a full working day (7:30 to 14:30). */
const officeDayHours = 7;
const hour = 3_600_000;

export interface RoleWork {
  role: string;
  /** When each task of the role was created, business time (epoch ms). */
  arrivals: number[];
  /** Office time each completed task took from claim to completion, ms. */
  handlingMs: number[];
  /** Office time each claimed task waited, ms (what the simulation measured). */
  waitsMs: number[];
}

export interface PlannedDistrict {
  district: number;
  name: string;
  population: number;
  populationSource: 'census' | 'assumed';
  requestsPerMonth: number;
  roster: Record<string, number>;
  p90WaitHours: Record<string, number>;
  utilisation: Record<string, number>;
  /** Appointment counters at the office, at 80% of their slots. */
  counters: number;
}

export interface CapacityPlan {
  rule: string;
  /** Longest p90 wait allowed per role, office hours, and the service that sets it. */
  targets: Array<{ role: string; hours: number; service: string }>;
  /** The queue model for the simulated district beside the simulation. */
  validation: Array<{ role: string; staff: number; simulatedP90Hours: number | null; modelP90Hours: number | null }>;
  districts: PlannedDistrict[];
}

/** The role of each staff step of a service (the diagram's user tasks). */
const staffSteps = (service: Service): string[] => service.steps.flatMap((step) => (taskForms[step] ? [roleOfStep(service, step)!] : []));

/** The planning rule's targets, for the services the model files. */
export function waitTargets(model: DemandModel): CapacityPlan['targets'] {
  const targets = new Map<string, { hours: number; service: string }>();
  for (const service of catalogue) {
    if (!(model.services[service.id] ?? 0)) continue;
    const roles = staffSteps(service);
    const share = (service.slaWorkingDays * officeDayHours) / (roles.length + 1);
    for (const role of roles) {
      const current = targets.get(role);
      if (!current || share < current.hours) targets.set(role, { hours: share, service: service.id });
    }
  }
  return [...targets.entries()].map(([role, target]) => ({ role, ...target })).sort((a, b) => a.role.localeCompare(b.role));
}

/** The simulated district's tasks by role: arrivals, handling and waits in office time. */
export async function observedWork(db: Knex, district: number, from: number, to: number, holidays: Set<string>): Promise<RoleWork[]> {
  const rows: Array<{ candidate_groups: string[]; created_at: Date; claimed_at: Date | null; completed_at: Date | null }> = await db('user_tasks as t')
    .join('requests as r', 'r.id', 't.request_id').where('r.district_id', district)
    .where('t.created_at', '>=', new Date(from)).where('t.created_at', '<', new Date(to))
    .select('t.candidate_groups', 't.created_at', 't.claimed_at', 't.completed_at').orderBy('t.created_at');
  const byRole = new Map<string, RoleWork>();
  for (const row of rows) {
    const group = row.candidate_groups.find((candidate) => candidate.startsWith(`district-${district}:`));
    if (!group) continue;
    const role = group.slice(group.indexOf(':') + 1);
    if (!byRole.has(role)) byRole.set(role, { role, arrivals: [], handlingMs: [], waitsMs: [] });
    const work = byRole.get(role)!;
    work.arrivals.push(row.created_at.getTime());
    if (row.claimed_at) work.waitsMs.push(workingMillisBetween(row.created_at, row.claimed_at, holidays));
    if (row.claimed_at && row.completed_at) work.handlingMs.push(workingMillisBetween(row.claimed_at, row.completed_at, holidays));
  }
  return [...byRole.values()];
}

export const p90 = (values: number[]): number | null => {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(0.9 * sorted.length) - 1)]!;
};

/** The tasks of a district `factor` times the simulated one's size: each simulated task kept, copied or dropped at random, moved a little. */
function scaledArrivals(arrivals: number[], factor: number, random: Random): number[] {
  const out: number[] = [];
  for (const at of arrivals) {
    let copies = Math.floor(factor) + (random.chance(factor - Math.floor(factor)) ? 1 : 0);
    for (; copies > 0; copies--) out.push(at + random.int(-30, 30) * 60_000);
  }
  return out.sort((a, b) => a - b);
}

/**
 * Waits (office ms) of tasks arriving at `arrivals`, first come first
 * served by `servers` people at work in office hours, each task taking one
 * of `handling`; and the share of their office time the people were busy.
 */
export function queue(arrivals: number[], handling: number[], servers: number, span: { from: number; to: number }, holidays: Set<string>, random: Random): { waits: number[]; utilisation: number } {
  const free = new Array<number>(servers).fill(span.from);
  const waits: number[] = [];
  let busy = 0;
  for (const at of arrivals) {
    let chosen = 0;
    for (let index = 1; index < servers; index++) if (free[index]! < free[chosen]!) chosen = index;
    const work = handling.length > 0 ? handling[random.int(0, handling.length - 1)]! : 15 * 60_000;
    // The office moment the work starts: at once if someone is free and the office open, else at the next opening.
    const start = addOfficeMillis(new Date(Math.max(at, free[chosen]!)), 0, holidays).getTime();
    free[chosen] = addOfficeMillis(new Date(start), work, holidays).getTime();
    busy += work;
    waits.push(workingMillisBetween(new Date(at), new Date(start), holidays));
  }
  const available = servers * workingMillisBetween(new Date(span.from), new Date(span.to), holidays);
  return { waits, utilisation: available > 0 ? busy / available : 0 };
}

/**
 * The smallest number of people whose p90 wait meets the target: from the
 * floor the work alone sets, doubling until one meets it, then halving the
 * gap (waits only shrink as people are added).
 */
export function smallestRoster(arrivals: number[], handling: number[], targetMs: number, span: { from: number; to: number }, holidays: Set<string>, seed: string) {
  const office = workingMillisBetween(new Date(span.from), new Date(span.to), holidays);
  const meanWork = handling.length ? handling.reduce((sum, value) => sum + value, 0) / handling.length : 15 * 60_000;
  const tried = new Map<number, { p90WaitHours: number; utilisation: number; meets: boolean }>();
  const attempt = (servers: number) => {
    if (!tried.has(servers)) {
      const result = queue(arrivals, handling, servers, span, holidays, createRandom(seed));
      const wait = p90(result.waits) ?? 0;
      tried.set(servers, { p90WaitHours: wait / hour, utilisation: result.utilisation, meets: wait <= targetMs });
    }
    return tried.get(servers)!;
  };
  const floor = Math.max(1, Math.ceil((arrivals.length * meanWork) / Math.max(office, 1)));
  let low = floor;
  let high = low;
  while (!attempt(high).meets) {
    low = high + 1;
    high *= 2;
    if (high > 4000) throw new Error('no roster under 4,000 people meets the target');
  }
  while (low < high) {
    const middle = Math.floor((low + high) / 2);
    if (attempt(middle).meets) high = middle;
    else low = middle + 1;
  }
  return { servers: high, floor, ...attempt(high) };
}

export function planRollout(input: {
  work: RoleWork[];
  model: DemandModel;
  district: number;
  roster: Record<string, number>;
  filed: number;
  days: number;
  appointments: number;
  span: { from: number; to: number };
  holidays: Set<string>;
  seed: string;
}): CapacityPlan {
  const targets = waitTargets(input.model);
  const target = new Map(targets.map((entry) => [entry.role, entry.hours * hour]));
  const validation = input.work.map((work) => {
    const staff = input.roster[work.role] ?? 0;
    const model = staff > 0 ? queue(work.arrivals, work.handlingMs, staff, input.span, input.holidays, createRandom(input.seed)) : undefined;
    const simulated = p90(work.waitsMs);
    const modelled = model ? p90(model.waits) : null;
    return { role: work.role, staff, simulatedP90Hours: simulated === null ? null : simulated / hour, modelP90Hours: modelled === null ? null : modelled / hour };
  }).sort((a, b) => a.role.localeCompare(b.role));
  const officeDays = workingMillisBetween(new Date(input.span.from), new Date(input.span.to), input.holidays) / (officeDayHours * hour);
  const districts = districtPopulations.map((district) => {
    const factor = district.population / populationOf(input.district);
    const random = createRandom(`${input.seed}:${district.id}`);
    const roster: Record<string, number> = {};
    const waits: Record<string, number> = {};
    const utilisation: Record<string, number> = {};
    for (const work of input.work) {
      const arrivals = scaledArrivals(work.arrivals, factor, random);
      const planned = smallestRoster(arrivals, work.handlingMs, target.get(work.role) ?? 5 * officeDayHours * hour, input.span, input.holidays, `${input.seed}:${district.id}:${work.role}`);
      roster[work.role] = planned.servers;
      waits[work.role] = Math.round(planned.p90WaitHours * 10) / 10;
      utilisation[work.role] = Math.round(planned.utilisation * 100) / 100;
    }
    // A counter gives 21 twenty-minute slots a full day; plan for 80% of them.
    const perDay = (input.appointments * factor) / Math.max(officeDays, 1);
    return {
      district: district.id, name: district.name, population: district.population, populationSource: district.source,
      requestsPerMonth: Math.round(((input.filed * factor) / input.days) * 30),
      roster, p90WaitHours: waits, utilisation, counters: Math.max(1, Math.ceil(perDay / (21 * 0.8))),
    };
  });
  return {
    rule: 'Each staff step of a service may keep a task waiting at most SLA ÷ (staff steps + 1) office hours at the 90th percentile; a role meets the tightest of its services. Demand scales with residents.',
    targets, validation, districts,
  };
}
