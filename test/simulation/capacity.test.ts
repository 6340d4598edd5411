// Capacity planning (simulation/capacity.ts) on a hand-made workload, so the
// properties a rollout plan rests on are checked without a simulated month:
// the roster it names meets the wait target and one person fewer does not;
// a larger district never needs fewer people; every district of Mashhad gets
// a roster for every role, each within its target.
import t from 'tap';
import { DateTime } from 'luxon';
import { IRAN_TIME_ZONE } from '../../platform/persian.ts';
import { officeHoursOn } from '../../platform/working-calendar.ts';
import { planRollout, p90, queue, smallestRoster, waitTargets, type RoleWork } from '../../simulation/capacity.ts';
import { district12 } from '../../simulation/demand.ts';
import { districtPopulations } from '../../simulation/districts.ts';
import { createRandom } from '../../simulation/random.ts';

const hour = 3_600_000;
const holidays = new Set<string>();
// Ten days from Saturday 1405-09-14 (2026-12-05), Tehran.
const start = DateTime.fromISO('2026-12-05', { zone: IRAN_TIME_ZONE });
const span = { from: start.toMillis(), to: start.plus({ days: 10 }).toMillis() };

/** `perDay` tasks a working day at random office moments, each taking about `minutes` (log-normal). */
function work(role: string, perDay: number, minutes: { median: number; p90: number }): RoleWork {
  const random = createRandom(role);
  const arrivals: number[] = [];
  for (let day = start; day.toMillis() < span.to; day = day.plus({ days: 1 })) {
    const hours = officeHoursOn(day, holidays);
    if (!hours) continue;
    for (let n = 0; n < perDay; n++) arrivals.push(hours.opens.toMillis() + random.next() * (hours.closes.toMillis() - hours.opens.toMillis()));
  }
  arrivals.sort((a, b) => a - b);
  const handlingMs = arrivals.map(() => random.logNormal(minutes) * 60_000);
  return { role, arrivals, handlingMs, waitsMs: [] };
}

const inspections = work('inspector', 8, { median: 45, p90: 110 });
const checks = work('clerk', 12, { median: 12, p90: 30 });

t.test('the roster named is the smallest that meets the target', async (t) => {
  for (const [load, targetHours] of [[inspections, 7], [inspections, 2], [checks, 3.5], [checks, 0.5]] as const) {
    const target = targetHours * hour;
    const planned = smallestRoster(load.arrivals, load.handlingMs, target, span, holidays, 'plan');
    const waitWith = (servers: number) => p90(queue(load.arrivals, load.handlingMs, servers, span, holidays, createRandom('plan')).waits)!;
    t.ok(waitWith(planned.servers) <= target, `${load.role}, target ${targetHours} h: ${planned.servers} people wait ${(waitWith(planned.servers) / hour).toFixed(1)} h at p90`);
    if (planned.servers > planned.floor) t.ok(waitWith(planned.servers - 1) > target, `and ${planned.servers - 1} would wait ${(waitWith(planned.servers - 1) / hour).toFixed(1)} h`);
    else t.equal(planned.servers, planned.floor, 'no fewer people can do the work at all');
  }
  const tight = smallestRoster(inspections.arrivals, inspections.handlingMs, 0.1 * hour, span, holidays, 'plan').servers;
  const loose = smallestRoster(inspections.arrivals, inspections.handlingMs, 14 * hour, span, holidays, 'plan').servers;
  t.ok(tight > loose, `a tighter target needs more people (${tight} for six minutes, ${loose} for two days)`);
});

t.test('every district gets a roster for every role, within its targets, growing with its residents', async (t) => {
  const plan = planRollout({
    work: [inspections, checks], model: district12, district: 12, roster: { inspector: 3, clerk: 2 },
    filed: 600, days: 10, appointments: 40, span, holidays, seed: 'rollout',
  });
  const targets = new Map(waitTargets(district12).map((target) => [target.role, target.hours]));
  t.equal(plan.districts.length, districtPopulations.length, 'one row per district of Mashhad');
  for (const district of plan.districts) {
    for (const role of ['inspector', 'clerk']) {
      t.ok((district.roster[role] ?? 0) >= 1, `${district.name}: ${role} ${district.roster[role]}`);
      t.ok(district.p90WaitHours[role]! <= targets.get(role)!, `${district.name}: ${role} p90 wait ${district.p90WaitHours[role]} h within ${targets.get(role)!.toFixed(1)} h`);
    }
  }
  const byId = new Map(plan.districts.map((district) => [district.district, district]));
  const [largest, smallest] = [byId.get(2)!, byId.get(14)!];
  for (const role of ['inspector', 'clerk']) t.ok(largest.roster[role]! > smallest.roster[role]!, `${role}: ${largest.name} (${largest.population}) needs more than ${smallest.name} (${smallest.population})`);
  t.equal(byId.get(12)!.requestsPerMonth, 1800, 'the simulated district keeps its own volume, a month of it');
  t.ok(largest.counters >= smallest.counters, 'and at least as many counters');
  t.same(plan.validation.map((row) => row.role), ['clerk', 'inspector'], 'the model is set beside the simulation for each role worked');
});
