// The figures managers and analysts read (GET /api/figures) and the ones a
// simulation reports (simulation/report.ts): computed here, once, from
// PostgreSQL, so a simulated month checks the figures and the figures check
// the simulation.
//
// Volumes by service, district and channel; outcomes; how many needed no
// office visit; time to close; SLA met or missed per request and per task;
// payment success; satisfaction; per role the staff, their queues, waiting
// and handling times and utilisation; and queue lengths and waiting times
// over the period. Times are read on the business clock (platform/clock.ts).
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { DateTime } from 'luxon';
import type { Knex } from 'knex';
import { IRAN_TIME_ZONE } from '../platform/persian.ts';
import { roles as taskRoles } from '../processes/catalogue/types.ts';
import { loadHolidays, workingMillisBetween } from '../platform/working-calendar.ts';

const Count = Type.Object({ key: Type.String(), count: Type.Integer() });
const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const Hours = Nullable(Type.Number({ description: 'hours, null when nothing was measured' }));

const ServiceFigures = Type.Object({
  serviceId: Type.String(),
  filed: Type.Integer(),
  open: Type.Integer(),
  completed: Type.Integer(),
  rejected: Type.Integer(),
  lapsed: Type.Integer(),
  cancelled: Type.Integer(),
  slaMet: Type.Integer({ description: 'decided (completed or rejected) by the due date' }),
  slaMissed: Type.Integer({ description: 'decided after the due date, or open past it' }),
  slaPending: Type.Integer({ description: 'open and not yet due' }),
  withoutOfficeVisit: Type.Integer(),
  paymentsAsked: Type.Integer({ description: 'requests asked to pay' }),
  paymentsPaid: Type.Integer({ description: 'of those, requests that paid' }),
});

const RoleFigures = Type.Object({
  role: Type.String(),
  staff: Type.Integer({ description: 'active staff accounts of the role' }),
  tasks: Type.Integer({ description: 'tasks created in the period' }),
  completed: Type.Integer(),
  open: Type.Integer({ description: 'open at the end of the period' }),
  waitMedianHours: Hours,
  waitP90Hours: Hours,
  handleMedianHours: Nullable(Type.Number({ description: 'office hours from claim to completion' })),
  busyHours: Type.Number({ description: 'office hours between claim and completion, summed (work in hand counted to the end of the period)' }),
  availableHours: Type.Number({ description: 'office hours of the period times the staff' }),
  utilisation: Nullable(Type.Number({ description: 'busyHours / availableHours' })),
});

const Series = Type.Object({
  from: Type.String({ format: 'date-time', description: 'first sample' }),
  stepHours: Type.Number(),
  samples: Type.Integer(),
  days: Type.Array(Type.String({ description: 'Tehran calendar days of the daily values' })),
  roles: Type.Array(Type.Object({
    role: Type.String(),
    open: Type.Array(Type.Integer(), { description: 'open tasks at each sample' }),
    waiting: Type.Array(Type.Integer(), { description: 'of those, not yet claimed' }),
    waitMedianHours: Type.Array(Hours, { description: 'per day: median wait of the tasks claimed that day' }),
  })),
  services: Type.Array(Type.Object({ serviceId: Type.String(), open: Type.Array(Type.Integer()) })),
});

export const FiguresSchema = Type.Object({
  period: Type.Object({ from: Nullable(Type.String({ format: 'date-time' })), to: Type.String({ format: 'date-time' }) }),
  total: Type.Integer(),
  byService: Type.Array(Count),
  byDistrict: Type.Array(Count),
  byChannel: Type.Array(Count),
  outcomes: Type.Object({ open: Type.Integer(), completed: Type.Integer(), rejected: Type.Integer(), lapsed: Type.Integer(), cancelled: Type.Integer() }),
  withoutOfficeVisit: Type.Object(
    { count: Type.Integer(), share: Nullable(Type.Number()) },
    { description: 'Requests neither filed in person nor with an appointment' },
  ),
  timeToClose: Type.Array(Type.Object({ serviceId: Type.String(), closed: Type.Integer(), medianHours: Type.Number(), p90Hours: Type.Number() })),
  sla: Type.Object({ met: Type.Integer(), missed: Type.Integer(), pending: Type.Integer(), share: Nullable(Type.Number({ description: 'met / (met + missed)' })) }),
  slaBreaches: Type.Object({ tasksOverdue: Type.Integer(), tasksCompletedLate: Type.Integer() }),
  payments: Type.Object({
    asked: Type.Integer(), paid: Type.Integer(), share: Nullable(Type.Number()),
    attempts: Type.Integer({ description: 'payments created' }), failedAttempts: Type.Integer(),
  }),
  satisfaction: Type.Object({ ratings: Type.Integer(), average: Nullable(Type.Number()) }),
  services: Type.Array(ServiceFigures),
  roles: Type.Array(RoleFigures),
  series: Series,
});

