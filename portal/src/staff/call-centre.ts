// The 137 desk: find a caller by mobile or national code and read their
// requests' status to them, or file a request on their behalf (the API
// records the channel as call-centre).
import { ApiError, type Answer } from '../shared/api.ts';
import { endpoints } from '../shared/endpoints.ts';
import { errorSummary, h, notice, show, summaryList } from '../shared/elements.ts';
import { date, normaliseInput, persianDigits, statusName } from '../shared/display.ts';
import { FormView, type FormSchema } from '../shared/form-view.ts';
import { go } from '../shared/router.ts';
import { api, staff } from './session.ts';
import { serviceNames, services } from './services.ts';
import { entryTitle } from '../shared/timeline.ts';

type CitizenRequests = Answer<'/api/citizens/{nationalCode}/requests'>;
type RequestRow = CitizenRequests['requests'][number];
type Citizen = Answer<'/api/citizens/'>[number];

const mobilePattern = /^(?:\+98|0098|0)?9\d{9}$/;
const notFound = 'شهروندی با این مشخصات پیدا نشد.';
/** What the live region says instead, so the page does not show one sentence twice. */
const notFoundSaid = 'جست‌وجو نتیجه‌ای نداشت.';

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

/**
 * Household members share a number, so the agent tells them apart by name and
 * asks the caller how their national code ends: the list shows the last four
 * digits only, and the whole code once the agent has picked the caller.
 */
function codeEnding(nationalCode: string): string {
  return `کد ملی به ${persianDigits(nationalCode.slice(-4))} ختم می‌شود`;
}

function requestCount(count: number): string {
  return count === 0 ? 'درخواستی ثبت نشده است' : `${persianDigits(String(count))} درخواست`;
}

