// The managers' figures: requests per channel and per service, the share
// that needed no office visit, time to close, SLA breaches and satisfaction,
// each drawn as an inline SVG chart with its numbers in text beside it.
import { endpoints } from '../shared/endpoints.ts';
import { h, notice, show } from '../shared/elements.ts';
import { channelNames, persianDigits } from '../shared/display.ts';
import { api } from './session.ts';
import { serviceNames } from './services.ts';
import { barChart, shareRing, type Bar } from './charts.ts';

type Row = Record<string, unknown>;
/** GET /api/figures as issue 6 describes it; each part may be missing while the API grows. */
interface Figures {
  byChannel?: Row[];
  byService?: Row[];
  withoutOfficeVisit?: number | { share?: number };
  timeToClose?: Row[];
  slaBreaches?: Row[] | number | { count?: number };
  satisfaction?: { average?: number | null; count?: number; byScore?: Row[] } | null;
}

const number = (value: unknown) => (typeof value === 'number' ? value : Number(value ?? 0));
const hours = (value: number) => (value >= 48 ? `${persianDigits((value / 24).toFixed(1))} روز` : `${persianDigits(Math.round(value))} ساعت`);

function card(title: string, ...content: Array<Node | string | null>): HTMLElement {
  const slug = title.replace(/\s+/g, '-');
  return h('section', { class: 'figure-card', 'aria-labelledby': `figure-${slug}` }, h('h2', { id: `figure-${slug}` }, title), ...content);
}

export async function figuresPage(main: HTMLElement): Promise<void> {
  const [figures, names] = await Promise.all([api.get<Figures>(endpoints.figures), serviceNames()]);
  const serviceName = (row: Row) => names.get(String(row.serviceId ?? row.service ?? '')) ?? String(row.serviceId ?? row.service ?? '');

  const channels: Bar[] = (figures.byChannel ?? []).map((row) => ({ label: channelNames[String(row.channel)] ?? String(row.channel), value: number(row.count) }));
  const perService: Bar[] = (figures.byService ?? []).map((row) => ({ label: serviceName(row), value: number(row.count) }))
    .sort((a, b) => b.value - a.value).slice(0, 12);
  const share = typeof figures.withoutOfficeVisit === 'number' ? figures.withoutOfficeVisit : figures.withoutOfficeVisit?.share;
  const closing: Bar[] = (figures.timeToClose ?? []).map((row) => {
    const median = number(row.medianHours ?? (row.medianDays !== undefined ? number(row.medianDays) * 24 : row.median));
    const p90 = number(row.p90Hours ?? (row.p90Days !== undefined ? number(row.p90Days) * 24 : row.p90));
    return { label: serviceName(row), value: median, shown: `میانه ${hours(median)}، صدک ۹۰: ${hours(p90)}` };
  });
  const breaches = figures.slaBreaches;
  const breachBars: Bar[] = Array.isArray(breaches) ? breaches.map((row) => ({ label: serviceName(row), value: number(row.count), colour: '#b10e1e' })) : [];
  const breachTotal = Array.isArray(breaches) ? breachBars.reduce((sum, bar) => sum + bar.value, 0) : typeof breaches === 'number' ? breaches : breaches?.count;
  const satisfaction = figures.satisfaction;
  const scores: Bar[] = (satisfaction?.byScore ?? []).map((row) => ({ label: `${persianDigits(number(row.score))} از ۵`, value: number(row.count), colour: '#00703c' }));
  const none = () => h('p', {}, 'هنوز داده‌ای نیست.');

  show(main, 'آمار عملکرد',
    h('h1', {}, 'آمار عملکرد'),
    h('div', { class: 'figures' },
      card('درخواست‌ها به تفکیک درگاه', channels.length ? barChart('درخواست‌ها به تفکیک درگاه', channels, 'chart-channels') : none()),
      card('درخواست‌های بدون مراجعه حضوری', share === undefined ? none() : shareRing('سهم درخواست‌های بدون مراجعه حضوری', share, 'chart-no-visit')),
      card('رضایت شهروندان',
        satisfaction?.average != null ? h('p', {}, h('span', { class: 'figure-big' }, persianDigits(satisfaction.average.toFixed(1))), ' از ۵ — ', `${persianDigits(satisfaction.count ?? 0)} نظر`) : none(),
        scores.length ? barChart('توزیع امتیازها', scores, 'chart-satisfaction') : null),
      card('تأخیر از موعد (SLA)',
        breachTotal !== undefined ? h('p', {}, h('span', { class: 'figure-big' }, persianDigits(breachTotal ?? 0)), ' درخواست یا وظیفه پس از موعد') : none(),
        breachBars.length ? barChart('تأخیر به تفکیک خدمت', breachBars, 'chart-breaches') : null)),
    h('h2', {}, 'پرتکرارترین خدمات'),
    perService.length ? barChart('درخواست‌ها به تفکیک خدمت', perService, 'chart-services') : none(),
    h('h2', {}, 'زمان رسیدگی تا بستن درخواست'),
    closing.length ? barChart('میانه زمان بستن به تفکیک خدمت', closing, 'chart-time-to-close') : none(),
    Object.keys(figures).length === 0 ? notice('سامانه هنوز آماری برنگردانده است.') : null);
}
