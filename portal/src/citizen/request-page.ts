// Following a request: its state, its timeline in Jalali dates, and the one
// thing the citizen can do next — upload, pay, book, correct, rate — each in
// its own section, shown only when it applies.
import { ApiError, type Answer } from '../shared/api.ts';
import { endpoints } from '../shared/endpoints.ts';
import { errorSummary, h, show, summaryList } from '../shared/elements.ts';
import { date, dateTime, normaliseInput, persianDigits, statusName } from '../shared/display.ts';
import { go } from '../shared/router.ts';
import { api, citizen } from './session.ts';
import { loadService } from './service-page.ts';
import { loadCatalogue } from './catalogue.ts';
import { isClosed, loadRequest, type CitizenRequest } from './request-types.ts';
import { entryNote, entryTitle } from '../shared/timeline.ts';
import { documentsSection } from './request-documents.ts';
import { paymentSection } from './request-payment.ts';
import { appointmentNotices, appointmentSection } from './request-appointment.ts';
import { correctionNotices, correctionSection } from './request-correction.ts';
import { cancelSection, certificateSection, ratingSection } from './request-closing.ts';

function statusTag(request: { status: string; closedAt?: string | null; outcome?: string | null }): HTMLElement {
  const ended = isClosed(request);
  const colour = ended ? (['rejected', 'cancelled', 'lapsed'].includes(request.outcome ?? '') ? 'red' : 'green') : request.status.startsWith('awaiting') ? 'yellow' : 'grey';
  const text = ended && request.outcome ? `${statusName('closed')} — ${statusName(request.outcome)}` : statusName(request.status);
  return h('strong', { class: `tag tag-${colour}`, id: 'request-status' }, text);
}

