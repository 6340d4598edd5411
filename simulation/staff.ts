// What staff do, through the task API the workspace uses: in office hours,
// whoever is free looks at their group's list (soonest due first), claims
// the first task, works on it for the time the demand model draws (office
// time: work left at closing goes on the next working day), then completes
// it with a decision. Inspectors take the visits assigned to them.
import { DateTime } from 'luxon';
import { IRAN_TIME_ZONE } from '../platform/persian.ts';
import { addOfficeMillis, officeHoursOn, workingMillisBetween } from '../platform/working-calendar.ts';
import type { TaskForm } from './demand.ts';
import { taskForms } from './demand.ts';
import type { StaffMember } from './people.ts';
import { minute, type FiledRequest, type Run } from './run.ts';

interface ListedTask { jobKey: string; formId: string | null; requestId: string | null; assignee: string | null }

interface Worker {
  member: StaffMember;
  /** Business time they are free again, epoch ms. */
  freeAt: number;
  /** Tasks taken: from claim to completion, business time. */
  work: Array<[number, number]>;
}

/** How often someone whose list was empty looks again (assumed: a glance every quarter of an hour). */
const lookAgainMs = 15 * minute;

export function staffActions(run: Run, members: StaffMember[]) {
  const { client, model, agenda } = run;
  const byRole = new Map<string, Worker[]>();
  for (const member of members) {
    if (member.role === 'agent-137') continue;
    if (!byRole.has(member.role)) byRole.set(member.role, []);
    byRole.get(member.role)!.push({ member, freeAt: 0, work: [] });
  }
  const emptySince = new Map<string, number>();

  const onShift = (time: number) => {
    const hours = officeHoursOn(DateTime.fromMillis(time, { zone: IRAN_TIME_ZONE }), run.holidays);
    return hours !== null && time >= hours.opens.toMillis() && time < hours.closes.toMillis();
  };

  /** The decision a person makes on a task, as its form wants it. */
  function decide(form: TaskForm, request: FiledRequest | undefined): Record<string, unknown> {
    const random = request?.random ?? run.random;
    const { decisions, citizens } = model;
    const reason = 'بر اساس بررسی مدارک و ضوابط';
    switch (form) {
      case 'task-document-check': {
        const returnShare = request && request.corrections > 0 ? citizens.correction.again : citizens.correction.first;
        if (random.chance(decisions.documentReject)) return { documentDecision: 'reject', documentReason: reason };
        if (random.chance(returnShare)) return { documentDecision: 'return', documentReason: 'مدارک ناقص است؛ لطفاً کامل کنید' };
        return { documentDecision: 'accept' };
      }
      case 'task-inspection':
        return {
          inspectionResult: random.chance(decisions.inspectionFail) ? 'fail' : 'pass',
          inspectionDate: DateTime.fromMillis(run.now(), { zone: IRAN_TIME_ZONE }).toISODate(),
          inspectionNotes: 'بازدید میدانی انجام شد',
        };
      case 'task-approval': {
        if (random.chance(decisions.approval.reject)) return { approvalDecision: 'reject', approvalReason: reason };
        if (random.chance(decisions.approval.return)) return { approvalDecision: 'return', approvalReason: 'اصلاح نقشه لازم است' };
        return { approvalDecision: 'approve' };
      }
      case 'task-work-report':
        return random.chance(decisions.workNotPossible) ? { workResult: 'not-possible', workNotes: 'انجام کار در محل ممکن نبود' } : { workResult: 'done' };
      case 'task-response':
        return random.chance(decisions.responseDeclined)
          ? { responseDecision: 'declined', responseText: 'این درخواست در حیطه وظایف منطقه نیست' }
          : { responseDecision: 'answered', responseText: 'درخواست شما بررسی و پاسخ داده شد' };
    }
  }

  async function finish(worker: Worker, task: ListedTask, form: TaskForm): Promise<void> {
    const request = task.requestId ? run.requests.get(task.requestId) : undefined;
    const answer = await client.call('POST', `/api/tasks/${task.jobKey}/complete`, { token: worker.member.token, body: { variables: decide(form, request) } });
    if (answer.status === 200) run.count(`completed:${form}`);
    // The process ended the task meanwhile (the request was withdrawn or lapsed): the work was for nothing.
    else if (answer.status === 409 || answer.status === 404) run.count('task:ended-by-process');
    else run.unexpected(`completing ${form}`, answer.body);
  }

  async function take(worker: Worker, task: ListedTask): Promise<boolean> {
    const form = task.formId as TaskForm | null;
    if (!form || !taskForms.includes(form)) {
      run.unexpected('a task with an unknown form', task);
      return false;
    }
    const claimed = await client.call('POST', `/api/tasks/${task.jobKey}/claim`, { token: worker.member.token });
    if (claimed.status !== 200) return false;
    const request = task.requestId ? run.requests.get(task.requestId) : undefined;
    const minutes = (request?.random ?? run.random).logNormal(model.handlingMinutes[form]);
    const done = addOfficeMillis(new Date(run.now()), minutes * minute, run.holidays).getTime();
    worker.freeAt = done;
    worker.work.push([run.now(), done]);
    agenda.schedule(done, `finish ${task.jobKey}`, () => finish(worker, task, form));
    return true;
  }

  /** Everyone free and at work takes the next task of their list. */
  async function assign(): Promise<void> {
    const now = run.now();
    if (!onShift(now)) return;
    await Promise.all([...byRole.entries()].map(async ([role, workers]) => {
      const free = workers.filter((worker) => worker.freeAt <= now);
      if (free.length === 0) return;
      if (now - (emptySince.get(role) ?? -Infinity) < lookAgainMs) return;
      if (role === 'inspector') {
        // Visits are assigned (inspection.assign): the group's list shows them all; each free inspector takes their own first.
        const list = await client.call<ListedTask[]>('GET', '/api/tasks?limit=200', { token: free[0]!.member.token });
        if (list.status !== 200) return run.unexpected('the inspection list', list.body);
        const truncated = list.body.length >= 200;
        const mine = (worker: Worker) => list.body.find((task) => task.assignee === worker.member.username);
        if (!truncated && !free.some(mine)) emptySince.set(role, now);
        else emptySince.delete(role);
        await Promise.all(free.map(async (worker) => {
          let next = mine(worker);
          // A long list may not reach someone's visits: they look at their own.
          if (!next && truncated) {
            const own = await client.call<ListedTask[]>('GET', '/api/tasks?mine=true&limit=1', { token: worker.member.token });
            next = own.status === 200 ? own.body[0] : undefined;
          }
          if (next) await take(worker, next);
        }));
        return;
      }
      const list = await client.call<ListedTask[]>('GET', `/api/tasks?unassigned=true&limit=${Math.min(200, free.length * 2)}`, { token: free[0]!.member.token });
      if (list.status !== 200) return run.unexpected(`the ${role} task list`, list.body);
      if (list.body.length === 0) {
        emptySince.set(role, now);
        return;
      }
      emptySince.delete(role);
      const tasks = [...list.body];
      for (const worker of free) {
        for (let task = tasks.shift(); task; task = tasks.shift()) if (await take(worker, task)) break;
      }
    }));
  }

  /** Office time worked (as the driver timed it) and available per role over [from, to). */
  function utilisation(from: number, to: number): Array<{ role: string; staff: number; tasks: number; busyHours: number; availableHours: number }> {
    const office = workingMillisBetween(new Date(from), new Date(to), run.holidays);
    const worked = (work: Array<[number, number]>) => work.reduce((sum, [start, end]) =>
      sum + workingMillisBetween(new Date(Math.max(start, from)), new Date(Math.min(end, to)), run.holidays), 0);
    return [...byRole.entries()].map(([role, workers]) => ({
      role, staff: workers.length,
      tasks: workers.reduce((sum, worker) => sum + worker.work.length, 0),
      busyHours: workers.reduce((sum, worker) => sum + worked(worker.work), 0) / 3_600_000,
      availableHours: (office * workers.length) / 3_600_000,
    })).sort((a, b) => a.role.localeCompare(b.role));
  }

  /** When someone who is free now would next be at work: the next opening. */
  function nextShiftStart(after: number): number {
    for (let day = DateTime.fromMillis(after, { zone: IRAN_TIME_ZONE }).startOf('day'), n = 0; n < 30; day = day.plus({ days: 1 }), n++) {
      const hours = officeHoursOn(day, run.holidays);
      if (hours && hours.opens.toMillis() > after) return hours.opens.toMillis();
    }
    return Infinity;
  }

  return { assign, utilisation, onShift, nextShiftStart };
}
