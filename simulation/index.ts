// npm run simulate: a database of the run's own on the configured (or
// embedded) PostgreSQL, the engine, workers and API as separate processes on
// it, a month driven through them (driver.ts), the report (report.ts) kept in
// the main database for the staff workspace and as JSON under DATA_DIR.
import fs from 'node:fs';
import path from 'node:path';
import { DateTime } from 'luxon';
import pg from 'pg';
import type { Knex } from 'knex';
import { createKnex, migrateToLatest, openDatabase } from '../platform/database.ts';
import { loadHolidays } from '../platform/working-calendar.ts';
import { IRAN_TIME_ZONE } from '../platform/persian.ts';
import type { Runtime } from '../platform/runtime.ts';
import { roles, type Role } from '../processes/catalogue/index.ts';
import { district12, scaled, type DemandModel } from './demand.ts';
import { populationOf } from './districts.ts';
import { observedWork, planRollout } from './capacity.ts';
import { simulate } from './driver.ts';
import { buildReport, type SimulationReport } from './report.ts';
import { createSimulationDatabase, startProcesses } from './system.ts';
import { summary } from './summary.ts';

export interface RunOptions {
  district: number;
  days: number;
  scale: number;
  seed: string;
  keep: boolean;
  plan: boolean;
  startDay?: string;
  roster?: Partial<Record<Role, number>>;
  /** Folder for the engine's, workers' and API's CPU profiles. */
  profileDir?: string;
}

/** `inspector=4,clerk=3` as a roster; an unknown role or a bad count is refused. */
export function parseRoster(text: string): Partial<Record<Role, number>> {
  const roster: Partial<Record<Role, number>> = {};
  for (const part of text.split(',')) {
    const [role, count] = part.split('=');
    if (!role || !(roles as readonly string[]).includes(role) || !/^\d+$/.test(count ?? '')) throw new Error(`--roster: "${part}" is not role=count with a known role`);
    roster[role as Role] = Number(count);
  }
  return roster;
}

/** The demand and roster of a district: district 12's, scaled by residents (rosters rounded up). */
export function modelFor(district: number, scale: number, roster?: Partial<Record<Role, number>>): DemandModel {
  const factor = (populationOf(district) / populationOf(12)) * scale;
  const model = scaled(district12, factor);
  const base = Object.fromEntries(Object.entries(district12.roster).map(([role, count]) => [role, Math.max(1, Math.ceil((count ?? 0) * factor))]));
  return { ...model, roster: { ...base, ...roster } };
}

/** The coming Saturday in Tehran (the Iranian week starts on Saturday). */
function comingSaturday(): string {
  const today = DateTime.now().setZone(IRAN_TIME_ZONE).startOf('day'); // wall clock: when the run is made
  return today.plus({ days: ((6 - today.weekday + 7) % 7) || 7 }).toISODate()!;
}

export async function runSimulation(runtime: Runtime, options: RunOptions): Promise<string> {
  const { config, logger } = runtime;
  const database = await openDatabase(config, logger);
  runtime.onShutdown(database.close);
  const main = createKnex(database.url);
  runtime.onShutdown(() => main.destroy());
  await migrateToLatest(main, logger);

  const name = `simulation_${DateTime.now().toFormat('yyyyMMddHHmmss')}`; // wall clock: names the run
  const simulationUrl = await createSimulationDatabase(database.url, name);
  const dropDatabase = async () => {
    if (options.keep) return;
    const admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
    await admin.query(`drop database if exists ${name} with (force)`).finally(() => admin.end());
  };
  const model = modelFor(options.district, options.scale, options.roster);
  const system = await startProcesses({
    databaseUrl: simulationUrl, logger, ...(options.profileDir ? { profileDir: path.resolve(options.profileDir) } : {}),
    ...(database.embedded || fs.existsSync(path.join(config.dataDir, 'postgres', 'postmaster.pid')) ? { postgresDataDir: path.join(config.dataDir, 'postgres') } : {}),
  });
  // Ctrl-C or SIGTERM mid-run: the engine, workers and API end before PostgreSQL does (closers run in reverse).
  runtime.onShutdown(system.stop);
  let report: SimulationReport;
  try {
    const startDay = options.startDay ?? comingSaturday();
    const outcome = await simulate({ system, model, district: options.district, startDay, days: options.days, seed: options.seed, logger });
    report = await buildReport(system.db, outcome, { district: options.district, days: options.days, seed: options.seed, model });
    if (options.plan) {
      logger.info('planning every district\'s roster');
      report.plan = await planFromRun(system.db, report, model, { from: outcome.from, to: outcome.to }, options.seed);
    }
  } finally {
    await system.stop();
  }
  const [stored] = await main('simulation_reports').insert({
    district_id: options.district, days: options.days, simulated_from: report.from, simulated_to: report.to,
    requests: report.ledger.filed, report: JSON.stringify(report),
  }).returning('id');
  const folder = path.join(config.dataDir, 'simulations');
  fs.mkdirSync(folder, { recursive: true });
  const file = path.join(folder, `${stored.id}.json`);
  fs.writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  await dropDatabase();
  return summary(report, { file, id: stored.id, database: options.keep ? name : null });
}

/** The capacity plan from what the run observed (simulation/capacity.ts). */
async function planFromRun(db: Knex, report: SimulationReport, model: DemandModel, span: { from: number; to: number }, seed: string) {
  const holidays = await loadHolidays(db, new Date(span.from), new Date(span.to));
  const work = await observedWork(db, report.district, span.from, span.to, holidays);
  const [{ count }] = await db('appointments').count<Array<{ count: string }>>('* as count');
  const roster = Object.fromEntries(Object.entries(model.roster).map(([role, staff]) => [role, staff ?? 0]));
  return planRollout({ work, model, district: report.district, roster, filed: report.ledger.filed, days: report.days, appointments: Number(count), span, holidays, seed });
}
