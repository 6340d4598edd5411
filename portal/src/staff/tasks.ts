// The task list: tasks for my groups in my district, soonest due first, each
// with its SLA colour (and the colour's meaning in words, not colour alone).
import { endpoints } from '../shared/endpoints.ts';
import { button, h, notice, show } from '../shared/elements.ts';
import { date, persianDigits } from '../shared/display.ts';
import { go } from '../shared/router.ts';
import { api, staff } from './session.ts';
import { serviceNames } from './services.ts';
import { serviceIdOf, slaNames, slaState, slaTags, taskKey, taskTitle, trackingCodeOf, type Task } from './task-types.ts';

export async function loadTasks(): Promise<Task[]> {
  const answer = await api.get<Task[] | { tasks: Task[] }>(endpoints.tasks);
  const tasks = Array.isArray(answer) ? answer : answer.tasks;
  return [...tasks].sort((a, b) => (a.dueAt ?? '9999').localeCompare(b.dueAt ?? '9999'));
}

export async function claim(task: Task): Promise<void> {
  await api.post(endpoints.claim(taskKey(task)), {});
}

export async function tasksPage(main: HTMLElement): Promise<void> {
  const me = staff()!;
  const [tasks, names] = await Promise.all([loadTasks(), serviceNames()]);
  const rows = tasks.map((task) => {
    const sla = slaState(task.dueAt);
    const key = taskKey(task);
    const mine = task.assignee === me.username;
    const code = trackingCodeOf(task);
    return h('tr', { class: `sla-${sla}`, 'data-task': key },
      h('td', {}, h('a', { href: `#/tasks/${encodeURIComponent(key)}` }, taskTitle(task))),
      h('td', {}, names.get(serviceIdOf(task) ?? '') ?? serviceIdOf(task) ?? '—'),
      h('td', { dir: 'ltr' }, code ? persianDigits(code) : '—'),
      h('td', {}, date(task.dueAt), ' ', h('span', { class: `tag tag-${slaTags[sla]}` }, slaNames[sla])),
      h('td', {}, mine ? 'من' : task.assignee ?? h('span', { class: 'hint' }, 'آزاد')),
      h('td', {}, mine ? h('a', { href: `#/tasks/${encodeURIComponent(key)}` }, 'انجام') : task.assignee ? '' : button('برداشتن', async () => {
        await claim(task);
        go(`#/tasks/${encodeURIComponent(key)}`);
      }, 'secondary')));
  });
  show(main, 'کارتابل',
    h('h1', {}, 'کارتابل'),
    h('p', {}, `وظایف گروه‌های شما${me.districtId ? ` در منطقه ${persianDigits(me.districtId)}` : ''}، به ترتیب موعد.`),
    tasks.length === 0 ? notice('وظیفه‌ای در کارتابل شما نیست.') : h('div', { class: 'table-scroll' }, h('table', { id: 'task-list' },
      h('caption', { class: 'visually-hidden' }, 'وظایف باز'),
      h('thead', {}, h('tr', {}, ['وظیفه', 'خدمت', 'کد رهگیری', 'موعد', 'مسئول', 'اقدام'].map((title) => h('th', { scope: 'col' }, title)))),
      h('tbody', {}, rows))),
    button('به‌روزرسانی', () => go('#/tasks'), 'secondary'));
}
