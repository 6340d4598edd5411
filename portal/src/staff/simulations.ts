// Simulated months (npm run simulate): the list, and a report drawn with the
// figures page's own sections (the same figures, computed by the same code
// on the simulated district), then what only a simulation knows: whether the
// figures matched what it did, staff as it timed them, the run as a load
// test, and the rollout plan — the roster each district needs.
import type { Figures } from '../../../domain/figures.ts';
import { endpoints } from '../shared/endpoints.ts';
import { h, notice, show } from '../shared/elements.ts';
import { date, persianDigits } from '../shared/display.ts';
import { big, card, figureSections, table } from './figures.ts';
import { api, roleNames } from './session.ts';
import { serviceNames } from './services.ts';

interface Summary { id: string; districtId: number; days: number; simulatedFrom: string; simulatedTo: string; requests: number; createdAt: string }

/** The parts of simulation/report.ts the page draws. */
interface Report {
  figures: Figures;
  model: { requestsPerMonth: number };
  ledger: { filed: number; unaccounted: unknown[]; waiting: Record<string, number> };
  check: { agrees: boolean; differences: string[] };
  utilisation: Array<{ role: string; staff: number; tasks: number; busyHours: number; availableHours: number }>;
  unexpected: Array<{ what: string; count: number }>;
  run: {
    wallSeconds: number; requestsPerWallSecond: number; apiCalls: number; apiCallsPerWallSecond: number;
    simulatedDaysPerWallMinute: number; cpuMsPerRequest: Record<string, number>; apiCpuMsPerCall: number | null;
  };
  plan?: {
    rule: string;
    targets: Array<{ role: string; hours: number; service: string }>;
    validation: Array<{ role: string; staff: number; simulatedP90Hours: number | null; modelP90Hours: number | null }>;
    districts: Array<{ district: number; name: string; population: number; populationSource: string; requestsPerMonth: number; roster: Record<string, number>; counters: number }>;
  };
}

const districtName = (id: number) => (id === 14 ? 'منطقه ثامن' : `منطقه ${persianDigits(id)}`);
const one = (value: number) => persianDigits(value.toFixed(1));
const percent = (share: number) => `${persianDigits(Math.round(share * 100))}٪`;
const componentNames: Record<string, string> = { engine: 'موتور فرایند', api: 'API', workers: 'کارگزارها', postgres: 'پایگاه داده', driver: 'شبیه‌ساز', all: 'همه در یک فرایند' };

export async function simulationsPage(main: HTMLElement): Promise<void> {
  const list = await api.get<Summary[]>(endpoints.simulations);
  show(main, 'شبیه‌سازی‌ها',
    h('h1', {}, 'شبیه‌سازی‌ها'),
    h('p', {}, 'هر گزارش یک ماه (یا چند روز) از کار یک منطقه است که از راه همین سامانه — درگاه، ۱۳۷، پیشخوان، کارتابل و بانک آزمایشی — شبیه‌سازی شده است. برای ساختن گزارش تازه: npm run simulate'),
    list.length === 0 ? h('p', {}, 'هنوز شبیه‌سازی‌ای اجرا نشده است.')
      : h('ul', { class: 'simulation-list' }, ...list.map((row) => h('li', {},
        h('a', { href: `#/simulations/${row.id}` }, `${districtName(row.districtId)}، ${persianDigits(row.days)} روز از ${date(row.simulatedFrom)}`),
        ` — ${persianDigits(row.requests)} درخواست؛ اجرا ${date(row.createdAt)}`))));
}

