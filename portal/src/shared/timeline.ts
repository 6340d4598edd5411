// A request's timeline in words: the API records milestone kinds
// (received, awaiting-payment, closed…); an event may carry its own Persian title.
/** What the wording reads of a timeline entry (the request's and the task page's timelines both carry it). */
export interface TimelineEntry { at: string; kind: string; data?: Record<string, unknown> }

/** Milestones in a citizen's words. */
const milestoneNames: Record<string, string> = {
  received: 'درخواست دریافت شد',
  'under-review': 'بررسی درخواست آغاز شد',
  'awaiting-inspection': 'در انتظار بازدید کارشناس',
  'awaiting-approval': 'در انتظار تصمیم مسئول',
  'request-resubmitted': 'اصلاحات ارسال شد',
  'request-cancelled': 'درخواست لغو ثبت شد',
  submitted: 'درخواست ثبت شد',
  started: 'بررسی درخواست آغاز شد',
  'document-check': 'بررسی مدارک',
  'returned-for-correction': 'برای اصلاح بازگردانده شد',
  'awaiting-correction': 'برای اصلاح بازگردانده شد',
  resubmitted: 'اصلاحات ارسال شد',
  inspection: 'بازدید کارشناس',
  'inspection-done': 'بازدید انجام شد',
  approval: 'بررسی برای تأیید',
  approved: 'تأیید شد',
  rejected: 'رد شد',
  'awaiting-payment': 'در انتظار پرداخت',
  paid: 'پرداخت انجام شد',
  'payment-failed': 'پرداخت انجام نشد',
  'awaiting-appointment': 'در انتظار رزرو نوبت',
  'appointment-booked': 'نوبت رزرو شد',
  'certificate-issued': 'مجوز صادر شد',
  'cancel-requested': 'درخواست لغو ثبت شد',
  cancelled: 'لغو شد',
  closed: 'درخواست بسته شد',
};

const outcomeNames: Record<string, string> = {
  completed: 'درخواست انجام شد و بسته شد',
  rejected: 'درخواست رد شد و بسته شد',
  lapsed: 'مهلت گذشت و درخواست بسته شد',
  cancelled: 'درخواست لغو و بسته شد',
};

export function entryTitle(entry: TimelineEntry): string {
  const own = entry.data?.titleFa ?? entry.data?.fa;
  if (typeof own === 'string') return own;
  if (entry.kind === 'closed' && typeof entry.data?.outcome === 'string') return outcomeNames[entry.data.outcome] ?? milestoneNames.closed!;
  return milestoneNames[entry.kind] ?? entry.kind;
}

/** A reason the process recorded with the milestone (a rejection, a return for correction), if any. */
export function entryNote(entry: TimelineEntry): string | null {
  const note = entry.data?.reasonFa ?? entry.data?.reason ?? entry.data?.noteFa;
  return typeof note === 'string' && note ? note : null;
}
