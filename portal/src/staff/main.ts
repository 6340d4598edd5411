// The staff workspace: sign-in, then what the role does — the task list,
// the 137 desk, the figures, simulated months.
import { ApiError } from '../shared/api.ts';
import { button, errorSummary, h, show } from '../shared/elements.ts';
import { persianDigits } from '../shared/display.ts';
import { go, startRouter, type Route } from '../shared/router.ts';
import { api, canFileForCitizens, canKeepCounter, canReadFigures, canWorkTasks, roleNames, staff } from './session.ts';
import { signInPage } from './sign-in.ts';
import { tasksPage } from './tasks.ts';
import { taskPage } from './task-page.ts';
import { callCentrePage, fileForCitizenPage, requestStatusPage } from './call-centre.ts';
import { figuresPage } from './figures.ts';
import { appointmentsPage } from './appointments.ts';
import { simulationPage, simulationsPage } from './simulations.ts';

document.documentElement.dataset.site = 'میز کار شهرداری';
const main = document.getElementById('main')!;
const nav = document.getElementById('account')!;

function drawNav(): void {
  const me = staff();
  if (!me) {
    nav.replaceChildren();
    return;
  }
  const signOut = button('خروج', () => { api.session = null; drawNav(); go('#/'); }, 'secondary');
  signOut.className = '';
  nav.replaceChildren(
    canWorkTasks(me.role) ? h('a', { href: '#/tasks' }, 'کارتابل') : '',
    canKeepCounter(me.role) ? h('a', { href: '#/appointments' }, 'نوبت‌های حضوری') : '',
    canFileForCitizens(me.role) ? h('a', { href: '#/call-centre' }, 'سامانه ۱۳۷') : '',
    canReadFigures(me.role) ? h('a', { href: '#/figures' }, 'آمار') : '',
    canReadFigures(me.role) ? h('a', { href: '#/simulations' }, 'شبیه‌سازی') : '',
    // The name is isolated: a Latin or bracketed name must not reorder the Persian around it.
    h('span', { class: 'staff-who' }, h('bdi', {}, me.name), ` — ${roleNames[me.role] ?? me.role}${me.districtId ? `، منطقه ${persianDigits(me.districtId)}` : ''}`),
    signOut);
}

function home(role: string): string {
  if (canWorkTasks(role)) return '#/tasks';
  if (canFileForCitizens(role)) return '#/call-centre';
  if (canReadFigures(role)) return '#/figures';
  return '#/tasks';
}

async function route({ path, query }: Route): Promise<void> {
  drawNav();
  const me = staff();
  const [first, id] = path;
  // A link into the workspace (a colleague's, a bookmark) opens where it points once signed in.
  if (!me || first === 'sign-in') return signInPage(main, first === 'sign-in' ? query.get('next') ?? '' : window.location.hash);
  if (!first) return go(home(me.role));
  if (first === 'tasks' && id) return taskPage(main, id);
  if (first === 'tasks') return tasksPage(main, query);
  if (first === 'call-centre') return callCentrePage(main, query);
  if (first === 'file') return fileForCitizenPage(main, query);
  if (first === 'requests' && id) return requestStatusPage(main, id, query);
  if (first === 'figures') return figuresPage(main, query);
  if (first === 'appointments') return appointmentsPage(main, query);
  if (first === 'simulations' && id) return simulationPage(main, id);
  if (first === 'simulations') return simulationsPage(main);
  show(main, 'صفحه پیدا نشد', h('h1', {}, 'صفحه پیدا نشد'));
}

function failed(error: unknown): void {
  if (error instanceof ApiError && error.status === 401) {
    api.session = null;
    drawNav();
    signInPage(main, window.location.hash).catch(() => undefined);
    return;
  }
  console.error(error);
  const message = error instanceof ApiError ? error.messageFa : 'خطایی رخ داد؛ صفحه را دوباره باز کنید.';
  show(main, 'خطا', h('h1', {}, 'متأسفیم، مشکلی پیش آمد'), errorSummary([{ message }]));
}

window.addEventListener('signed-in', drawNav);
startRouter(route, failed);