export type Figures = Static<typeof FiguresSchema>;

export interface FiguresQuery {
  /** One district, or the city. */
  district?: number;
  /** First day counted (UTC, YYYY-MM-DD). */
  from?: string;
  /** Last day counted (UTC, YYYY-MM-DD). */
  to?: string;
}

/** The longest stretch drawn as series, counted back from the period's end. */
const seriesDays = 92;
const hour = 3_600_000;

const percentile = (sorted: number[], p: number): number | null => {
  if (sorted.length === 0) return null;
  // Linear interpolation between closest ranks, as PostgreSQL's percentile_cont.
  const rank = p * (sorted.length - 1);
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (rank - low);
};

const roleOf = (groups: string[]): string | null => {
  const group = groups.find((candidate) => /^district-\d+:/.test(candidate));
  return group ? group.slice(group.indexOf(':') + 1) : null;
};

interface TaskRow {
  candidate_groups: string[];
  service_id: string | null;
  status: string;
  created_at: Date;
  claimed_at: Date | null;
  completed_at: Date | null;
  cancelled_at: Date | null;
}

export async function computeFigures(db: Knex, query: FiguresQuery): Promise<Figures> {
  const { district } = query;
  const scoped = () => {
    const rows = db('requests as r');
    if (district !== undefined) rows.where('r.district_id', district);
    if (query.from) rows.where('r.created_at', '>=', query.from);
    if (query.to) rows.where('r.created_at', '<', db.raw("?::date + interval '1 day'", [query.to]));
    return rows;
  };
  const counts = async (column: string) => (await scoped().select(db.raw(`${column}::text as key`)).count('* as count').groupBy(column).orderBy('count', 'desc'))
    .map((row) => ({ key: String(row.key), count: Number(row.count) }));

  const [{ now: nowText, first }] = await scoped().select(
    db.raw(`to_char(clock_now() at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as now`),
    db.raw('min(r.created_at) as first'),
  ) as Array<{ now: string; first: Date | null }>;
  const now = new Date(nowText);
  const periodFrom = query.from ? new Date(`${query.from}T00:00:00Z`) : first;
  const periodTo = query.to ? new Date(Math.min(now.getTime(), Date.parse(`${query.to}T00:00:00Z`) + 24 * hour)) : now;

  const [byService, byDistrict, byChannel] = await Promise.all([counts('r.service_id'), counts('r.district_id'), counts('r.channel')]);
  const total = byChannel.reduce((sum, row) => sum + row.count, 0);

  const decided = "r.outcome in ('completed', 'rejected')";
  const serviceRows = await scoped().groupBy('r.service_id').orderBy('r.service_id').select(
    'r.service_id as serviceId',
    db.raw('count(*)::int as filed'),
    db.raw('count(*) filter (where r.closed_at is null)::int as open'),
    ...(['completed', 'rejected', 'lapsed', 'cancelled'] as const).map((outcome) => db.raw(`count(*) filter (where r.outcome = '${outcome}')::int as "${outcome}"`)),
    db.raw(`count(*) filter (where ${decided} and r.closed_at <= r.due_at)::int as "slaMet"`),
    db.raw(`count(*) filter (where (${decided} and r.closed_at > r.due_at) or (r.closed_at is null and r.due_at < clock_now()))::int as "slaMissed"`),
    db.raw('count(*) filter (where r.closed_at is null and r.due_at >= clock_now())::int as "slaPending"'),
    db.raw(`count(*) filter (where r.channel <> 'in-person' and not exists (select 1 from appointments a where a.request_id = r.id))::int as "withoutOfficeVisit"`),
    db.raw('count(*) filter (where exists (select 1 from payments p where p.request_id = r.id))::int as "paymentsAsked"'),
    db.raw(`count(*) filter (where exists (select 1 from payments p where p.request_id = r.id and p.status in ('paid', 'reversed')))::int as "paymentsPaid"`),
  ) as Array<Static<typeof ServiceFigures>>;
  const sum = (field: keyof Static<typeof ServiceFigures>) => serviceRows.reduce((total, row) => total + (row[field] as number), 0);

  const closing = await scoped().whereNotNull('r.closed_at').groupBy('r.service_id').orderBy('r.service_id').select(
    'r.service_id as serviceId',
    db.raw('count(*)::int as closed'),
    db.raw('percentile_cont(0.5) within group (order by extract(epoch from r.closed_at - r.created_at)) / 3600 as "medianHours"'),
    db.raw('percentile_cont(0.9) within group (order by extract(epoch from r.closed_at - r.created_at)) / 3600 as "p90Hours"'),
  );

  const taskScope = db('user_tasks as t').join('requests as r', 'r.id', 't.request_id').whereNotNull('t.due_at');
  if (district !== undefined) taskScope.where('r.district_id', district);
  const [breaches] = await taskScope.select(
    db.raw("count(*) filter (where t.status = 'open' and t.due_at < clock_now())::int as overdue"),
    db.raw("count(*) filter (where t.status = 'completed' and t.completed_at > t.due_at)::int as late"),
  );

  const [payments] = await db('payments as p').whereIn('p.request_id', scoped().select('r.id')).select(
    db.raw('count(*)::int as attempts'),
    db.raw("count(*) filter (where p.status = 'failed')::int as failed"),
  );
  const [satisfaction] = await scoped().join('ratings as g', 'g.request_id', 'r.id').select(db.raw('count(*)::int as ratings'), db.raw('avg(g.score)::float as average'));

  const { roles, series } = await workFigures(db, { district, from: periodFrom, to: periodTo, now });
  const remote = sum('withoutOfficeVisit');
  const met = sum('slaMet');
  const missed = sum('slaMissed');
  const asked = sum('paymentsAsked');
  const paid = sum('paymentsPaid');
  return {
    period: { from: periodFrom ? periodFrom.toISOString() : null, to: periodTo.toISOString() },
    total, byService, byDistrict, byChannel,
    outcomes: { open: sum('open'), completed: sum('completed'), rejected: sum('rejected'), lapsed: sum('lapsed'), cancelled: sum('cancelled') },
    withoutOfficeVisit: { count: remote, share: total ? remote / total : null },
    timeToClose: closing.map((row) => ({ serviceId: row.serviceId, closed: row.closed, medianHours: Number(row.medianHours), p90Hours: Number(row.p90Hours) })),
    sla: { met, missed, pending: sum('slaPending'), share: met + missed ? met / (met + missed) : null },
    slaBreaches: { tasksOverdue: breaches.overdue, tasksCompletedLate: breaches.late },
    payments: { asked, paid, share: asked ? paid / asked : null, attempts: payments.attempts, failedAttempts: payments.failed },
    satisfaction: { ratings: satisfaction.ratings, average: satisfaction.average },
    services: serviceRows,
    roles,
    series,
  };
}

