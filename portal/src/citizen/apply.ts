// Asking for a service, the GOV.UK way: the form, then "check your answers",
// then a confirmation page with the tracking code and what happens next.
// One Idempotency-Key per check-your-answers page, so a double click or a
// retry after a lost answer files the request once.
import { ApiError, type Answer } from '../shared/api.ts';
import { endpoints } from '../shared/endpoints.ts';
import { button, errorSummary, h, notice, show, summaryList } from '../shared/elements.ts';
import { persianDigits, rials, workingDays } from '../shared/display.ts';
import { FormView } from '../shared/form-view.ts';
import { go } from '../shared/router.ts';
import { api, citizen } from './session.ts';
import { feeText, loadService, stepNames } from './service-page.ts';
import { computeFee } from '../../../domain/payments/fee.ts';
import type { ServiceDetail } from './service-types.ts';

export type Submitted = Answer<'/api/requests/', 'post'>;

/** What the citizen typed, kept while they move between the form and the check page. */
const drafts = new Map<string, Record<string, unknown>>();
/** The district chosen for each service's request; the API refuses a district that does not offer it. */
const districts = new Map<string, number>();

function districtChooser(service: ServiceDetail): { element: HTMLElement; value(): number | null } {
  if (service.districts.length === 1) {
    const only = service.districts[0]!;
    return { element: h('p', {}, `این درخواست به شهرداری منطقه ${persianDigits(only)} فرستاده می‌شود.`), value: () => only };
  }
  const select = h('select', { id: 'district', name: 'district', 'aria-describedby': 'district-hint' },
    h('option', { value: '' }, 'منطقه را انتخاب کنید'),
    service.districts.map((district) => h('option', { value: district, selected: districts.get(service.id) === district }, `منطقه ${persianDigits(district)}`)));
  return {
    element: h('div', {}, h('label', { for: 'district' }, 'منطقه شهرداری'), h('span', { class: 'hint', id: 'district-hint' }, 'منطقه‌ای که ملک یا محل درخواست در آن است'), select),
    value: () => (select.value ? Number(select.value) : null),
  };
}

function linkToField(view: FormView) {
  return (errors: Array<{ id: string; label: string; message: string }>) => {
    const summary = errorSummary(errors.map((error) => ({ message: `${error.label}: ${error.message}`, href: `#${document.getElementById(error.id) ? error.id : view.inputId(error.id)}` })));
    summary.addEventListener('click', (event) => {
      const link = (event.target as HTMLElement).closest('a');
      if (!link) return;
      event.preventDefault();
      document.getElementById(link.getAttribute('href')!.slice(1))?.focus();
    });
    return summary;
  };
}