export async function simulationPage(main: HTMLElement, id: string): Promise<void> {
  const [{ report, ...row }, names] = await Promise.all([api.get<Summary & { report: Report }>(endpoints.simulation(id)), serviceNames()]);
  const nameOf = (serviceId: string) => names.get(serviceId) ?? serviceId;
  const roleName = (role: string) => roleNames[role] ?? role;
  const title = `شبیه‌سازی ${districtName(row.districtId)}`;
  const { run, plan } = report;
  const cpu = Object.entries(run.cpuMsPerRequest).map(([name, ms]) => [componentNames[name] ?? name, `${one(ms)} میلی‌ثانیه`]);
  show(main, title,
    h('h1', {}, title),
    h('p', {}, `${persianDigits(row.days)} روز از ${date(row.simulatedFrom)}؛ مدل تقاضا ${persianDigits(Math.round(report.model.requestsPerMonth))} درخواست در ماه.`),
    report.check.agrees
      ? notice(`آمار این ماه با آنچه شبیه‌ساز انجام داد یکی است: ${persianDigits(report.ledger.filed)} درخواست، همه حساب‌شده.`, 'success')
      : notice(`آمار و شبیه‌ساز یکی نیستند: ${report.check.differences.join('؛ ')}`, 'warning'),
    report.ledger.unaccounted.length ? notice(`${persianDigits(report.ledger.unaccounted.length)} درخواست جایی نیست که کسی منتظرش باشد.`, 'warning') : '',
    ...figureSections(report.figures, nameOf, 'simulation'),
    h('h2', {}, 'بهره‌وری کارکنان به زمان‌سنجی شبیه‌ساز'),
    table('بهره‌وری کارکنان به زمان‌سنجی شبیه‌ساز', ['نقش', 'کارکنان', 'کارهای برداشته', 'ساعت کار', 'ساعت در دسترس', 'بهره‌وری'],
      report.utilisation.filter((entry) => entry.tasks > 0).map((entry) => [roleName(entry.role), persianDigits(entry.staff), persianDigits(entry.tasks),
        one(entry.busyHours), one(entry.availableHours), entry.availableHours ? percent(entry.busyHours / entry.availableHours) : '—'])),
    h('h2', {}, 'آزمون بار'),
    h('div', { class: 'figures' },
      card('simulation-speed', 'سرعت', big(one(run.simulatedDaysPerWallMinute), 'روز شبیه‌سازی در هر دقیقه'),
        h('p', {}, `${persianDigits(Math.round(run.wallSeconds))} ثانیه؛ ${one(run.requestsPerWallSecond)} درخواست و ${one(run.apiCallsPerWallSecond)} فراخوانی API در ثانیه (${persianDigits(run.apiCalls)} فراخوانی).`)),
      card('simulation-cpu', 'پردازنده برای هر درخواست', table('پردازنده برای هر درخواست', ['بخش', 'زمان'], cpu),
        run.apiCpuMsPerCall === null ? null : h('p', {}, `API: ${one(run.apiCpuMsPerCall)} میلی‌ثانیه برای هر فراخوانی`))),
    report.unexpected.length ? notice(`پاسخ‌های پیش‌بینی‌نشده: ${report.unexpected.map((entry) => `${entry.what} (${persianDigits(entry.count)})`).join('، ')}`, 'warning') : '',
    ...(plan ? planSections(plan, roleName) : []));
}

function planSections(plan: NonNullable<Report['plan']>, roleName: (role: string) => string): Array<Node | string> {
  const roles = plan.targets.map((target) => target.role);
  return [
    h('h2', {}, 'برنامه نیروی انسانی مناطق'),
    h('p', {}, 'کوچک‌ترین شمار کارکنان هر نقش که همه خدمات را در صدک ۹۰ در موعد نگه می‌دارد، با تقاضای سرانه‌ای که در این شبیه‌سازی دیده شد. قاعده: هر مرحله کارمندی یک خدمت حداکثر سهمی برابر از موعد آن خدمت را (با یک سهم برای شهروند) در صف منتظر می‌ماند.'),
    table('بیشترین انتظار مجاز هر نقش', ['نقش', 'صدک ۹۰ انتظار (ساعت اداری)', 'خدمتی که تعیین می‌کند', 'مدل', 'شبیه‌سازی'],
      plan.targets.map((target) => {
        const check = plan.validation.find((entry) => entry.role === target.role);
        const hours = (value: number | null | undefined) => (value === null || value === undefined ? '—' : one(value));
        return [roleName(target.role), one(target.hours), target.service, hours(check?.modelP90Hours), hours(check?.simulatedP90Hours)];
      })),
    table('کارکنان لازم در هر منطقه', ['منطقه', 'جمعیت', 'درخواست در ماه', 'باجه نوبت', ...roles.map(roleName)],
      plan.districts.map((district) => [
        district.name, `${persianDigits(district.population.toLocaleString('en'))}${district.populationSource === 'census' ? '' : ' (فرض)'}`,
        persianDigits(district.requestsPerMonth), persianDigits(district.counters), ...roles.map((role) => persianDigits(district.roster[role] ?? 0))])),
  ];
}
