// The managers' figures (GET /api/figures, computed by domain/figures.ts):
// requests per channel and per service, outcomes, the share that needed no
// office visit, SLA met and missed, payment success, time to close,
// satisfaction, and per role the staff, queues, waits and utilisation, over
// time too. Each chart is inline SVG with its numbers in text; tables carry
// the details. The simulation's report page draws the same sections.
import type { Answer } from '../shared/api.ts';
import { endpoints } from '../shared/endpoints.ts';
import { h, show, type Child } from '../shared/elements.ts';
import { channelNames, date, persianDigits } from '../shared/display.ts';
import { go } from '../shared/router.ts';
import { api, roleNames } from './session.ts';
import { serviceNames } from './services.ts';
import { barChart, legend, lineChart, lineStyles, shareRing, type Bar, type Line } from './charts.ts';

export type Figures = Answer<'/api/figures/'>;

const duration = (hours: number) => (hours >= 48 ? `${persianDigits((hours / 24).toFixed(1))} روز` : `${persianDigits(Math.round(hours))} ساعت`);
const hoursOrDash = (hours: number | null) => (hours === null ? '—' : duration(hours));
const percent = (share: number | null) => (share === null ? '—' : `${persianDigits(Math.round(share * 100))}٪`);

export function card(id: string, title: string, ...content: Array<Node | string | null>): HTMLElement {
  return h('section', { class: 'figure-card', 'aria-labelledby': id }, h('h2', { id }, title), ...content);
}

const none = () => h('p', {}, 'هنوز داده‌ای نیست.');
export const big = (value: string, rest: string) => h('p', {}, h('span', { class: 'figure-big' }, value), ' ', rest);

/** A table that scrolls sideways on a phone, reachable by keyboard. */
export function table(label: string, head: string[], rows: Array<Array<string | number>>): HTMLElement {
  return h('div', { class: 'table-scroll', role: 'region', 'aria-label': label, tabindex: '0' },
    h('table', {},
      h('caption', { class: 'visually-hidden' }, label),
      h('thead', {}, h('tr', {}, ...head.map((text) => h('th', { scope: 'col' }, text)))),
      h('tbody', {}, ...rows.map((row) => h('tr', {}, ...row.map((cell, index) => (index === 0 ? h('th', { scope: 'row' }, String(cell)) : h('td', {}, String(cell)))))))));
}

const outcomeNames: Record<string, string> = { completed: 'انجام شد', rejected: 'رد شد', lapsed: 'منقضی شد', cancelled: 'لغو شد', open: 'هنوز باز' };

