// The simulation's loop. Business time moves in steps: to the next thing due
// (a request filed, a citizen paying, a person finishing a task), at least a
// minute and at most half an hour on. At each step the driver sets the shared
// clock and the engine's clock to the step's time (timers due by then fire),
// waits until the system has caught up (settle.ts), hands citizens the SMS
// messages the system sent them, does what fell due, and lets free staff take
// work. Nothing waits on the wall clock, so a month goes by as fast as the
// system can do a month's work.
import type { Knex } from 'knex';
import { DateTime } from 'luxon';
import { setSharedClock } from '../platform/clock.ts';
import type { Logger } from '../platform/logger.ts';
import { IRAN_TIME_ZONE } from '../platform/persian.ts';
import { loadHolidays } from '../platform/working-calendar.ts';
import { services as catalogue } from '../processes/catalogue/index.ts';
import { Agenda, type Entry } from './agenda.ts';
import { createApiClient, type ApiClient } from './api-client.ts';
import { planArrivals } from './arrivals.ts';
import { citizenActions, type Message } from './citizens.ts';
import type { DemandModel } from './demand.ts';
import type { FormSchema } from './forms.ts';
import { createCitizens, createStaff, type StaffMember } from './people.ts';
import { createRandom } from './random.ts';
import { hour, minute, type FiledRequest, type Run } from './run.ts';
import { settleByEngineState, type Settle } from './settle.ts';
import { staffActions } from './staff.ts';
import type { SystemUnderTest } from './system.ts';

export interface SimulationOptions {
  system: SystemUnderTest;
  model: DemandModel;
  district: number;
  /** First day, as a Tehran calendar day (YYYY-MM-DD). */
  startDay: string;
  days: number;
  seed: number | string;
  /** Shortest step of the clock in office hours and outside them, and the longest, in minutes. */
  step?: { atWork: number; offWork: number; max: number };
  /**
   * How long a step may wait (wall ms) for the system before the clock moves
   * on with a backlog under `highWater`; 0 waits for every step's work (exact,
   * slower). A full catch-up closes every simulated day and the run.
   */
  pace?: { budgetMs: number; highWater: number };
  /** How the driver knows the system caught up; by default it reads the embedded engine's state. */
  settle?: Settle;
  logger: Logger;
}

export interface SimulationOutcome {
  from: number;
  to: number;
  requests: FiledRequest[];
  counts: Record<string, number>;
  unexpected: Array<{ what: string; count: number; example: string }>;
  utilisation: Array<{ role: string; staff: number; tasks: number; busyHours: number; availableHours: number }>;
  steps: { total: number; unsettled: number; settleMs: number; maxSettleMs: number; clockMs: number; actMs: number; staffMs: number; messagesMs: number };
  api: ReturnType<ApiClient['stats']>;
  wallMs: number;
  cpuSeconds: { before: Record<string, number>; after: Record<string, number> };
  /** Each simulated day as a load test: what grows over a long run shows here. */
  days: SimulatedDay[];
  /** Staff accounts the run made, to sign in as for the figures. */
  manager: StaffMember | undefined;
}

export interface SimulatedDay {
  /** Tehran calendar day. */
  day: string;
  wallSeconds: number;
  filed: number;
  apiCalls: number;
  steps: number;
  /** Wall seconds of the steps' waits for the system (settle.ts). */
  settleSeconds: number;
  /** CPU seconds the day took, by component. */
  cpuSeconds: Record<string, number>;
  /** Resident memory at the day's end, MB, by process. */
  residentMegabytes: Record<string, number>;
}

/** Agenda actions run this many at a time: independent citizens and staff acting at once. */
const parallel = 16;

