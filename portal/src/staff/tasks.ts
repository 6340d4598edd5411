// The task list: tasks for my groups in my district, soonest due first, each
// with its SLA colour (and the colour's meaning in words, not colour alone);
// filtered by who holds it and by SLA state, both kept in the address.
import { endpoints } from '../shared/endpoints.ts';
import { button, h, notice, show } from '../shared/elements.ts';
import { date, persianDigits } from '../shared/display.ts';
import { go } from '../shared/router.ts';
import { api, staff } from './session.ts';
import { serviceNames } from './services.ts';
import {
  apiQuery, filterOf, routeOf, serviceIdOf, slaNames, slaOf, slaTags, taskKey, trackingCodeOf, type ListedTask, type SlaState, type Task, type TaskListFilter,
} from './task-types.ts';

export async function loadTasks(filter: TaskListFilter = { who: 'all', sla: '' }): Promise<Task[]> {
  return api.get<ListedTask[]>(`${endpoints.tasks}${apiQuery(filter)}`);
}

export async function claim(task: Task): Promise<void> {
  await api.post(endpoints.claim(taskKey(task)), {});
}

const whoNames: Record<TaskListFilter['who'], string> = { all: 'همه وظایف گروه', mine: 'برداشته‌شده توسط من', unassigned: 'آزاد (برداشته‌نشده)' };

function filterForm(filter: TaskListFilter): HTMLFormElement {
  const who = h('select', { id: 'filter-who', name: 'who' },
    (Object.keys(whoNames) as Array<TaskListFilter['who']>).map((value) => h('option', { value, selected: value === filter.who }, whoNames[value])));
  const sla = h('select', { id: 'filter-sla', name: 'sla' },
    h('option', { value: '', selected: filter.sla === '' }, 'همه'),
    (Object.keys(slaNames) as SlaState[]).map((value) => h('option', { value, selected: value === filter.sla }, slaNames[value])));
  const form = h('form', { id: 'task-filter', class: 'search-box', 'aria-label': 'پالایش وظایف' },
    h('div', {}, h('label', { for: 'filter-who' }, 'وظایف'), who),
    h('div', {}, h('label', { for: 'filter-sla' }, 'موعد'), sla),
    h('button', { type: 'submit', class: 'button button-secondary' }, 'نمایش'));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    go(routeOf({ who: who.value as TaskListFilter['who'], sla: sla.value as SlaState | '' }));
  });
  return form;
}

export async function tasksPage(main: HTMLElement, query: URLSearchParams = new URLSearchParams()): Promise<void> {
  const me = staff()!;
  const filter = filterOf(query);
  const [tasks, names] = await Promise.all([loadTasks(filter), serviceNames()]);
  const rows = tasks.map((task) => {
    const sla = slaOf(task);
    const key = taskKey(task);
    const mine = task.assignee === me.username;
    const code = trackingCodeOf(task);
    return h('tr', { class: `sla-${sla}`, 'data-task': key },
      h('td', {}, h('a', { href: `#/tasks/${encodeURIComponent(key)}` }, task.name)),
      h('td', {}, names.get(serviceIdOf(task) ?? '') ?? serviceIdOf(task) ?? '—'),
      h('td', { dir: 'ltr' }, code ? persianDigits(code) : '—'),
      h('td', {}, date(task.dueAt), ' ', h('span', { class: `tag tag-${slaTags[sla]}` }, slaNames[sla])),
      h('td', {}, mine ? 'من' : task.assignee ?? h('span', { class: 'hint' }, 'آزاد')),
      h('td', {}, mine ? h('a', { href: `#/tasks/${encodeURIComponent(key)}` }, 'انجام') : task.assignee ? '' : button('برداشتن', async () => {
        await claim(task);
        go(`#/tasks/${encodeURIComponent(key)}`);
      }, 'secondary')));
  });
  const filtered = filter.who !== 'all' || filter.sla !== '';
  show(main, 'کارتابل',
    h('h1', {}, 'کارتابل'),
    query.get('done') ? h('div', { class: 'notice notice-success', role: 'status', id: 'task-done' }, 'وظیفه ثبت شد و درخواست به مرحله بعد رفت.') : null,
    h('p', {}, `وظایف گروه‌های شما${me.districtId ? ` در منطقه ${persianDigits(me.districtId)}` : ''}، به ترتیب موعد.`),
    filterForm(filter),
    h('p', { id: 'task-count', role: 'status' }, `${persianDigits(tasks.length)} وظیفه${filtered ? ' با این پالایش' : ''}`),
    tasks.length === 0 ? notice(filtered ? 'وظیفه‌ای با این پالایش نیست.' : 'وظیفه‌ای در کارتابل شما نیست.') : h('div', { class: 'table-scroll' }, h('table', { id: 'task-list' },
      h('caption', { class: 'visually-hidden' }, 'وظایف باز'),
      h('thead', {}, h('tr', {}, ['وظیفه', 'خدمت', 'کد رهگیری', 'موعد', 'مسئول', 'اقدام'].map((title) => h('th', { scope: 'col' }, title)))),
      h('tbody', {}, rows))),
    button('به‌روزرسانی', () => go(routeOf(filter)), 'secondary'));
}