/**
 * Staff work: the tasks created in the period, by the role of their
 * candidate group (`district-<n>:<role>`), and the same as series: open and
 * unclaimed tasks sampled through the period, daily median waits.
 */
async function workFigures(db: Knex, scope: { district?: number; from: Date | null; to: Date; now: Date }): Promise<{ roles: Figures['roles']; series: Figures['series'] }> {
  const from = scope.from ?? scope.to;
  const tasks = db('user_tasks as t').join('requests as r', 'r.id', 't.request_id')
    .where('t.created_at', '>=', from).where('t.created_at', '<', scope.to)
    .select('t.candidate_groups', db.raw("t.variables->>'serviceId' as service_id"), 't.status', 't.created_at', 't.claimed_at', 't.completed_at', 't.cancelled_at');
  if (scope.district !== undefined) tasks.where('r.district_id', scope.district);
  const staffQuery = db('staff').where({ active: true }).groupBy('role_id').select('role_id as role', db.raw('count(*)::int as staff'));
  if (scope.district !== undefined) staffQuery.where({ district_id: scope.district });
  else staffQuery.whereNotNull('district_id');
  const [rows, staffRows, holidays] = await Promise.all([
    tasks as Promise<TaskRow[]>,
    staffQuery as Promise<Array<{ role: string; staff: number }>>,
    loadHolidays(db, from, scope.to),
  ]);
  const staff = new Map(staffRows.map((row) => [row.role, row.staff]));
  const officeHours = workingMillisBetween(from, scope.to, holidays) / hour;

  const byRole = new Map<string, TaskRow[]>();
  for (const row of rows) {
    const role = roleOf(row.candidate_groups);
    if (!role) continue;
    if (!byRole.has(role)) byRole.set(role, []);
    byRole.get(role)!.push(row);
  }
  // Roles with staff but no tasks yet show too (the manager only when tasks come: escalations are messages).
  for (const role of staff.keys()) if (!byRole.has(role) && role !== 'manager' && (taskRoles as readonly string[]).includes(role)) byRole.set(role, []);

  const roles = [...byRole.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([role, list]) => {
    const completed = list.filter((task) => task.completed_at);
    const waits = completed.map((task) => ((task.claimed_at ?? task.completed_at)!.getTime() - task.created_at.getTime()) / hour).sort((a, b) => a - b);
    const handling = completed.map((task) => workingMillisBetween(task.claimed_at ?? task.completed_at!, task.completed_at!, holidays) / hour).sort((a, b) => a - b);
    // Work in hand at the end of the period counts as busy up to then.
    const inHand = list.filter((task) => task.claimed_at && !task.completed_at && !task.cancelled_at)
      .reduce((total, task) => total + workingMillisBetween(task.claimed_at!, scope.to, holidays) / hour, 0);
    const busyHours = handling.reduce((total, hours) => total + hours, 0) + inHand;
    const people = staff.get(role) ?? 0;
    const availableHours = people * officeHours;
    return {
      role, staff: people, tasks: list.length, completed: completed.length,
      open: list.filter((task) => !task.completed_at && !task.cancelled_at).length,
      waitMedianHours: percentile(waits, 0.5), waitP90Hours: percentile(waits, 0.9), handleMedianHours: percentile(handling, 0.5),
      busyHours, availableHours, utilisation: availableHours > 0 ? busyHours / availableHours : null,
    };
  });
  return { roles, series: seriesOf(rows, byRole, { from, to: scope.to }) };
}

