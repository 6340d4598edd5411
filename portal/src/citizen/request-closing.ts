// The end of a request: its certificate to download, the satisfaction
// rating (1 to 5, as 137 asks), and — while it is still open — cancelling.
import { ApiError } from '../shared/api.ts';
import { endpoints } from '../shared/endpoints.ts';
import { button, h, summaryList } from '../shared/elements.ts';
import { date, persianDigits } from '../shared/display.ts';
import { api } from './session.ts';
import { isClosed, type CitizenRequest } from './request-types.ts';

export function certificateSection(request: CitizenRequest): HTMLElement | null {
  const certificate = request.certificate;
  if (!certificate) return null;
  const error = h('p', { class: 'field-error', role: 'alert' });
  return h('section', { 'aria-labelledby': 'certificate-heading', id: 'certificate' },
    h('h2', { id: 'certificate-heading' }, 'مجوز صادرشده'),
    summaryList([
      ['شماره مجوز', h('bdi', { id: 'certificate-number' }, persianDigits(certificate.number ?? '—'))],
      ['تاریخ صدور', date(certificate.issuedAt)],
      ...(certificate.verificationCode
        ? [['کد بررسی اصالت', h('a', { href: `/verify/${encodeURIComponent(certificate.verificationCode)}`, dir: 'ltr' }, certificate.verificationCode)] as [string, HTMLElement]]
        : []),
    ]),
    error,
    button('دریافت مجوز', async () => {
      try {
        if (certificate.document) await api.download(endpoints.document(request.trackingCode, certificate.document.id), certificate.document.filename);
        else await api.download(endpoints.certificate(request.trackingCode), `mojavez-${request.trackingCode}.pdf`);
      } catch (failure) {
        if (!(failure instanceof ApiError)) throw failure;
        error.textContent = failure.messageFa;
      }
    }));
}

const scoreNames = ['', 'خیلی ناراضی', 'ناراضی', 'متوسط', 'راضی', 'خیلی راضی'];

export function ratingSection(request: CitizenRequest, reload: () => unknown): HTMLElement | null {
  if (!isClosed(request) || request.outcome === 'cancelled') return null;
  if (request.rating) {
    return h('section', { 'aria-labelledby': 'rating-heading', id: 'rating' },
      h('h2', { id: 'rating-heading' }, 'نظر شما'),
      h('p', {}, `امتیاز شما: ${persianDigits(request.rating.score)} از ۵ (${scoreNames[request.rating.score] ?? ''}). سپاس از شما.`));
  }
  const error = h('p', { class: 'field-error', role: 'alert', id: 'rating-error' });
  const comment = h('textarea', { id: 'rating-comment', name: 'comment', rows: 3, maxlength: 1000 });
  const send = h('button', { type: 'submit', class: 'button button-primary' }, 'ثبت نظر');
  const form = h('form', { novalidate: true },
    h('fieldset', { class: 'rating', 'aria-describedby': 'rating-error' },
      h('legend', { class: 'label' }, 'چقدر از این خدمت راضی بودید؟'),
      [5, 4, 3, 2, 1].map((score) => h('label', {}, h('input', { type: 'radio', name: 'score', value: score }), `${persianDigits(score)} — ${scoreNames[score]}`))),
    h('label', { for: 'rating-comment' }, 'توضیح (اختیاری)'),
    comment,
    error,
    h('div', {}, send));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const score = Number(new FormData(form).get('score'));
    if (!score) {
      error.textContent = 'یکی از گزینه‌ها را انتخاب کنید.';
      return form.querySelector<HTMLInputElement>('input[name=score]')?.focus();
    }
    send.disabled = true;
    try {
      await api.post(endpoints.rating(request.trackingCode), { score, ...(comment.value.trim() ? { comment: comment.value.trim() } : {}) });
      await reload();
    } catch (failure) {
      send.disabled = false;
      if (!(failure instanceof ApiError)) throw failure;
      error.textContent = failure.messageFa;
    }
  });
  return h('section', { 'aria-labelledby': 'rating-heading', id: 'rating' }, h('h2', { id: 'rating-heading' }, 'نظرسنجی'), form);
}

export function cancelSection(request: CitizenRequest, reload: () => unknown): HTMLElement | null {
  if (isClosed(request)) return null;
  const error = h('p', { class: 'field-error', role: 'alert' });
  return h('section', { 'aria-labelledby': 'cancel-heading' },
    h('h2', { id: 'cancel-heading' }, 'انصراف از درخواست'),
    h('p', {}, 'اگر دیگر به این خدمت نیاز ندارید، درخواست را لغو کنید. هزینه‌های پرداخت‌شده طبق مقررات بازگردانده می‌شود.'),
    error,
    button('لغو درخواست', async () => {
      if (!window.confirm('درخواست لغو شود؟ این کار برگشت‌پذیر نیست.')) return;
      try {
        await api.post(endpoints.cancel(request.trackingCode), {});
        await reload();
      } catch (failure) {
        if (!(failure instanceof ApiError)) throw failure;
        error.textContent = failure.messageFa;
      }
    }, 'warning'));
}
