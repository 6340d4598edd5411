// The managers' figures (GET /api/figures): requests per channel and per
// service, the share that needed no office visit, time to close, SLA
// breaches and satisfaction, each an inline SVG chart with its numbers in text.
import { endpoints } from '../shared/endpoints.ts';
import { h, show } from '../shared/elements.ts';
import { channelNames, persianDigits } from '../shared/display.ts';
import { api } from './session.ts';
import { serviceNames } from './services.ts';
import { barChart, shareRing, type Bar } from './charts.ts';

interface Count { key: string; count: number }
export interface Figures {
  total: number;
  byService: Count[];
  byDistrict: Count[];
  byChannel: Count[];
  withoutOfficeVisit: { count: number; share: number | null };
  timeToClose: Array<{ serviceId: string; closed: number; medianHours: number; p90Hours: number }>;
  slaBreaches: { tasksOverdue: number; tasksCompletedLate: number };
  satisfaction: { ratings: number; average: number | null };
}

const duration = (hours: number) => (hours >= 48 ? `${persianDigits((hours / 24).toFixed(1))} روز` : `${persianDigits(Math.round(hours))} ساعت`);

function card(id: string, title: string, ...content: Array<Node | string | null>): HTMLElement {
  return h('section', { class: 'figure-card', 'aria-labelledby': id }, h('h2', { id }, title), ...content);
}

const none = () => h('p', {}, 'هنوز داده‌ای نیست.');
const big = (value: string, rest: string) => h('p', {}, h('span', { class: 'figure-big' }, value), ' ', rest);

export async function figuresPage(main: HTMLElement): Promise<void> {
  const [figures, names] = await Promise.all([api.get<Figures>(endpoints.figures), serviceNames()]);
  const nameOf = (id: string) => names.get(id) ?? id;
  const channels: Bar[] = figures.byChannel.map((row) => ({ label: channelNames[row.key] ?? row.key, value: row.count }));
  const perService: Bar[] = [...figures.byService].sort((a, b) => b.count - a.count).slice(0, 12).map((row) => ({ label: nameOf(row.key), value: row.count }));
  const closing: Bar[] = figures.timeToClose.map((row) => ({
    label: nameOf(row.serviceId), value: row.medianHours, shown: `میانه ${duration(row.medianHours)}، صدک ۹۰: ${duration(row.p90Hours)}`,
  }));
  const breaches: Bar[] = [
    { label: 'باز و گذشته از موعد', value: figures.slaBreaches.tasksOverdue, colour: '#b10e1e' },
    { label: 'انجام‌شده پس از موعد', value: figures.slaBreaches.tasksCompletedLate, colour: '#7a4100' },
  ];
  const { share } = figures.withoutOfficeVisit;

  show(main, 'آمار عملکرد',
    h('h1', {}, 'آمار عملکرد'),
    big(persianDigits(figures.total), 'درخواست در این بازه'),
    h('div', { class: 'figures' },
      card('figure-channels', 'درخواست‌ها به تفکیک درگاه', channels.length ? barChart('درخواست‌ها به تفکیک درگاه', channels, 'chart-channels') : none()),
      card('figure-no-visit', 'بدون مراجعه حضوری',
        share === null ? none() : shareRing('سهم درخواست‌های بدون مراجعه حضوری', share, 'chart-no-visit'),
        share === null ? null : h('p', {}, `${persianDigits(figures.withoutOfficeVisit.count)} درخواست بدون مراجعه حضوری`)),
      card('figure-satisfaction', 'رضایت شهروندان',
        figures.satisfaction.average === null ? none() : big(`${persianDigits(figures.satisfaction.average.toFixed(1))} از ۵`, `— ${persianDigits(figures.satisfaction.ratings)} نظر`)),
      card('figure-breaches', 'تأخیر از موعد (SLA)', barChart('وظایف گذشته از موعد', breaches, 'chart-breaches'))),
    h('h2', {}, 'پرتکرارترین خدمات'),
    perService.length ? barChart('درخواست‌ها به تفکیک خدمت', perService, 'chart-services') : none(),
    h('h2', {}, 'زمان رسیدگی تا بستن درخواست'),
    closing.length ? barChart('میانه زمان بستن به تفکیک خدمت', closing, 'chart-time-to-close') : none());
}
