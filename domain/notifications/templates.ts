// Persian message templates. Every message names the tracking code and a
// Jalali date, so a citizen can quote it on the phone to 137.
import { jalaliDate, jalaliDateTime, persianDigits, rials } from '../../platform/persian.ts';
import { notificationTemplates } from '../../processes/catalogue/contract.ts';

export type TemplateId = (typeof notificationTemplates)[number];

export interface TemplateContext {
  trackingCode: string;
  serviceName: string;
  /** When the message is written; the date printed in it. */
  now: Date;
  amount?: number;
  paymentUrl?: string;
  appointmentAt?: Date;
  officeName?: string;
  dueDate?: Date;
  reason?: string;
}

const code = (context: TemplateContext) => persianDigits(context.trackingCode);
const signature = 'شهرداری مشهد';

const templates: Record<TemplateId, (context: TemplateContext) => string> = {
  'request-received': (c) =>
    `درخواست «${c.serviceName}» شما در ${jalaliDate(c.now)} ثبت شد. کد پیگیری: ${code(c)}${c.dueDate ? `. زمان پاسخ تا ${jalaliDate(c.dueDate)}` : ''}.\n${signature}`,
  'correction-requested': (c) =>
    `مدارک درخواست ${code(c)} نیاز به اصلاح دارد${c.reason ? `: ${c.reason}` : ''}. لطفاً تا ${jalaliDate(c.dueDate ?? c.now)} اصلاح کنید.\n${signature}`,
  'payment-requested': (c) =>
    `هزینه درخواست ${code(c)}${c.amount ? ` مبلغ ${rials(c.amount)}` : ''} است${c.paymentUrl ? `. پرداخت: ${c.paymentUrl}` : ''}. تاریخ: ${jalaliDate(c.now)}\n${signature}`,
  'payment-failed': (c) =>
    `پرداخت درخواست ${code(c)} در ${jalaliDate(c.now)} انجام نشد. در صورت کسر وجه، مبلغ تا ۷۲ ساعت بازمی‌گردد.\n${signature}`,
  'appointment-booked': (c) =>
    `نوبت حضوری درخواست ${code(c)}: ${c.appointmentAt ? jalaliDateTime(c.appointmentAt) : jalaliDate(c.now)}${c.officeName ? `، ${c.officeName}` : ''}. لطفاً با کارت ملی مراجعه کنید.\n${signature}`,
  'sla-escalated': (c) =>
    `درخواست ${code(c)} («${c.serviceName}») از مهلت ${jalaliDate(c.dueDate ?? c.now)} گذشته و به مدیر ارجاع شد.`,
  'request-completed': (c) =>
    `درخواست ${code(c)} («${c.serviceName}») در ${jalaliDate(c.now)} انجام شد.\n${signature}`,
  'request-rejected': (c) =>
    `درخواست ${code(c)} در ${jalaliDate(c.now)} رد شد${c.reason ? `: ${c.reason}` : ''}. برای اعتراض با ۱۳۷ تماس بگیرید.\n${signature}`,
  'request-lapsed': (c) =>
    `درخواست ${code(c)} به دلیل اقدام نکردن در مهلت، در ${jalaliDate(c.now)} بسته شد.\n${signature}`,
  'request-cancelled': (c) =>
    `درخواست ${code(c)} به درخواست شما در ${jalaliDate(c.now)} لغو شد.\n${signature}`,
  'satisfaction-survey': (c) =>
    `از ۱ تا ۵ به رسیدگی درخواست ${code(c)} چه نمره‌ای می‌دهید؟ (${jalaliDate(c.now)})\n${signature}`,
};

export function isTemplateId(id: string): id is TemplateId {
  return (notificationTemplates as readonly string[]).includes(id);
}

/** The appointment reminder is not a diagram template: the appointment worker sends it. */
export function reminderText(context: TemplateContext & { appointmentAt: Date }): string {
  return `یادآوری: فردا ${jalaliDateTime(context.appointmentAt)} نوبت حضوری درخواست ${code(context)} دارید${context.officeName ? ` در ${context.officeName}` : ''}.\n${signature}`;
}

export function renderTemplate(id: TemplateId, context: TemplateContext): string {
  return templates[id](context);
}
