// A simulation report for the workspace's browser test, built the way a run
// builds one but from a few hand-made days: requests and tasks in district
// 12 over two days (so the series draw lines), the figures computed by
// domain/figures.ts, and a rollout plan from simulation/capacity.ts on a
// small hand-made workload. Stored where npm run simulate stores reports.
import type { Knex } from 'knex';
import { computeFigures } from '../../domain/figures.ts';
import { planRollout } from '../../simulation/capacity.ts';
import { district12 } from '../../simulation/demand.ts';
import type { SimulationReport } from '../../simulation/report.ts';

const hour = 3_600_000;

export async function storeSimulationReport(db: Knex): Promise<string> {
  // Saturday 2026-11-28 from 08:00 Tehran (04:30 UTC), a request every two hours, each with a task.
  const from = Date.parse('2026-11-28T04:30:00Z');
  const [citizen] = await db('citizens').insert({ national_code: '4721016352', mobile: '09121234999', name: 'لیلا نوری' })
    .onConflict('national_code').merge(['name']).returning('id');
  for (let index = 0; index < 12; index++) {
    const filed = new Date(from + index * 2 * hour);
    const closed = index % 3 === 0 ? null : new Date(filed.getTime() + (10 + index) * hour);
    const [request] = await db('requests').insert({
      tracking_code: String(2_000_000_000 + index), service_id: index % 2 ? 'complaint' : 'tree-pruning', district_id: 12,
      channel: ['portal', 'call-centre', 'in-person'][index % 3], citizen_id: citizen.id, status: closed ? 'closed' : 'under-review',
      outcome: closed ? 'completed' : null, created_at: filed, closed_at: closed, due_at: new Date(filed.getTime() + 30 * hour),
    }).returning('id');
    await db('user_tasks').insert({
      job_key: String(9_000 + index), request_id: request.id, process_instance_key: '1', element_id: 'UserTask_Respond', name: 'پاسخ',
      candidate_groups: [index % 2 ? 'district-12:public-relations' : 'district-12:inspector'], variables: { serviceId: index % 2 ? 'complaint' : 'tree-pruning' },
      created_at: filed, claimed_at: closed ? new Date(filed.getTime() + 2 * hour) : null, completed_at: closed, status: closed ? 'completed' : 'open',
    });
  }
  const to = from + 2 * 24 * hour;
  const figures = await computeFigures(db, { district: 12, from: '2026-11-28', to: '2026-11-29' });
  const work = ['inspector', 'public-relations', 'clerk'].map((role, index) => ({
    role, arrivals: Array.from({ length: 20 + index * 5 }, (_, n) => from + n * 1.5 * hour), handlingMs: [30, 45, 60, 90].map((minutes) => minutes * 60_000), waitsMs: [hour, 2 * hour],
  }));
  const plan = planRollout({
    work, model: district12, district: 12, roster: { inspector: 2, 'public-relations': 1, clerk: 1 }, filed: 12, days: 2, appointments: 3,
    span: { from, to }, holidays: new Set(), seed: 'browser',
  });
  const report: SimulationReport = {
    district: 12, days: 2, from: new Date(from).toISOString(), to: new Date(to).toISOString(), seed: 'browser',
    model: { requestsPerMonth: 180, roster: { inspector: 2, 'public-relations': 1, clerk: 1 } },
    figures,
    ledger: { filed: 12, byChannel: {}, byService: {}, outcomes: { completed: 8 }, waiting: { 'under-review': 4 }, unaccounted: [] },
    check: { agrees: true, differences: [] },
    utilisation: [{ role: 'inspector', staff: 2, tasks: 6, busyHours: 9, availableHours: 28 }, { role: 'public-relations', staff: 1, tasks: 6, busyHours: 6, availableHours: 14 }],
    events: {}, unexpected: [],
    run: {
      wallSeconds: 42, steps: { total: 300, unsettled: 0, settleMs: 0, maxSettleMs: 0, clockMs: 0, actMs: 0, staffMs: 0, messagesMs: 0 },
      simulatedDaysPerWallMinute: 2.9, requestsPerWallSecond: 0.3, apiCalls: 400, apiCallsPerWallSecond: 9.5, apiStatuses: { 200: 400 },
      cpuSeconds: { engine: 1, api: 1 }, cpuMsPerRequest: { engine: 80, api: 75, workers: 120, postgres: 90 }, apiCpuMsPerCall: 2.2,
    },
    plan,
  };
  const [row] = await db('simulation_reports').insert({
    district_id: 12, days: 2, simulated_from: report.from, simulated_to: report.to, requests: 12, report: JSON.stringify(report),
  }).returning('id');
  return row.id;
}