function seriesOf(rows: TaskRow[], byRole: Map<string, TaskRow[]>, period: { from: Date; to: Date }): Figures['series'] {
  const end = period.to.getTime();
  const start = Math.max(period.from.getTime(), end - seriesDays * 24 * hour);
  const span = Math.max(hour, end - start);
  const stepHours = span <= 31 * 24 * hour ? 1 : Math.ceil(span / hour / 744);
  const step = stepHours * hour;
  const samples = Math.floor((end - start) / step) + 1;
  const sampleOf = (time: number) => Math.min(samples, Math.max(0, Math.ceil((time - start) / step)));
  /** Counts at each sample of the tasks alive over [begin, finish). */
  const tally = (list: TaskRow[], finishOf: (task: TaskRow) => Date | null) => {
    const change = new Array<number>(samples + 1).fill(0);
    for (const task of list) {
      const finish = finishOf(task);
      change[sampleOf(task.created_at.getTime())]! += 1;
      change[finish ? sampleOf(finish.getTime()) : samples]! -= 1;
    }
    let running = 0;
    return change.slice(0, samples).map((delta) => (running += delta));
  };
  const finished = (task: TaskRow) => task.completed_at ?? task.cancelled_at;
  const firstDay = DateTime.fromMillis(start, { zone: IRAN_TIME_ZONE }).startOf('day');
  const days: string[] = [];
  for (let day = firstDay; day.toMillis() < end; day = day.plus({ days: 1 })) days.push(day.toISODate()!);
  const dayIndex = new Map(days.map((day, index) => [day, index]));

  const services = new Map<string, TaskRow[]>();
  for (const row of rows) {
    if (!row.service_id) continue;
    if (!services.has(row.service_id)) services.set(row.service_id, []);
    services.get(row.service_id)!.push(row);
  }
  return {
    from: new Date(start).toISOString(), stepHours, samples, days,
    roles: [...byRole.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([role, list]) => {
      const waitsByDay = days.map(() => [] as number[]);
      for (const task of list) {
        const claimed = task.claimed_at ?? task.completed_at;
        if (!claimed) continue;
        const index = dayIndex.get(DateTime.fromJSDate(claimed, { zone: IRAN_TIME_ZONE }).toISODate()!);
        if (index !== undefined) waitsByDay[index]!.push((claimed.getTime() - task.created_at.getTime()) / hour);
      }
      return {
        role,
        open: tally(list, finished),
        waiting: tally(list, (task) => task.claimed_at ?? finished(task)),
        waitMedianHours: waitsByDay.map((waits) => percentile(waits.sort((a, b) => a - b), 0.5)),
      };
    }),
    services: [...services.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([serviceId, list]) => ({ serviceId, open: tally(list, finished) })),
  };
}
