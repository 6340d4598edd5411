// The counter's day: the district office's appointments of one day in time
// order — who comes, for what, at which counter — with «حاضر شد» and
// «حاضر نشد» for each booking still open. Recording moves the request on (the
// process takes attendance whenever it is recorded). The day is in the
// address, so a refresh or a colleague's link shows the same list.
import { ApiError, type Answer } from '../shared/api.ts';
import { endpoints } from '../shared/endpoints.ts';
import { button, errorSummary, h, notice, show } from '../shared/elements.ts';
import { date, persianDigits } from '../shared/display.ts';
import { go } from '../shared/router.ts';
import { api, staff } from './session.ts';

type CounterAppointment = Answer<'/api/appointments/'>[number];

const tehranDay = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Tehran' });
const timeOfDay = new Intl.DateTimeFormat('fa-IR', { timeZone: 'Asia/Tehran', hour: '2-digit', minute: '2-digit', hour12: false });

const statusTags: Record<CounterAppointment['status'], [string, string]> = {
  booked: ['در انتظار', 'grey'],
  attended: ['حاضر شد', 'green'],
  missed: ['حاضر نشد', 'red'],
};

/** A Tehran day `YYYY-MM-DD` moved by whole days. */
function shift(day: string, days: number): string {
  return tehranDay.format(new Date(new Date(`${day}T12:00:00Z`).getTime() + days * 86_400_000));
}

export async function appointmentsPage(main: HTMLElement, query: URLSearchParams): Promise<void> {
  const today = tehranDay.format(new Date());
  const asked = query.get('day');
  const day = asked && /^\d{4}-\d{2}-\d{2}$/.test(asked) ? asked : today;
  const list = await api.get<CounterAppointment[]>(endpoints.counterDay(day));
  const announcement = h('p', { id: 'attendance-status', role: 'status', class: 'notice notice-success' }, query.get('recorded') ?? '');
  if (!query.get('recorded')) announcement.hidden = true;
  const errors = h('div', {});

  const record = async (appointment: CounterAppointment, attended: boolean) => {
    try {
      await api.post(endpoints.attendance(appointment.trackingCode), { attended });
    } catch (error) {
      errors.replaceChildren(errorSummary([{ message: error instanceof ApiError ? error.messageFa : 'ثبت نشد؛ دوباره تلاش کنید.' }]));
      return;
    }
    const who = appointment.citizenName ?? 'شهروند';
    const recorded = attended ? `حضور ${who} ثبت شد؛ درخواست به مرحله بعد رفت.` : `نیامدن ${who} ثبت شد.`;
    go(`#/appointments?${new URLSearchParams({ day, recorded })}`);
  };

  const started = (appointment: CounterAppointment) => new Date(appointment.startsAt).getTime() <= Date.now();
  const rows = list.map((appointment) => {
    const [tag, colour] = statusTags[appointment.status] ?? [appointment.status, 'grey'];
    const who = appointment.citizenName ?? '—';
    return h('tr', { 'data-appointment': appointment.id },
      h('td', {}, timeOfDay.format(new Date(appointment.startsAt))),
      h('td', {}, appointment.counter ? persianDigits(appointment.counter) : '—'),
      h('th', { scope: 'row' }, who, h('span', { class: 'hint' }, `کد ملی ${persianDigits(appointment.citizenNationalCode)}`)),
      h('td', {}, appointment.serviceName),
      h('td', {}, h('a', { href: `#/requests/${encodeURIComponent(appointment.trackingCode)}` }, h('bdi', {}, persianDigits(appointment.trackingCode)))),
      h('td', {}, h('span', { class: `tag tag-${colour}` }, tag)),
      h('td', {}, appointment.status !== 'booked' ? '' : [
        h('button', { type: 'button', class: 'button button-primary', 'aria-label': `${who} حاضر شد`, onclick: () => { void record(appointment, true); } }, 'حاضر شد'),
        started(appointment)
          ? h('button', { type: 'button', class: 'button button-warning', 'aria-label': `${who} حاضر نشد`, onclick: () => { void record(appointment, false); } }, 'حاضر نشد')
          : h('span', { class: 'hint' }, '«حاضر نشد» پس از زمان نوبت'),
      ]));
  });
  const me = staff()!;
  const waiting = list.filter((appointment) => appointment.status === 'booked').length;
  show(main, 'نوبت‌های حضوری',
    h('h1', {}, day === today ? 'نوبت‌های حضوری امروز' : `نوبت‌های حضوری ${date(`${day}T12:00:00Z`)}`),
    h('p', {}, `${date(`${day}T12:00:00Z`)}، دفتر منطقه ${me.districtId ? persianDigits(me.districtId) : ''}. ${persianDigits(list.length)} نوبت، ${persianDigits(waiting)} در انتظار.`),
    h('nav', { 'aria-label': 'روز', class: 'day-picker' },
      h('a', { href: `#/appointments?day=${shift(day, -1)}` }, 'روز قبل'),
      day === today ? null : h('a', { href: '#/appointments' }, 'امروز'),
      h('a', { href: `#/appointments?day=${shift(day, 1)}` }, 'روز بعد')),
    announcement,
    errors,
    list.length === 0 ? notice('برای این روز نوبتی رزرو نشده است.') : h('div', { class: 'table-scroll' }, h('table', { id: 'counter-day' },
      h('caption', { class: 'visually-hidden' }, 'نوبت‌های روز'),
      h('thead', {}, h('tr', {}, ['ساعت', 'باجه', 'شهروند', 'خدمت', 'کد رهگیری', 'وضعیت', 'اقدام'].map((title) => h('th', { scope: 'col' }, title)))),
      h('tbody', {}, rows))),
    button('به‌روزرسانی', () => go(`#/appointments?day=${day}`), 'secondary'));
}
