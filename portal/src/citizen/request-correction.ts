// Answering a return for correction: the clerk's note, the original form
// filled with what was sent, and a resubmit that the API checks again.
import { ApiError } from '../shared/api.ts';
import { endpoints } from '../shared/endpoints.ts';
import { errorSummary, h } from '../shared/elements.ts';
import { FormView } from '../shared/form-view.ts';
import { api } from './session.ts';
import type { CitizenRequest } from './request-types.ts';
import type { ServiceDetail } from './service-types.ts';

export function correctionSection(request: CitizenRequest, service: ServiceDetail | null, reload: () => unknown): HTMLElement | null {
  const returned = request.status === 'awaiting-correction' || request.status === 'returned';
  if (!returned || !service) return null;
  const summary = h('div', {});
  const slot = h('div', {});
  const send = h('button', { type: 'submit', class: 'button button-primary' }, 'ارسال دوباره');
  const form = h('form', { novalidate: true }, slot, send);
  let view: FormView | null = null;
  FormView.create(service.form, request.form ?? {}).then((created) => {
    view = created;
    slot.append(created.element);
  }).catch(() => slot.append(h('p', {}, 'فرم بارگذاری نشد؛ صفحه را دوباره باز کنید.')));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (!view) return;
    const { data, errors } = view.submit();
    if (errors.length) {
      summary.replaceChildren(errorSummary(errors.map((error) => ({ message: `${error.label}: ${error.message}`, href: `#${view!.inputId(error.id)}` }))));
      return (summary.firstElementChild as HTMLElement).focus();
    }
    send.disabled = true;
    try {
      await api.post(endpoints.resubmit(request.trackingCode), { form: data });
      await reload();
    } catch (failure) {
      send.disabled = false;
      if (!(failure instanceof ApiError)) throw failure;
      const { shown, unmatched } = view.showServerErrors(failure.fieldErrors());
      const items = [...shown.map((error) => ({ message: `${error.label}: ${error.message}` })), ...unmatched.map(([, message]) => ({ message }))];
      summary.replaceChildren(errorSummary(items.length ? items : [{ message: failure.messageFa }]));
      (summary.firstElementChild as HTMLElement).focus();
    }
  });
  return h('section', { 'aria-labelledby': 'correction-heading', id: 'correction' },
    h('h2', { id: 'correction-heading' }, 'درخواست شما برای اصلاح بازگردانده شد'),
    h('div', { class: 'notice notice-warning' }, h('strong', {}, 'توضیح کارشناس: '), request.correction?.note ?? 'موارد خواسته‌شده را اصلاح کنید.'),
    summary,
    form);
}