/** Jalali day labels under a series, at most about eight of them. */
function dayTicks(series: Figures['series']): Array<{ at: number; label: string }> {
  const from = Date.parse(series.from);
  const every = Math.max(1, Math.ceil(series.days.length / 8));
  return series.days.flatMap((day, index) => {
    if (index % every !== 0) return [];
    // A Tehran day starts at 20:30 UTC the day before.
    const start = Date.parse(`${day}T00:00:00+03:30`);
    const at = Math.max(0, (start - from) / (series.stepHours * 3_600_000));
    return [{ at, label: date(new Date(start)).replace(/^[۰-۹]+\//, '') }];
  });
}

/** Everything the figures say, as page sections: the figures page and a simulation's report both draw these. */
export function figureSections(figures: Figures, nameOf: (serviceId: string) => string, idPrefix = 'chart'): Child[] {
  const id = (name: string) => `${idPrefix}-${name}`;
  const roleName = (role: string) => roleNames[role] ?? role;
  const channels: Bar[] = figures.byChannel.map((row) => ({ label: channelNames[row.key] ?? row.key, value: row.count }));
  const perService: Bar[] = [...figures.byService].sort((a, b) => b.count - a.count).slice(0, 12).map((row) => ({ label: nameOf(row.key), value: row.count }));
  const closing: Bar[] = figures.timeToClose.map((row) => ({
    label: nameOf(row.serviceId), value: row.medianHours, shown: `میانه ${duration(row.medianHours)}، صدک ۹۰: ${duration(row.p90Hours)}`,
  }));
  const breaches: Bar[] = [
    { label: 'باز و گذشته از موعد', value: figures.slaBreaches.tasksOverdue, colour: '#b10e1e' },
    { label: 'انجام‌شده پس از موعد', value: figures.slaBreaches.tasksCompletedLate, colour: '#7a4100' },
  ];
  const outcomes: Bar[] = Object.entries(figures.outcomes).map(([key, value]) => ({ label: outcomeNames[key] ?? key, value }));
  const { share } = figures.withoutOfficeVisit;
  const workRoles = figures.roles.filter((row) => row.tasks > 0 || row.staff > 0);
  const styled = <T>(items: T[]) => items.map((item, index) => ({ item, style: lineStyles[index % lineStyles.length]! }));
  const queueLines: Line[] = styled(figures.series.roles.filter((row) => row.open.some((value) => value > 0)))
    .map(({ item, style }) => ({ label: roleName(item.role), values: item.open, ...style }));
  const waitLines: Line[] = styled(figures.series.roles.filter((row) => row.waitMedianHours.some((value) => value !== null)))
    .map(({ item, style }) => ({ label: roleName(item.role), values: item.waitMedianHours, ...style }));
  const ticks = dayTicks(figures.series);
  const dayIndexTicks = figures.series.days.map((day, index) => ({ index, day }))
    .filter(({ index }) => index % Math.max(1, Math.ceil(figures.series.days.length / 8)) === 0)
    .map(({ index, day }) => ({ at: index, label: date(new Date(`${day}T12:00:00+03:30`)).replace(/^[۰-۹]+\//, '') }));

  return [
    figures.period.from ? h('p', { id: id('period') }, `از ${date(figures.period.from)} تا ${date(figures.period.to)}`) : '',
    big(persianDigits(figures.total), 'درخواست در این بازه'),
    h('div', { class: 'figures' },
      card(id('channels-heading'), 'درخواست‌ها به تفکیک درگاه', channels.length ? barChart('درخواست‌ها به تفکیک درگاه', channels, id('channels')) : none()),
      card(id('no-visit-heading'), 'بدون مراجعه حضوری',
        share === null ? none() : shareRing('سهم درخواست‌های بدون مراجعه حضوری', share, id('no-visit')),
        share === null ? null : h('p', {}, `${persianDigits(figures.withoutOfficeVisit.count)} درخواست بدون مراجعه حضوری`)),
      card(id('sla-heading'), 'پاسخ در موعد (SLA)',
        figures.sla.share === null ? none() : shareRing('سهم درخواست‌های پاسخ‌داده در موعد', figures.sla.share, id('sla')),
        h('p', {}, `${persianDigits(figures.sla.met)} در موعد، ${persianDigits(figures.sla.missed)} با تأخیر، ${persianDigits(figures.sla.pending)} هنوز در مهلت`)),
      card(id('payments-heading'), 'پرداخت موفق',
        figures.payments.share === null ? none() : shareRing('سهم درخواست‌هایی که هزینه را پرداختند', figures.payments.share, id('payments')),
        h('p', {}, `${persianDigits(figures.payments.paid)} از ${persianDigits(figures.payments.asked)} درخواست؛ ${persianDigits(figures.payments.failedAttempts)} تلاش ناموفق`)),
      card(id('satisfaction-heading'), 'رضایت شهروندان',
        figures.satisfaction.average === null ? none() : big(`${persianDigits(figures.satisfaction.average.toFixed(1))} از ۵`, `— ${persianDigits(figures.satisfaction.ratings)} نظر`)),
      card(id('outcomes-heading'), 'نتیجه درخواست‌ها', barChart('نتیجه درخواست‌ها', outcomes, id('outcomes'))),
      card(id('breaches-heading'), 'کارهای گذشته از موعد', barChart('وظایف گذشته از موعد', breaches, id('breaches')))),
    h('h2', {}, 'پرتکرارترین خدمات'),
    perService.length ? barChart('درخواست‌ها به تفکیک خدمت', perService, id('services')) : none(),
    h('h2', {}, 'زمان رسیدگی تا بستن درخواست'),
    closing.length ? barChart('میانه زمان بستن به تفکیک خدمت', closing, id('time-to-close')) : none(),
    h('h2', {}, 'کارکنان و کارها به تفکیک نقش'),
    workRoles.length ? table('کارکنان و کارها به تفکیک نقش',
      ['نقش', 'کارکنان', 'کارها', 'انجام‌شده', 'باز', 'میانه انتظار', 'صدک ۹۰ انتظار', 'میانه رسیدگی', 'بهره‌وری'],
      workRoles.map((row) => [roleName(row.role), persianDigits(row.staff), persianDigits(row.tasks), persianDigits(row.completed), persianDigits(row.open),
        hoursOrDash(row.waitMedianHours), hoursOrDash(row.waitP90Hours), hoursOrDash(row.handleMedianHours), percent(row.utilisation)])) : none(),
    h('h2', {}, 'صف کارها در طول زمان'),
    queueLines.length ? h('div', { class: 'figures-wide' }, lineChart('کارهای باز هر نقش در طول زمان', queueLines, ticks, id('queues'), 'کار'), legend(queueLines)) : none(),
    h('h2', {}, 'انتظار در صف (میانه روزانه، ساعت)'),
    waitLines.length ? h('div', { class: 'figures-wide' }, lineChart('میانه انتظار روزانه هر نقش', waitLines, dayIndexTicks, id('waits'), 'ساعت'), legend(waitLines)) : none(),
    h('h2', {}, 'موعد، نتیجه و پرداخت به تفکیک خدمت'),
    figures.services.length ? table('موعد، نتیجه و پرداخت به تفکیک خدمت',
      ['خدمت', 'ثبت', 'انجام', 'رد', 'منقضی', 'لغو', 'باز', 'در موعد', 'با تأخیر', 'بدون مراجعه', 'پرداخت'],
      figures.services.map((row) => [nameOf(row.serviceId), persianDigits(row.filed), persianDigits(row.completed), persianDigits(row.rejected),
        persianDigits(row.lapsed), persianDigits(row.cancelled), persianDigits(row.open), persianDigits(row.slaMet), persianDigits(row.slaMissed),
        persianDigits(row.withoutOfficeVisit), row.paymentsAsked ? `${persianDigits(row.paymentsPaid)} از ${persianDigits(row.paymentsAsked)}` : '—'])) : none(),
  ];
}

/** The periods a manager picks from: the last so many days, or everything. */
const periods: Array<[days: string, name: string]> = [['', 'از آغاز'], ['7', '۷ روز گذشته'], ['30', '۳۰ روز گذشته'], ['90', '۹۰ روز گذشته'], ['365', 'یک سال گذشته']];

/** The period picker; the choice stays in the address (`#/figures?days=30`). */
function periodPicker(days: string): HTMLFormElement {
  const select = h('select', { id: 'figures-period', name: 'days' },
    periods.map(([value, name]) => h('option', { value, selected: value === days }, name)));
  const form = h('form', { class: 'search-box', 'aria-label': 'بازه آمار' },
    h('div', {}, h('label', { for: 'figures-period' }, 'بازه'), select),
    h('button', { type: 'submit', class: 'button button-secondary' }, 'نمایش'));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    go(select.value ? `#/figures?days=${select.value}` : '#/figures');
  });
  return form;
}

export async function figuresPage(main: HTMLElement, query: URLSearchParams = new URLSearchParams()): Promise<void> {
  const days = periods.some(([value]) => value === query.get('days')) ? query.get('days')! : '';
  const day = (offset: number) => new Date(Date.now() - offset * 86_400_000).toISOString().slice(0, 10);
  const url = days ? `${endpoints.figures}?${new URLSearchParams({ from: day(Number(days) - 1), to: day(0) })}` : endpoints.figures;
  const [figures, names] = await Promise.all([api.get<Figures>(url), serviceNames()]);
  show(main, 'آمار عملکرد', h('h1', {}, 'آمار عملکرد'), periodPicker(days), ...figureSections(figures, (id) => names.get(id) ?? id));
}
