// The 137 desk: find a caller by mobile or national code and read their
// requests' status to them, or file a request on their behalf (the API
// records the channel as call-centre).
import { ApiError } from '../shared/api.ts';
import { endpoints } from '../shared/endpoints.ts';
import { errorSummary, h, notice, show, summaryList } from '../shared/elements.ts';
import { date, normaliseInput, persianDigits, statusName } from '../shared/display.ts';
import { FormView, type FormSchema } from '../shared/form-view.ts';
import { go } from '../shared/router.ts';
import { api, staff } from './session.ts';
import { serviceNames, services } from './services.ts';
import { entryTitle } from '../shared/timeline.ts';

interface RequestRow { trackingCode: string; serviceId: string; status: string; outcome?: string | null; createdAt: string; closedAt?: string | null }
interface Found { citizen?: { nationalCode: string; mobile: string; name?: string | null } | null; requests?: RequestRow[] }

function requestTable(rows: RequestRow[], names: Map<string, string>): HTMLElement {
  if (rows.length === 0) return h('p', {}, 'درخواستی ثبت نشده است.');
  return h('div', { class: 'table-scroll' }, h('table', { id: 'citizen-requests' },
    h('caption', { class: 'visually-hidden' }, 'درخواست‌های شهروند'),
    h('thead', {}, h('tr', {}, ['خدمت', 'کد رهگیری', 'وضعیت', 'تاریخ ثبت'].map((title) => h('th', { scope: 'col' }, title)))),
    h('tbody', {}, rows.map((row) => h('tr', {},
      h('td', {}, names.get(row.serviceId) ?? row.serviceId),
      h('td', { dir: 'ltr' }, h('a', { href: `#/requests/${encodeURIComponent(row.trackingCode)}` }, persianDigits(row.trackingCode))),
      h('td', {}, row.closedAt && row.outcome ? `${statusName('closed')} — ${statusName(row.outcome)}` : statusName(row.status)),
      h('td', {}, date(row.createdAt)))))));
}

export async function callCentrePage(main: HTMLElement, query: URLSearchParams): Promise<void> {
  const names = await serviceNames();
  const input = h('input', { id: 'citizen-query', name: 'q', type: 'text', dir: 'ltr', inputmode: 'numeric', value: query.get('q') ?? '', 'aria-describedby': 'citizen-query-hint' });
  const results = h('div', { 'aria-live': 'polite', id: 'citizen-results' });
  const search = async () => {
    const value = normaliseInput(input.value).replace(/[\s-]/g, '');
    if (!value) return;
    const byMobile = /^(?:\+98|0098|0)?9\d{9}$/.test(value);
    const by: Record<string, string> = byMobile ? { mobile: value } : { nationalCode: value };
    try {
      const found = await api.get<Found>(byMobile ? endpoints.citizenByMobile(value) : endpoints.citizenRequests(value));
      results.replaceChildren(
        found.citizen ? summaryList([
          ['نام', found.citizen.name ?? '—'],
          ['کد ملی', persianDigits(found.citizen.nationalCode)],
          ['همراه', persianDigits(found.citizen.mobile)],
        ]) : notice('شهروندی با این مشخصات پیدا نشد.'),
        h('h2', {}, 'درخواست‌ها'),
        requestTable(found.requests ?? [], names),
        h('a', { class: 'button button-primary', href: `#/file?${new URLSearchParams({ ...by })}` }, 'ثبت درخواست تازه برای این شهروند'));
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      results.replaceChildren(error.status === 404 ? notice('شهروندی با این مشخصات پیدا نشد.') : errorSummary([{ message: error.messageFa }]));
    }
  };
  show(main, 'سامانه ۱۳۷',
    h('h1', {}, 'سامانه ۱۳۷'),
    h('form', { role: 'search', class: 'search-box', onsubmit: (event: Event) => { event.preventDefault(); search().catch(() => undefined); } },
      h('div', {}, h('label', { for: 'citizen-query' }, 'کد ملی یا شماره همراه تماس‌گیرنده'),
        h('span', { class: 'hint', id: 'citizen-query-hint' }, 'ده رقم کد ملی یا یازده رقم همراه؛ ارقام فارسی یا انگلیسی'), input),
      h('button', { type: 'submit', class: 'button button-primary' }, 'جست‌وجو')),
    results,
    h('p', {}, h('a', { href: '#/file' }, 'ثبت درخواست برای شهروند تازه')));
  if (input.value) await search();
}