export async function callCentrePage(main: HTMLElement, query: URLSearchParams): Promise<void> {
  const names = await serviceNames();
  const input = h('input', { id: 'citizen-query', name: 'q', type: 'text', dir: 'ltr', inputmode: 'numeric', autocomplete: 'off', value: query.get('q') ?? '', 'aria-describedby': 'citizen-query-hint' });
  // Short sentences for screen readers; the lists and tables themselves are not read out whole.
  const status = h('p', { role: 'status', id: 'citizen-search-status', class: 'visually-hidden' });
  const results = h('div', { id: 'citizen-results' });
  const chosen = h('div', { id: 'citizen-chosen' });
  // A later search or choice wins over an answer still on its way.
  let latest = 0;
  // The search and the chosen caller stay in the address, so coming back from
  // a request's page (the browser's back) finds the same caller again.
  const remember = (entries: Record<string, string>) => history.replaceState(history.state, '', `#/call-centre?${new URLSearchParams(entries)}`);

  const problem = (error: unknown): HTMLElement => {
    if (!(error instanceof ApiError)) throw error;
    // Other problems come in an error summary, which is an alert of its own.
    status.textContent = error.status === 404 ? notFoundSaid : '';
    return error.status === 404 ? notice(notFound) : errorSummary([{ message: error.messageFa }]);
  };

  /** Shows the citizen and their requests; false when there is no such citizen. */
  const showCitizen = async (nationalCode: string, turn: number, focus: boolean): Promise<boolean> => {
    try {
      const found = await api.get<CitizenRequests>(endpoints.citizenRequests(nationalCode));
      if (turn !== latest) return true;
      const heading = h('h2', { tabindex: '-1', id: 'citizen-heading' }, `درخواست‌های ${found.citizen.name ?? 'شهروند'}`);
      chosen.replaceChildren(
        heading,
        summaryList([
          ['نام', found.citizen.name ?? '—'],
          ['کد ملی', h('span', { dir: 'ltr' }, persianDigits(found.citizen.nationalCode))],
          ['همراه', h('span', { dir: 'ltr' }, persianDigits(found.citizen.mobile))],
        ]),
        requestTable(found.requests, names),
        h('a', { class: 'button button-primary', href: `#/file?${new URLSearchParams({ nationalCode: found.citizen.nationalCode, mobile: found.citizen.mobile })}` }, 'ثبت درخواست تازه برای این شهروند'));
      status.textContent = `${found.citizen.name ?? 'شهروند'}: ${requestCount(found.requests.length)}.`;
      if (focus) heading.focus();
      return true;
    } catch (error) {
      if (turn === latest) chosen.replaceChildren(problem(error));
      return false;
    }
  };

  const citizenChoice = (citizens: Citizen[]): HTMLElement => {
    const buttons = citizens.map((citizen) => h('button', {
      type: 'button', class: 'button button-secondary', 'aria-pressed': 'false',
      'data-national-code': citizen.nationalCode,
      onclick: (event: Event) => {
        for (const other of buttons) other.setAttribute('aria-pressed', String(other === event.currentTarget));
        remember({ q: citizen.mobile, citizen: citizen.nationalCode });
        showCitizen(citizen.nationalCode, ++latest, true).catch(() => undefined);
      },
    }, `${citizen.name ?? 'بی‌نام'} — ${codeEnding(citizen.nationalCode)}`));
    return h('section', { 'aria-labelledby': 'citizens-found-heading' },
      h('h2', { id: 'citizens-found-heading' }, `${persianDigits(String(citizens.length))} شهروند با این شماره همراه`),
      h('p', {}, 'نام و پایان کد ملی تماس‌گیرنده را بپرسید و او را انتخاب کنید.'),
      h('ul', { id: 'citizens-found', }, buttons.map((choice) => h('li', {}, choice))));
  };

  const search = async () => {
    const value = normaliseInput(input.value).replace(/[\s-]/g, '');
    if (!value) return;
    const turn = ++latest;
    remember({ q: value });
    results.replaceChildren();
    chosen.replaceChildren();
    if (!mobilePattern.test(value)) {
      if (!(await showCitizen(value, turn, false)) && turn === latest) {
        chosen.append(h('p', {}, h('a', { href: `#/file?${new URLSearchParams({ nationalCode: value })}` }, 'ثبت درخواست برای این کد ملی')));
      }
      return;
    }
    try {
      const citizens = await api.get<Citizen[]>(endpoints.citizenByMobile(value));
      if (turn !== latest) return;
      if (citizens.length === 0) {
        results.replaceChildren(notice(notFound), h('p', {}, h('a', { href: `#/file?${new URLSearchParams({ mobile: value })}` }, 'ثبت درخواست برای این شماره همراه')));
        status.textContent = notFoundSaid;
      } else if (citizens.length === 1) {
        await showCitizen(citizens[0]!.nationalCode, turn, false);
      } else {
        results.replaceChildren(citizenChoice(citizens));
        status.textContent = `${persianDigits(String(citizens.length))} شهروند با این شماره همراه پیدا شد؛ یکی را انتخاب کنید.`;
      }
    } catch (error) {
      if (turn === latest) results.replaceChildren(problem(error));
    }
  };
  show(main, 'سامانه ۱۳۷',
    h('h1', {}, 'سامانه ۱۳۷'),
    h('form', { role: 'search', class: 'search-box', onsubmit: (event: Event) => { event.preventDefault(); search().catch(() => undefined); } },
      h('div', {}, h('label', { for: 'citizen-query' }, 'کد ملی یا شماره همراه تماس‌گیرنده'),
        h('span', { class: 'hint', id: 'citizen-query-hint' }, 'ده رقم کد ملی یا یازده رقم همراه؛ ارقام فارسی یا انگلیسی'), input),
      h('button', { type: 'submit', class: 'button button-primary' }, 'جست‌وجو')),
    status,
    results,
    chosen,
    h('p', {}, h('a', { href: '#/file' }, 'ثبت درخواست برای شهروند تازه')));
  if (!input.value) return;
  await search();
  const caller = query.get('citizen');
  results.querySelector<HTMLButtonElement>(`#citizens-found button[data-national-code="${CSS.escape(caller ?? '')}"]`)?.click();
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
    const service = await api.get<Answer<'/api/services/{id}'>>(endpoints.service(select.value));
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
      const accepted = await api.post<Answer<'/api/requests/', 'post'>>(endpoints.requests, {
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
  const request = await api.get<Answer<'/api/requests/{trackingCode}'>>(endpoints.request(code));
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
