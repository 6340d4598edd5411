// A service's page: what it is, the documents to have ready, the fee, how
// long it takes and where it can be asked for — then one start button.
import { endpoints } from '../shared/endpoints.ts';
import { h, show, summaryList } from '../shared/elements.ts';
import { channelNames, persianDigits, rials, workingDays } from '../shared/display.ts';
import { api } from './session.ts';
import type { Fee, ServiceDetail } from './service-types.ts';

export const stepNames: Record<string, string> = {
  'document-check': 'بررسی مدارک توسط کارشناس پذیرش',
  inspection: 'بازدید کارشناس از محل',
  approval: 'بررسی و تأیید مسئول',
  appointment: 'مراجعه حضوری در نوبت رزروشده',
  payment: 'پرداخت هزینه از درگاه بانکی',
  'field-work': 'انجام کار توسط اکیپ',
  response: 'پاسخ کتبی',
  certificate: 'صدور مجوز یا گواهی',
  survey: 'نظرسنجی از شما',
};

const services = new Map<string, ServiceDetail>();

export async function loadService(id: string): Promise<ServiceDetail> {
  let service = services.get(id);
  if (!service) {
    service = await api.get<ServiceDetail>(endpoints.service(id));
    services.set(id, service);
  }
  return service;
}

/** The fee in words; a per-unit fee names the form field it is counted by. */
export function feeText(fee: Fee, service: ServiceDetail): string {
  const unitLabel = () => service.form.components.find((component) => component.key === fee.field)?.label ?? 'واحد';
  switch (fee.kind) {
    case 'none': return 'رایگان';
    case 'fixed': return rials(fee.amount ?? 0);
    case 'per-unit': return `${rials(fee.rate ?? 0)} به ازای هر واحد (${unitLabel()})`;
    case 'per-square-metre': return `${rials(fee.rate ?? 0)} به ازای هر متر مربع (${unitLabel()})`;
    default: return 'پس از بررسی اعلام می‌شود';
  }
}

export async function servicePage(main: HTMLElement, id: string): Promise<void> {
  const service = await loadService(id);
  const online = service.channels.includes('portal');
  show(main, service.name.fa,
    h('p', {}, h('a', { href: '#/' }, 'همه خدمات')),
    h('h1', {}, service.name.fa),
    service.description?.fa ? h('p', { class: 'lead' }, service.description.fa) : null,
    summaryList([
      ['هزینه', feeText(service.fee, service)],
      ['زمان انجام', `حداکثر ${workingDays(service.slaWorkingDays)}`],
      ['راه‌های درخواست', service.channels.map((channel) => channelNames[channel] ?? channel).join('، ')],
      ['مناطق ارائه', service.districts.length ? service.districts.map((district) => `منطقه ${persianDigits(district)}`).join('، ') : 'به‌زودی'],
    ]),
    h('h2', {}, 'مدارک لازم'),
    service.documents.length
      ? h('ul', {}, service.documents.map((document) => h('li', {}, document.fa)))
      : h('p', {}, 'مدرکی لازم نیست.'),
    service.steps?.length ? [h('h2', {}, 'مراحل'), h('ol', {}, service.steps.map((step) => h('li', {}, stepNames[step] ?? step)))] : null,
    online
      ? h('a', { class: 'button button-primary', href: `#/services/${service.id}/apply`, role: 'button' }, 'شروع درخواست')
      : h('p', { class: 'notice' }, 'این خدمت فقط با مراجعه حضوری یا تماس با ۱۳۷ ارائه می‌شود.'));
}