export async function applyPage(main: HTMLElement, id: string, serverErrors?: Map<string, string>): Promise<void> {
  if (!citizen()) return go(`#/sign-in?next=${encodeURIComponent(`#/services/${id}/apply`)}`);
  const service = await loadService(id);
  if (service.districts.length === 0) {
    return show(main, service.name.fa, h('h1', {}, service.name.fa), notice('این خدمت هنوز در هیچ منطقه‌ای به‌صورت الکترونیک ارائه نمی‌شود.', 'warning'));
  }
  const district = districtChooser(service);
  const me = citizen()!;
  const data = drafts.get(id) ?? { nationalCode: me.nationalCode, mobile: me.mobile };
  const view = await FormView.create(service.form, data);
  const summarySlot = h('div', {});
  const summarise = linkToField(view);
  if (serverErrors?.size) {
    const { shown, unmatched } = view.showServerErrors(serverErrors);
    summarySlot.replaceChildren(summarise([...shown, ...unmatched.map(([key, message]) => ({ id: key, label: 'درخواست', message }))]));
  }
  const next = () => {
    const { data: entered, errors } = view.submit();
    const districtId = district.value();
    if (districtId === null) errors.unshift({ id: 'district', label: 'منطقه شهرداری', message: 'منطقه را انتخاب کنید.' });
    if (errors.length) {
      summarySlot.replaceChildren(summarise(errors));
      (summarySlot.firstElementChild as HTMLElement).focus();
      return;
    }
    drafts.set(id, entered);
    districts.set(id, districtId!);
    go(`#/services/${id}/check`);
  };
  show(main, `درخواست ${service.name.fa}`,
    h('p', {}, h('a', { href: `#/services/${id}` }, 'بازگشت به معرفی خدمت')),
    h('h1', {}, service.name.fa),
    summarySlot,
    h('form', { novalidate: true, onsubmit: (event: Event) => { event.preventDefault(); next(); } },
      district.element,
      view.element,
      h('button', { type: 'submit', class: 'button button-primary' }, 'ادامه')));
  if (serverErrors?.size) (summarySlot.firstElementChild as HTMLElement | null)?.focus();
}

export async function checkAnswersPage(main: HTMLElement, id: string): Promise<void> {
  const data = drafts.get(id);
  const districtId = districts.get(id);
  if (!data || !districtId) return go(`#/services/${id}/apply`);
  const service = await loadService(id);
  const view = await FormView.create(service.form, data);
  const idempotencyKey = crypto.randomUUID();
  const failure = h('div', {});
  const submit = button('ثبت درخواست', async () => {
    submit.disabled = true;
    try {
      const submitted = await api.post<Submitted>(endpoints.requests, { serviceId: id, districtId, form: data }, { 'idempotency-key': idempotencyKey });
      drafts.delete(id);
      confirmations.set(submitted.trackingCode, { service, submitted });
      go(`#/services/${id}/done/${encodeURIComponent(submitted.trackingCode)}`);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      const byField = error.fieldErrors();
      if (error.status === 401) return go(`#/sign-in?next=${encodeURIComponent(`#/services/${id}/check`)}`);
      if (byField.size) return applyPage(main, id, byField);
      failure.replaceChildren(errorSummary([{ message: error.messageFa }]));
      (failure.firstElementChild as HTMLElement).focus();
    } finally {
      submit.disabled = false;
    }
  });
  show(main, 'بررسی پاسخ‌ها',
    h('h1', {}, 'پیش از ثبت، پاسخ‌های خود را بررسی کنید'),
    failure,
    h('h2', {}, service.name.fa),
    summaryList([['منطقه شهرداری', `منطقه ${persianDigits(districtId)}`], ...view.answers(data)]),
    h('p', {}, h('a', { href: `#/services/${id}/apply` }, 'تغییر پاسخ‌ها')),
    h('h2', {}, 'هزینه'),
    h('p', { id: 'fee-total' }, totalFeeText(service, data)),
    service.documents.length ? [h('h2', {}, 'مدارک'), h('p', {}, 'پس از ثبت، در صفحه درخواست می‌توانید این مدارک را بارگذاری کنید: ', service.documents.map((document) => document.fa).join('، '))] : null,
    h('h2', {}, 'ثبت درخواست'),
    h('p', {}, 'با ثبت درخواست، درستی اطلاعات بالا را تأیید می‌کنید.'),
    submit);
  view.destroy();
}

/** What this request will cost in all, from the answers (the rate per unit beside it when it is counted). */
function totalFeeText(service: ServiceDetail, data: Record<string, unknown>): string {
  const total = computeFee(service.fee as never, data);
  if (total === null) return feeText(service.fee, service);
  if (total === 0) return 'رایگان';
  const counted = service.fee.kind === 'per-unit' || service.fee.kind === 'per-square-metre';
  return counted ? `جمع هزینه: ${rials(total)} (${feeText(service.fee, service)})` : `جمع هزینه: ${rials(total)}`;
}

const confirmations = new Map<string, { service: ServiceDetail; submitted: Submitted }>();

export async function confirmationPage(main: HTMLElement, id: string, trackingCode: string): Promise<void> {
  const service = confirmations.get(trackingCode)?.service ?? await loadService(id);
  const next = (service.steps ?? []).filter((step) => step !== 'survey');
  show(main, 'درخواست ثبت شد',
    h('div', { class: 'panel-confirmation' },
      h('h1', {}, 'درخواست شما ثبت شد'),
      h('p', {}, 'کد رهگیری شما'),
      h('strong', { class: 'reference', id: 'tracking-code' }, persianDigits(trackingCode))),
    h('p', {}, 'این کد به شماره همراه شما نیز پیامک می‌شود. آن را برای پیگیری نگه دارید.'),
    h('h2', {}, 'پس از این چه می‌شود'),
    next.length ? h('ol', {}, next.map((step) => h('li', {}, stepNames[step] ?? step))) : null,
    h('p', {}, `نتیجه حداکثر ظرف ${workingDays(service.slaWorkingDays)} اعلام می‌شود و در هر مرحله پیامک دریافت می‌کنید.`),
    service.documents.length ? notice('اگر مدارک را هنوز بارگذاری نکرده‌اید، از صفحه درخواست بارگذاری کنید.', 'warning') : null,
    h('a', { class: 'button button-primary', href: `#/requests/${encodeURIComponent(trackingCode)}` }, 'مشاهده و پیگیری درخواست'),
    h('p', {}, h('a', { href: '#/' }, 'بازگشت به فهرست خدمات')));
}
