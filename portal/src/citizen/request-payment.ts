// Paying a fee: the API opens a payment with the bank gateway and answers
// where to send the browser (for a Shaparak gateway that takes only a POST,
// a page of ours that posts the form). The gateway sends the citizen back to
// this request's page, where the verified outcome shows.
import { ApiError, type Answer } from '../shared/api.ts';
import { endpoints } from '../shared/endpoints.ts';
import { button, h, summaryList } from '../shared/elements.ts';
import { dateTime, persianDigits, rials } from '../shared/display.ts';
import { api } from './session.ts';
import type { CitizenRequest } from './request-types.ts';

export type PaymentStart = Answer<'/api/requests/{trackingCode}/payments/', 'post'>;

export function sendToGateway(start: PaymentStart): void {
  window.location.assign(start.redirectUrl);
}

export function paymentSection(request: CitizenRequest): HTMLElement | null {
  // The newest payment is the one that counts; earlier ones failed or were reversed.
  const payment = request.payments.at(-1) ?? null;
  const due = request.status === 'awaiting-payment' || (payment && ['created', 'pending', 'failed'].includes(payment.status));
  if (!payment && !due) return null;
  if (payment && payment.status === 'paid') {
    return h('section', { 'aria-labelledby': 'payment-heading', id: 'payment' },
      h('h2', { id: 'payment-heading' }, 'رسید پرداخت'),
      summaryList([
        ['مبلغ', rials(payment.amount)],
        ['زمان پرداخت', dateTime(payment.paidAt)],
        ['شماره پیگیری بانک', persianDigits(payment.reference ?? '—')],
      ]));
  }
  const error = h('p', { class: 'field-error', role: 'alert' });
  const pay = button('پرداخت', async () => {
    pay.disabled = true;
    try {
      // The payment worker may already hold the gateway's token and page; otherwise ask the API to open one.
      if (payment?.paymentUrl) return window.location.assign(payment.paymentUrl);
      const returnUrl = `${window.location.origin}/#/requests/${encodeURIComponent(request.trackingCode)}`;
      sendToGateway(await api.post<PaymentStart>(endpoints.payments(request.trackingCode), { returnUrl }));
    } catch (failure) {
      pay.disabled = false;
      if (!(failure instanceof ApiError)) throw failure;
      error.textContent = failure.messageFa;
    }
  });
  pay.id = 'pay';
  return h('section', { 'aria-labelledby': 'payment-heading', id: 'payment' },
    h('h2', { id: 'payment-heading' }, 'پرداخت هزینه'),
    payment ? h('p', {}, 'مبلغ قابل پرداخت: ', h('strong', {}, rials(payment.amount))) : null,
    payment?.status === 'failed' ? h('p', { class: 'notice notice-warning' }, 'پرداخت قبلی انجام نشد؛ دوباره تلاش کنید.') : null,
    h('p', {}, 'با زدن دکمه پرداخت به درگاه امن بانکی (شاپرک) می‌روید و پس از پرداخت به همین صفحه بازمی‌گردید.'),
    error,
    pay);
}