export async function simulate(options: SimulationOptions): Promise<SimulationOutcome> {
  const { system, model, district, logger } = options;
  const { db } = system;
  const step = options.step ?? { atWork: 3, offWork: 15, max: 30 };
  // 10 ms: the system has work in flight after nearly every step anyway, and
  // it goes on with it while the driver files and decides the next step's.
  // Three simulated days took 57 s at 25 ms, 50 s at 10 ms and 54 s at 5 ms,
  // with the same SLA and time-to-close figures.
  const pace = options.pace ?? { budgetMs: 10, highWater: 200 };
  const settle = options.settle ?? settleByEngineState(db);
  const random = createRandom(options.seed);
  const from = DateTime.fromISO(options.startDay, { zone: IRAN_TIME_ZONE }).startOf('day').toMillis();
  const to = DateTime.fromMillis(from, { zone: IRAN_TIME_ZONE }).plus({ days: options.days }).toMillis();
  const holidays = await loadHolidays(db, new Date(from), new Date(to + 40 * 24 * hour));
  const client = createApiClient(system.api);
  const agenda = new Agenda();
  let now = from;
  const counts: Record<string, number> = {};
  const unexpected = new Map<string, { count: number; example: string }>();
  const run: Run = {
    client, agenda, model, district, holidays, random: random.fork('run'), requests: new Map(), agents: [], clerks: [],
    now: () => now,
    count: (kind, by = 1) => { counts[kind] = (counts[kind] ?? 0) + by; },
    unexpected: (what, detail) => {
      const seen = unexpected.get(what) ?? { count: 0, example: typeof detail === 'string' ? detail.slice(0, 400) : JSON.stringify(detail)?.slice(0, 400) ?? '' };
      seen.count++;
      unexpected.set(what, seen);
    },
  };

  // Set the clock before anything is made, so accounts and their tokens are of the simulated month.
  await moveClock(system, db, now);
  const lifetime = Math.ceil((options.days + 60) * 86_400);
  const staff = await createStaff(db, district, { ...model.roster, 'agent-137': 3 }, system.jwtSecret, lifetime);
  run.agents = staff.filter((member) => member.role === 'agent-137');
  run.clerks = staff.filter((member) => member.role === 'clerk');
  const offered = catalogue.filter((service) => (model.services[service.id] ?? 0) > 0);
  const arrivals = planArrivals(model, offered, new Date(from), options.days, holidays, random.fork('arrivals'));
  const citizens = await createCitizens(db, random.fork('citizens'), Math.max(10, Math.ceil(arrivals.length * 0.7)), system.jwtSecret, lifetime);
  const schemas = new Map<string, FormSchema>();
  for (const service of offered) {
    const answer = await client.call<{ schema: FormSchema }>('GET', `/api/services/${service.id}`);
    if (answer.status === 200) schemas.set(service.id, answer.body.schema);
  }
  const people = citizenActions(run, schemas);
  const work = staffActions(run, staff);
  const arrivalRandom = random.fork('requests');
  arrivals.forEach((arrival, index) => {
    const own = arrivalRandom.fork(`request-${index}`);
    agenda.schedule(arrival.at, `file ${arrival.serviceId}`, () => people.file(arrival, index, own.pick(citizens), own));
  });
  logger.info({ requests: arrivals.length, citizens: citizens.length, staff: staff.length, from: new Date(from).toISOString(), days: options.days }, 'simulation planned');

  const cpuBefore = system.cpuSeconds();
  const wallStart = performance.now();
  const stepStats = { total: 0, unsettled: 0, settleMs: 0, maxSettleMs: 0, clockMs: 0, actMs: 0, staffMs: 0, messagesMs: 0 };
  /** Adds the wall time `work` takes to a phase of the step. */
  const timed = async <T>(phase: 'clockMs' | 'actMs' | 'staffMs' | 'messagesMs', work: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    try {
      return await work();
    } finally {
      stepStats[phase] += performance.now() - started;
    }
  };
  let messageCursor = 0;
  const caughtUp = async (exact = false) => {
    const waited = await settle(exact ? { budgetMs: 0, highWater: 0 } : pace);
    stepStats.settleMs += waited.waitedMs;
    stepStats.maxSettleMs = Math.max(stepStats.maxSettleMs, waited.waitedMs);
    if (!waited.settled) stepStats.unsettled++;
  };
  const readMessages = async () => {
    const rows: Array<{ id: string; request_id: string; template: string }> = await db('notifications')
      .where('id', '>', messageCursor).where({ channel: 'sms' }).whereNotNull('request_id').orderBy('id').select('id', 'request_id', 'template');
    for (const row of rows) {
      messageCursor = Math.max(messageCursor, Number(row.id));
      people.hear({ id: Number(row.id), requestId: row.request_id, template: row.template } satisfies Message);
    }
  };
  const runDue = async (entries: Entry[]) => {
    for (let start = 0; start < entries.length; start += parallel) {
      await Promise.all(entries.slice(start, start + parallel).map((entry) => entry.run().catch((error: unknown) => run.unexpected(entry.label.split(' ')[0]!, (error as Error).message))));
    }
  };
  let lastDay = '';
  const days: SimulatedDay[] = [];
  let dayStart = { wall: wallStart, filed: 0, apiCalls: 0, steps: 0, settleMs: 0, cpu: cpuBefore };
  /** Closes the record of the day that just ended (the system has caught up with it). */
  const closeDay = (day: string) => {
    const wall = performance.now();
    const cpu = system.cpuSeconds();
    const { calls } = client.stats();
    const record: SimulatedDay = {
      day, wallSeconds: round((wall - dayStart.wall) / 1000), filed: run.requests.size - dayStart.filed, apiCalls: calls - dayStart.apiCalls,
      steps: stepStats.total - dayStart.steps, settleSeconds: round((stepStats.settleMs - dayStart.settleMs) / 1000),
      cpuSeconds: Object.fromEntries(Object.entries(cpu).map(([name, seconds]) => [name, round(seconds - (dayStart.cpu[name] ?? 0))])),
      residentMegabytes: system.residentMegabytes(),
    };
    days.push(record);
    dayStart = { wall, filed: run.requests.size, apiCalls: calls, steps: stepStats.total, settleMs: stepStats.settleMs, cpu };
    const perRequest = Object.fromEntries(Object.entries(record.cpuSeconds).map(([name, seconds]) => [name, record.filed ? round((seconds * 1000) / record.filed) : null]));
    logger.info({ ...record, cpuMsPerRequest: perRequest, totalFiled: run.requests.size }, 'simulated day done');
  };
  /** One step of the clock; a process of the system that ends meanwhile ends the run (system.ended). */
  const oneStep = async (): Promise<void> => {
    const atWork = work.onShift(now);
    const next = Math.min(agenda.next(), now + step.max * minute, atWork ? Infinity : work.nextShiftStart(now), to);
    now = Math.min(to, Math.max(now + (atWork ? step.atWork : Math.min(step.offWork, (work.nextShiftStart(now) - now) / minute)) * minute, next));
    stepStats.total++;
    // The step that lands on midnight ends the day before it (the run's last step lands on its end).
    const day = DateTime.fromMillis(now - 1, { zone: IRAN_TIME_ZONE }).toISODate()!;
    // A new day starts from a system that has done all of yesterday's work.
    if (day !== lastDay) {
      await caughtUp(true);
      if (lastDay) closeDay(lastDay);
    }
    await timed('clockMs', () => moveClock(system, db, now));
    await timed('messagesMs', readMessages);
    await timed('actMs', () => runDue(agenda.due(now)));
    await timed('staffMs', work.assign);
    await caughtUp();
    lastDay = day;
  };
  const orEnded = async (work: Promise<void>) => {
    work.catch(() => undefined); // if the system ended first, what this step still does fails unheard
    try {
      await Promise.race([work, system.ended]);
    } catch (error) {
      // A step that fails on a dropped connection may have seen a process die
      // before its exit was reported: the exit, if it comes at once, says more.
      await Promise.race([system.ended, new Promise((resolve) => setTimeout(resolve, 1_000))]);
      throw error;
    }
  };
  while (now < to) await orEnded(oneStep());
  await orEnded((async () => {
    await caughtUp(true);
    await readMessages();
  })());
  if (lastDay) closeDay(lastDay);
  const wallMs = performance.now() - wallStart;
  const cpuAfter = system.cpuSeconds();
  // The API's calls as far as its CPU was read: the reads below are the report's, not the month's.
  const api = client.stats();

  // What each citizen's request page says at the end.
  const requests = [...run.requests.values()];
  for (let start = 0; start < requests.length; start += parallel) {
    await orEnded(Promise.all(requests.slice(start, start + parallel).map(async (request) => {
      const answer = await client.call<{ status: string; outcome: string | null; started: boolean }>('GET', `/api/requests/${request.trackingCode}`, { token: request.citizen.token });
      if (answer.status === 200) request.final = { status: answer.body.status, outcome: answer.body.outcome, started: answer.body.started };
      else run.unexpected('reading a request at the end', answer.body);
    })).then(() => undefined));
  }
  return {
    from, to, requests, counts,
    unexpected: [...unexpected.entries()].map(([what, seen]) => ({ what, ...seen })),
    utilisation: work.utilisation(from, to),
    steps: stepStats,
    api,
    wallMs,
    cpuSeconds: { before: cpuBefore, after: cpuAfter },
    days,
    manager: staff.find((member) => member.role === 'manager'),
  };
}

const round = (value: number) => Math.round(value * 1000) / 1000;

/** The shared business clock and the engine's clock, to the same instant. */
export async function moveClock(system: SystemUnderTest, db: Knex, at: number): Promise<void> {
  await setSharedClock(db, at);
  await system.pinEngineClock(at);
}
