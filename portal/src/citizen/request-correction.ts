// Answering a return for correction: the clerk's note, the original form
// filled with what was sent, and a resubmit that the API checks again.
// Missing documents are uploaded in the documents section of the same page.
import { ApiError } from '../shared/api.ts';
import { endpoints } from '../shared/endpoints.ts';
import { errorSummary, h } from '../shared/elements.ts';
import { dateTime } from '../shared/display.ts';
import { FormView } from '../shared/form-view.ts';
import { api } from './session.ts';
import type { CitizenRequest } from './request-types.ts';
import type { ServiceDetail } from './service-types.ts';

export const correctionNotices: Record<string, string> = {
  sent: 'اصلاحات شما فرستاده شد و درخواست دوباره بررسی می‌شود.',
};

export function correctionSection(request: CitizenRequest, service: ServiceDetail | null, resubmitted: () => unknown): HTMLElement | null {
  if (request.status !== 'awaiting-correction' || !service) return null;
  const summary = h('div', {});
  const slot = h('div', {});
  const send = h('button', { type: 'submit', class: 'button button-primary' }, 'ارسال دوباره');
  const form = h('form', { novalidate: true, 'aria-labelledby': 'correction-form-heading' }, slot, send);
  let view: FormView | null = null;
  FormView.create(service.form, request.form ?? {}).then((created) => {
    view = created;
    slot.append(created.element);
  }).catch(() => slot.append(h('p', {}, 'فرم بارگذاری نشد؛ صفحه را دوباره باز کنید.')));
  const showSummary = (items: Array<{ message: string; href?: string }>) => {
    summary.replaceChildren(errorSummary(items));
    (summary.firstElementChild as HTMLElement).focus();
  };
  // Links in the summary move focus to their field rather than changing the hash route.
  summary.addEventListener('click', (event) => {
    const link = (event.target as HTMLElement).closest('a');
    if (!link) return;
    event.preventDefault();
    document.getElementById(link.getAttribute('href')!.slice(1))?.focus();
  });
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (!view) return;
    const { data, errors } = view.submit();
    if (errors.length) return showSummary(errors.map((error) => ({ message: `${error.label}: ${error.message}`, href: `#${view!.inputId(error.id)}` })));
    send.disabled = true;
    try {
      await api.post(endpoints.resubmit(request.trackingCode), { form: data });
      await resubmitted();
    } catch (failure) {
      send.disabled = false;
      if (!(failure instanceof ApiError)) throw failure;
      const { shown, unmatched } = view.showServerErrors(failure.fieldErrors());
      const items = [...shown.map((error) => ({ message: `${error.label}: ${error.message}`, href: `#${view!.inputId(error.id)}` })), ...unmatched.map(([, message]) => ({ message }))];
      showSummary(items.length ? items : [{ message: failure.messageFa }]);
    }
  });
  const correction = request.correction;
  return h('section', { 'aria-labelledby': 'correction-heading', id: 'correction' },
    h('h2', { id: 'correction-heading' }, 'درخواست شما برای اصلاح بازگردانده شد'),
    h('div', { class: 'notice notice-warning', id: 'correction-note' },
      h('strong', {}, 'توضیح کارشناس: '), correction?.note ?? 'موارد خواسته‌شده را اصلاح کنید.',
      correction?.requestedAt ? h('p', { class: 'hint' }, `بازگردانده شده در ${dateTime(correction.requestedAt)}`) : null),
    h('p', {}, 'فرم زیر با پاسخ‌های قبلی شما پر شده است. موارد گفته‌شده را اصلاح کنید و دوباره بفرستید. اگر مدرکی خواسته شده، آن را در بخش مدارک همین صفحه بارگذاری کنید.'),
    h('h3', { id: 'correction-form-heading' }, 'اصلاح پاسخ‌ها'),
    summary,
    form);
}
