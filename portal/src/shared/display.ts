// How numbers, money and dates read to a Persian speaker: Persian digits,
// rials grouped in thousands, Jalali dates in Tehran time.
import { jalaliDate, jalaliDateTime, normaliseInput, persianDigits } from '../../../platform/persian.ts';

export { normaliseInput, persianDigits };

const rialFormat = new Intl.NumberFormat('fa-IR');

export function rials(amount: number): string {
  return `${rialFormat.format(amount)} ریال`;
}

export function date(value: string | Date | null | undefined): string {
  if (!value) return '—';
  const parsed = value instanceof Date ? value : new Date(value);
  return Number.isNaN(parsed.getTime()) ? '—' : jalaliDate(parsed);
}

export function dateTime(value: string | Date | null | undefined): string {
  if (!value) return '—';
  const parsed = value instanceof Date ? value : new Date(value);
  return Number.isNaN(parsed.getTime()) ? '—' : jalaliDateTime(parsed);
}

export function workingDays(days: number): string {
  return `${persianDigits(days)} روز کاری`;
}

export const channelNames: Record<string, string> = {
  portal: 'درگاه اینترنتی',
  'call-centre': 'سامانه ۱۳۷',
  'in-person': 'مراجعه حضوری',
};

/** Request statuses and outcomes as the API records them, in words a citizen understands. */
export const statusNames: Record<string, string> = {
  received: 'دریافت شد',
  'under-review': 'در حال بررسی',
  'awaiting-inspection': 'در انتظار بازدید',
  'awaiting-approval': 'در انتظار تصمیم',
  completed: 'انجام شد',
  submitted: 'ثبت شده',
  'in-progress': 'در حال بررسی',
  'awaiting-payment': 'در انتظار پرداخت',
  'awaiting-correction': 'نیازمند اصلاح',
  returned: 'نیازمند اصلاح',
  'awaiting-appointment': 'در انتظار نوبت',
  'appointment-booked': 'نوبت رزرو شده',
  'awaiting-citizen': 'در انتظار اقدام شما',
  approved: 'تأیید شده',
  rejected: 'رد شده',
  lapsed: 'منقضی شده',
  done: 'انجام شده',
  closed: 'بسته شده',
  cancelled: 'لغو شده',
};

export function statusName(status: string): string {
  return statusNames[status] ?? status;
}