export async function fileForCitizenPage(main: HTMLElement, query: URLSearchParams): Promise<void> {
  const me = staff()!;
  const channel = me.role === 'agent-137' ? 'call-centre' : 'in-person';
  const offered = (await services()).filter((service) => service.channels.includes(channel));
  const select = h('select', { id: 'service', name: 'service' }, h('option', { value: '' }, 'خدمت را انتخاب کنید'),
    offered.map((service) => h('option', { value: service.id, selected: service.id === query.get('service') }, service.name.fa)));
  const district = h('input', { id: 'district', name: 'district', type: 'text', inputmode: 'numeric', dir: 'ltr', value: String(me.districtId ?? 12) });
  const formSlot = h('div', {});
  const problems = h('div', {});
  let view: FormView | null = null;
  select.addEventListener('change', async () => {
    formSlot.replaceChildren();
    view?.destroy();
    view = null;
    if (!select.value) return;
    const service = await api.get<{ form: FormSchema }>(endpoints.service(select.value));
    view = await FormView.create(service.form, { nationalCode: query.get('nationalCode') ?? '', mobile: query.get('mobile') ?? '' });
    formSlot.append(view.element, h('button', { type: 'submit', class: 'button button-primary' }, 'ثبت درخواست'));
  });
  const form = h('form', { novalidate: true },
    h('label', { for: 'service' }, 'خدمت'), select,
    h('label', { for: 'district' }, 'منطقه'), district,
    formSlot);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (!view) return;
    const { data, errors } = view.submit();
    if (errors.length) {
      problems.replaceChildren(errorSummary(errors.map((error) => ({ message: `${error.label}: ${error.message}`, href: `#${view!.inputId(error.id)}` }))));
      return (problems.firstElementChild as HTMLElement).focus();
    }
    const citizen = { nationalCode: String(data.nationalCode ?? ''), mobile: String(data.mobile ?? ''), ...(data.citizenName ? { name: String(data.citizenName) } : {}) };
    try {
      const accepted = await api.post<{ trackingCode: string }>(endpoints.requests, {
        serviceId: select.value, districtId: Number(normaliseInput(district.value)), form: data, citizen,
      }, { 'idempotency-key': crypto.randomUUID() });
      go(`#/requests/${encodeURIComponent(accepted.trackingCode)}?filed=1`);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      const { shown, unmatched } = view.showServerErrors(error.fieldErrors());
      const items = [...shown.map((entry) => ({ message: `${entry.label}: ${entry.message}` })), ...unmatched.map(([, message]) => ({ message }))];
      problems.replaceChildren(errorSummary(items.length ? items : [{ message: error.messageFa }]));
      (problems.firstElementChild as HTMLElement).focus();
    }
  });
  show(main, 'ثبت درخواست برای شهروند',
    h('p', {}, h('a', { href: '#/call-centre' }, 'بازگشت به جست‌وجو')),
    h('h1', {}, 'ثبت درخواست برای شهروند'),
    h('p', {}, 'درخواست با درگاه «', channel === 'call-centre' ? 'سامانه ۱۳۷' : 'مراجعه حضوری', '» ثبت می‌شود و کد رهگیری برای شهروند پیامک می‌شود.'),
    problems,
    form);
}

/** A request's status as an agent reads it to the caller. */
export async function requestStatusPage(main: HTMLElement, code: string, query: URLSearchParams): Promise<void> {
  const names = await serviceNames();
  const request = await api.get<{ trackingCode: string; service: { id: string }; status: string; outcome?: string | null; closedAt?: string | null; createdAt: string; channel: string; timeline: Array<{ kind: string; at: string; data?: Record<string, unknown> }> }>(endpoints.request(code));
  show(main, `درخواست ${persianDigits(code)}`,
    h('p', {}, h('a', { href: '#/call-centre' }, 'سامانه ۱۳۷')),
    query.get('filed') ? h('div', { class: 'notice notice-success', role: 'status' }, 'درخواست ثبت شد. کد رهگیری را برای شهروند بخوانید.') : null,
    h('h1', {}, names.get(request.service.id) ?? request.service.id),
    summaryList([
      ['کد رهگیری', h('strong', { dir: 'ltr', id: 'tracking-code' }, persianDigits(request.trackingCode))],
      ['وضعیت', request.closedAt && request.outcome ? `${statusName('closed')} — ${statusName(request.outcome)}` : statusName(request.status)],
      ['تاریخ ثبت', date(request.createdAt)],
    ]),
    h('h2', {}, 'روند'),
    h('ol', { class: 'timeline' }, request.timeline.map((entry) => h('li', {}, h('time', { datetime: entry.at }, date(entry.at)), entryTitle(entry)))));
}
