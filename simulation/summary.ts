// The report as a terminal reads it: the month's figures, the check of the
// figures against the simulation's own ledger, staff, and the run as a load test.
import { DateTime } from 'luxon';
import { IRAN_TIME_ZONE } from '../platform/persian.ts';
import type { SimulationReport } from './report.ts';

const percent = (share: number | null) => (share === null ? '—' : `${(share * 100).toFixed(1)}%`);
const hours = (value: number | null) => (value === null ? '—' : value >= 48 ? `${(value / 24).toFixed(1)} d` : `${value.toFixed(1)} h`);
const pad = (text: string | number, width: number) => String(text).padEnd(width);

export function summary(report: SimulationReport, where: { file: string; id: string; database: string | null }): string {
  const { figures, ledger, run } = report;
  const closed = figures.timeToClose.reduce((sum, row) => sum + row.closed, 0);
  const median = closed ? figures.timeToClose.reduce((sum, row) => sum + row.medianHours * row.closed, 0) / closed : null;
  const lines = [
    '',
    `District ${report.district}, ${report.days} days from ${DateTime.fromISO(report.from, { zone: IRAN_TIME_ZONE }).toISODate()} (Tehran) (model: ${Math.round(report.model.requestsPerMonth)} requests a month), seed ${report.seed}`,
    '',
    `Requests filed          ${ledger.filed}  (portal ${ledger.byChannel.portal ?? 0}, 137 ${ledger.byChannel['call-centre'] ?? 0}, counter ${ledger.byChannel['in-person'] ?? 0})`,
    `Closed                  completed ${figures.outcomes.completed}, rejected ${figures.outcomes.rejected}, lapsed ${figures.outcomes.lapsed}, cancelled ${figures.outcomes.cancelled}; open ${figures.outcomes.open}`,
    `Open requests wait at   ${Object.entries(ledger.waiting).map(([status, count]) => `${status} ${count}`).join(', ') || '—'}`,
    `Unaccounted             ${ledger.unaccounted.length}`,
    `No office visit         ${percent(figures.withoutOfficeVisit.share)}`,
    `SLA met                 ${percent(figures.sla.share)} (${figures.sla.met} met, ${figures.sla.missed} missed, ${figures.sla.pending} still within)`,
    `Payment success         ${percent(figures.payments.share)} (${figures.payments.paid} of ${figures.payments.asked}; ${figures.payments.failedAttempts} failed attempts)`,
    `Time to close           median ${hours(median)} (closed requests, weighted over services)`,
    `Satisfaction            ${figures.satisfaction.average?.toFixed(2) ?? '—'} of 5 from ${figures.satisfaction.ratings} ratings`,
    `Figures = simulation    ${report.check.agrees ? 'yes' : `NO: ${report.check.differences.join('; ')}`}`,
    '',
    `${pad('role', 24)}${pad('staff', 7)}${pad('tasks', 7)}${pad('open', 7)}${pad('wait p50', 10)}${pad('wait p90', 10)}${pad('utilisation', 12)}driver's`,
    ...figures.roles.filter((row) => row.tasks > 0).map((row) => {
      const timed = report.utilisation.find((entry) => entry.role === row.role);
      const driver = timed && timed.availableHours ? timed.busyHours / timed.availableHours : null;
      return `${pad(row.role, 24)}${pad(row.staff, 7)}${pad(row.tasks, 7)}${pad(row.open, 7)}${pad(hours(row.waitMedianHours), 10)}${pad(hours(row.waitP90Hours), 10)}${pad(percent(row.utilisation), 12)}${percent(driver)}`;
    }),
    '',
    `Load test               ${run.wallSeconds.toFixed(0)} s wall for ${report.days} days (${run.simulatedDaysPerWallMinute.toFixed(1)} simulated days a minute), ${run.steps.total} clock steps (${run.steps.unsettled} moved on with work in flight after their wait)`,
    `Wall time by phase      clock ${(run.steps.clockMs / 1000).toFixed(1)} s, catching up ${(run.steps.settleMs / 1000).toFixed(1)} s, citizens and finishing work ${(run.steps.actMs / 1000).toFixed(1)} s, taking work ${(run.steps.staffMs / 1000).toFixed(1)} s, messages ${(run.steps.messagesMs / 1000).toFixed(1)} s`,
    `Throughput              ${run.requestsPerWallSecond.toFixed(1)} requests/s, ${run.apiCallsPerWallSecond.toFixed(1)} API calls/s (${run.apiCalls} calls)`,
    `CPU per request (ms)    ${Object.entries(run.cpuMsPerRequest).map(([name, ms]) => `${name} ${ms.toFixed(1)}`).join(', ')}`,
    `API CPU per call        ${run.apiCpuMsPerCall === null ? '—' : `${run.apiCpuMsPerCall.toFixed(2)} ms`}`,
    ...(run.apiCallsByKind ? [`API calls per request   ${Object.entries(run.apiCallsByKind).slice(0, 6).map(([kind, count]) => `${kind} ${(count / Math.max(1, ledger.filed)).toFixed(2)}`).join(', ')}`] : []),
    ...dayLines(run.days ?? []),
    report.unexpected.length ? `Unexpected answers      ${report.unexpected.map((entry) => `${entry.what} ×${entry.count}`).join('; ')}` : 'Unexpected answers      none',
    ...planLines(report),
    '',
    `Report ${where.id}: ${where.file} (staff workspace: #/simulations/${where.id})${where.database ? `; database ${where.database} kept` : ''}`,
    '',
  ];
  return lines.join('\n');
}

/** Day by day, to show whether a cost grows with the data a month piles up. */
function dayLines(days: NonNullable<SimulationReport['run']['days']>): string[] {
  if (days.length < 2) return [];
  const [first, last] = [days[0]!, days.at(-1)!];
  const cpuPerRequest = (day: typeof first) => (day.filed ? Object.values(day.cpuSeconds).reduce((sum, seconds) => sum + seconds, 0) * 1000 / day.filed : null);
  return [
    `Wall s per day          ${days.map((day) => day.wallSeconds.toFixed(0)).join(' ')}`,
    `Requests per day        ${days.map((day) => day.filed).join(' ')}`,
    `CPU ms/request per day  ${days.map((day) => cpuPerRequest(day)?.toFixed(0) ?? '—').join(' ')} (all components)`,
    `Resident MB, day 1→${days.length}   ${Object.keys(last.residentMegabytes).map((name) => `${name} ${first.residentMegabytes[name] ?? '—'}→${last.residentMegabytes[name]}`).join(', ')}`,
  ];
}

function planLines(report: SimulationReport): string[] {
  const { plan } = report;
  if (!plan) return [];
  return [
    '',
    `Capacity plan: ${plan.rule}`,
    `Targets (p90 wait, office hours): ${plan.targets.map((target) => `${target.role} ${target.hours.toFixed(1)} (${target.service})`).join(', ')}`,
    `Model against simulation (p90 wait, office hours): ${plan.validation.map((row) => `${row.role} ${row.modelP90Hours?.toFixed(1) ?? '—'} vs ${row.simulatedP90Hours?.toFixed(1) ?? '—'}`).join(', ')}`,
    ...plan.districts.map((district) => `  ${pad(district.name, 12)}${pad(district.population.toLocaleString('en'), 9)}${pad(`${district.requestsPerMonth}/mo`, 10)}${pad(`counters ${district.counters}`, 12)}${Object.entries(district.roster).map(([role, staff]) => `${role} ${staff}`).join(', ')}`),
  ];
}