export async function requestPage(main: HTMLElement, trackingCode: string, query: URLSearchParams): Promise<void> {
  let request: CitizenRequest;
  try {
    request = await loadRequest(trackingCode, async (serviceId) => (await loadService(serviceId).catch(() => null))?.steps?.includes('appointment') ?? true);
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return go(`#/sign-in?next=${encodeURIComponent(`#/requests/${trackingCode}`)}`);
    if (error instanceof ApiError && (error.status === 404 || error.status === 403)) {
      return show(main, 'درخواست پیدا نشد', h('h1', {}, 'درخواستی با این کد رهگیری پیدا نشد'),
        h('p', {}, 'کد رهگیری را دوباره بررسی کنید. فقط درخواست‌های خودتان را می‌توانید ببینید.'), h('p', {}, h('a', { href: '#/track' }, 'پیگیری با کد دیگر')));
    }
    throw error;
  }
  const service = await loadService(request.service.id).catch(() => null);
  // A completed request of a service that ends with a certificate has one, even before the timeline says so.
  if (!request.certificate && request.outcome === 'completed' && service?.steps?.includes('certificate')) {
    request.certificate = { document: null, number: null, issuedAt: request.closedAt ?? null };
  }
  const name = request.service.name?.fa ?? service?.name.fa ?? request.service.id;
  // A change made on this page is confirmed on the page redrawn after it (the query is the page's own, not the URL's).
  const reload = (appointment?: string) => requestPage(main, trackingCode, new URLSearchParams(appointment ? { appointment } : {}));
  const resubmitted = () => requestPage(main, trackingCode, new URLSearchParams({ correction: 'sent' }));
  const timeline = [...(request.timeline ?? [])].sort((a, b) => a.at.localeCompare(b.at));
  const paymentOutcome = query.get('payment');

  show(main, `پیگیری ${persianDigits(trackingCode)}`,
    citizen() ? h('p', {}, h('a', { href: '#/requests' }, 'درخواست‌های من')) : null,
    h('h1', {}, name),
    paymentOutcome === 'paid' || paymentOutcome === 'ok' ? h('div', { class: 'notice notice-success', role: 'status' }, 'پرداخت شما انجام شد. رسید در همین صفحه آمده است.') : null,
    paymentOutcome === 'failed' ? errorSummary([{ message: 'پرداخت انجام نشد. اگر مبلغی از حساب شما کم شده باشد، تا ۷۲ ساعت بازمی‌گردد.' }]) : null,
    [appointmentNotices[query.get('appointment') ?? ''], correctionNotices[query.get('correction') ?? '']]
      .filter(Boolean).map((text) => h('div', { class: 'notice notice-success', role: 'status' }, text)),
    summaryList([
      ['کد رهگیری', h('span', { dir: 'ltr' }, persianDigits(trackingCode))],
      ['وضعیت', statusTag(request)],
      ['تاریخ ثبت', date(request.createdAt)],
      ['منطقه', `منطقه ${persianDigits(request.districtId)}`],
    ]),
    correctionSection(request, service, resubmitted),
    paymentSection(request),
    appointmentSection(request, reload),
    service ? documentsSection(request, service, reload) : null,
    certificateSection(request),
    ratingSection(request, reload),
    h('h2', {}, 'روند درخواست'),
    timeline.length
      ? h('ol', { class: 'timeline', id: 'timeline' }, timeline.map((entry) => h('li', {},
        h('time', { datetime: entry.at }, dateTime(entry.at)),
        h('span', {}, entryTitle(entry)),
        entryNote(entry) ? h('p', { class: 'hint' }, entryNote(entry)) : null)))
      : h('p', {}, 'هنوز رویدادی ثبت نشده است.'),
    cancelSection(request, reload));
}

export async function trackPage(main: HTMLElement): Promise<void> {
  const input = h('input', { id: 'trackingCode', name: 'trackingCode', type: 'text', dir: 'ltr', autocomplete: 'off', 'aria-describedby': 'trackingCode-hint' });
  show(main, 'پیگیری درخواست',
    h('h1', {}, 'پیگیری درخواست'),
    h('form', { onsubmit: (event: Event) => {
      event.preventDefault();
      const code = normaliseInput(input.value).replace(/\D/g, '');
      if (code) go(`#/requests/${encodeURIComponent(code)}`);
    } },
    h('label', { for: 'trackingCode' }, 'کد رهگیری'),
    h('span', { class: 'hint', id: 'trackingCode-hint' }, 'کدی که پس از ثبت درخواست دیدید و پیامک شد'),
    input,
    h('div', {}, h('button', { type: 'submit', class: 'button button-primary' }, 'پیگیری'))));
}

export async function myRequestsPage(main: HTMLElement): Promise<void> {
  if (!citizen()) return go(`#/sign-in?next=${encodeURIComponent('#/requests')}`);
  const requests = await api.get<Answer<'/api/requests/'>>(endpoints.requests);
  const catalogue = await loadCatalogue();
  const nameOf = (id: string) => catalogue.services.find((service) => service.id === id)?.name.fa ?? id;
  show(main, 'درخواست‌های من',
    h('h1', {}, 'درخواست‌های من'),
    requests.length === 0 ? h('p', {}, 'هنوز درخواستی ثبت نکرده‌اید. ', h('a', { href: '#/' }, 'فهرست خدمات')) : h('div', { class: 'table-scroll' }, h('table', {},
      h('caption', { class: 'visually-hidden' }, 'درخواست‌های ثبت‌شده'),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'خدمت'), h('th', { scope: 'col' }, 'کد رهگیری'), h('th', { scope: 'col' }, 'وضعیت'), h('th', { scope: 'col' }, 'تاریخ ثبت'))),
      h('tbody', {}, requests.map((request) => h('tr', {},
        h('td', {}, nameOf(request.serviceId)),
        h('td', {}, h('a', { href: `#/requests/${encodeURIComponent(request.trackingCode)}` }, persianDigits(request.trackingCode))),
        h('td', {}, statusTag(request)),
        h('td', {}, date(request.createdAt))))))));
}
