// A simulated week of a small district through the real engine, workers and
// API (simulation/): properties, not numbers. Every request filed is
// accounted for; timers fire on the simulated clock (a 3-day payment window
// lapses requests within the week); the simulation's counts equal what GET
// /api/figures says; and with fewer inspectors the inspection queue and the
// SLA misses grow.
import t, { type Test } from 'tap';
import pino from 'pino';
import type { Figures } from '../../domain/figures.ts';
import type { Logger } from '../../platform/logger.ts';
import { district12, type DemandModel } from '../../simulation/demand.ts';
import { simulate } from '../../simulation/driver.ts';
import { buildReport, waitingStatuses, type SimulationReport } from '../../simulation/report.ts';
import { startInProcess } from '../../simulation/system.ts';
import { createTestDatabase } from '../helpers/database.ts';

const logger = pino({ level: process.env.SIMULATION_TEST_LOG ?? 'silent' }) as Logger;

/**
 * About ten requests a day, more than half of them needing a site visit
 * within a 5-working-day SLA; a visit takes about a working day, so one
 * inspector cannot keep up and eight can.
 */
const small: DemandModel = {
  ...district12,
  requestsPerMonth: 300,
  services: {
    'construction-debris-removal': 5, 'tree-pruning': 2, 'building-violation-report': 2, complaint: 2,
    'resident-parking-permit': 1, 'taxi-driver-permit': 1, 'renewal-dues-payment': 1,
  },
  citizens: { ...district12.citizens, payment: { ...district12.citizens.payment, share: 0.7 } },
  handlingMinutes: { ...district12.handlingMinutes, 'task-inspection': { median: 400, p90: 480 } },
  roster: { clerk: 2, inspector: 3, manager: 1, 'services-crew': 3, 'green-space-crew': 1, 'urban-planner': 1, 'public-relations': 1, 'traffic-deputy': 1 },
};

async function week(t: Test, inspectors: number): Promise<{ report: SimulationReport; api: Figures }> {
  const db = await createTestDatabase(t);
  const system = await startInProcess(db, logger);
  t.teardown(() => system.stop());
  const model = { ...small, roster: { ...small.roster, inspector: inspectors } };
  // Thursday 2027-01-07 to the next Wednesday night: what is filed on Thursday and Friday falls due on Wednesday at 14:30.
  const outcome = await simulate({
    system, model, district: 12, startDay: '2027-01-07', days: 7, seed: 'week', logger,
    step: { atWork: 30, offWork: 240, max: 240 },
  });
  const report = await buildReport(db, outcome, { district: 12, days: 7, seed: 'week', model });
  const { wallSeconds, steps, apiCalls, cpuSeconds } = report.run;
  t.comment(`${inspectors} inspector(s): ${report.ledger.filed} requests, ${steps.total} steps, ${apiCalls} API calls, ${wallSeconds.toFixed(1)} s wall, ${cpuSeconds.all?.toFixed(1)} s CPU`);
  const answer = await fetch(`${system.api}/api/figures`, { headers: { authorization: `Bearer ${outcome.manager!.token}` } });
  t.equal(answer.status, 200, 'the district manager reads the figures');
  return { report, api: await answer.json() as Figures };
}

t.test('a simulated week, with eight inspectors and with one', async (t) => {
  const staffed = await week(t, 8);
  const starved = await week(t, 1);

  for (const [name, { report, api }] of [['eight inspectors', staffed], ['one inspector', starved]] as const) {
    t.test(`${name}: every request is accounted for, and the figures say what the simulation did`, async (t) => {
      const { ledger } = report;
      t.ok(ledger.filed > 40, `a week's requests were filed (${ledger.filed})`);
      t.same(ledger.unaccounted, [], 'none lost: each is closed, or open where someone or a timer waits');
      for (const status of Object.keys(ledger.waiting)) t.ok(waitingStatuses.includes(status), `${status} is a waiting place`);
      const closed = Object.values(ledger.outcomes).reduce((sum, count) => sum + count, 0);
      const open = Object.values(ledger.waiting).reduce((sum, count) => sum + count, 0);
      t.equal(closed + open, ledger.filed, 'closed and open make all filed');
      t.ok((ledger.outcomes.lapsed ?? 0) > 0, 'unpaid requests lapsed when their 3-day window passed on the simulated clock');
      t.ok((ledger.outcomes.completed ?? 0) > 0, 'and many were completed');
      t.same(report.check.differences, [], 'the figures computed for the report match the ledger');
      t.equal(api.total, ledger.filed, 'GET /api/figures counts the requests filed');
      t.same(Object.fromEntries(api.byChannel.map((row) => [row.key, row.count])), ledger.byChannel, 'by channel');
      t.same(Object.fromEntries(api.byService.map((row) => [row.key, row.count])), ledger.byService, 'by service');
      t.same({ completed: api.outcomes.completed, rejected: api.outcomes.rejected, lapsed: api.outcomes.lapsed, cancelled: api.outcomes.cancelled },
        { completed: 0, rejected: 0, lapsed: 0, cancelled: 0, ...ledger.outcomes }, 'by outcome');
      t.equal(api.outcomes.open, open, 'and the open ones');
      t.same(report.unexpected, [], 'no answer surprised the simulation');
      t.ok((report.events['appointment:attended'] ?? 0) + (report.events['appointment:missed'] ?? 0) > 0, 'citizens came (or not) to appointments and the counter recorded it');
      t.ok((report.events['payment:paid'] ?? 0) > 0, 'citizens paid at the bank\'s page');
      const days = report.run.days ?? [];
      t.same(days.map((day) => day.day), ['2027-01-07', '2027-01-08', '2027-01-09', '2027-01-10', '2027-01-11', '2027-01-12', '2027-01-13'],
        'the load test has a row for each simulated day, the run\'s last step (midnight) in the last');
      t.equal(days.reduce((sum, day) => sum + day.filed, 0), ledger.filed, 'and the days\' requests add up to all filed');
      t.ok(days.every((day) => day.residentMegabytes.all! > 0 && day.cpuSeconds.all! >= 0), 'each with its CPU and resident memory');
    });
  }

  const inspection = (report: SimulationReport) => report.figures.roles.find((row) => row.role === 'inspector')!;
  t.ok(inspection(starved.report).open > inspection(staffed.report).open,
    `with one inspector the inspection queue grows (${inspection(staffed.report).open} → ${inspection(starved.report).open} open)`);
  t.ok(inspection(starved.report).waitP90Hours! > inspection(staffed.report).waitP90Hours!, 'and so does the wait for a visit');
  t.ok(starved.report.figures.sla.missed > staffed.report.figures.sla.missed,
    `and SLA misses grow (${staffed.report.figures.sla.missed} → ${starved.report.figures.sla.missed})`);
  t.ok(inspection(starved.report).utilisation! > inspection(staffed.report).utilisation!, 'the lone inspector is busier');
});
