// Booking, moving or cancelling the office visit a service needs: pick a
// working day (Saturday to Wednesday), then one of the office's free slots.
// The process books the earliest free slot itself; the citizen may move it,
// or cancel it and book again while the request waits for a booking.
import { ApiError, type Answer } from '../shared/api.ts';
import { endpoints } from '../shared/endpoints.ts';
import { button, h } from '../shared/elements.ts';
import { dateTime } from '../shared/display.ts';
import { jalaliLongDate } from '../shared/jalali.ts';
import { api } from './session.ts';
import { isClosed, type CitizenRequest } from './request-types.ts';

/** A free slot of the day; its id is the slot's start. */
type Slot = Answer<'/api/requests/{trackingCode}/appointment/slots'>[number];

/** What the page says after a change, by the `appointment` query value the reload carries. */
export const appointmentNotices: Record<string, string> = {
  booked: 'نوبت شما رزرو شد و پیامک آن فرستاده می‌شود.',
  moved: 'نوبت شما تغییر کرد و پیامک آن فرستاده می‌شود.',
  cancelled: 'نوبت شما لغو شد. برای ادامه رسیدگی، نوبت تازه‌ای رزرو کنید.',
};

export type Reload = (appointment?: keyof typeof appointmentNotices) => unknown;

const tehranDay = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Tehran', year: 'numeric', month: '2-digit', day: '2-digit' });
const tehranWeekday = new Intl.DateTimeFormat('en-US', { timeZone: 'Asia/Tehran', weekday: 'short' });
const time = new Intl.DateTimeFormat('fa-IR', { timeZone: 'Asia/Tehran', hour: '2-digit', minute: '2-digit', hour12: false });

/** Today and the next working days in Tehran, as ISO dates (offices are closed on Thursday and Friday; holidays and past hours simply have no slots). */
function workingDaysAhead(count: number): string[] {
  const days: string[] = [];
  for (let offset = 0; days.length < count && offset < count * 2; offset += 1) {
    const day = new Date(Date.now() + offset * 86_400_000);
    if (['Thu', 'Fri'].includes(tehranWeekday.format(day))) continue;
    days.push(tehranDay.format(day));
  }
  return days;
}

function picker(request: CitizenRequest, mode: 'book' | 'move', reload: Reload): HTMLElement {
  const select = h('select', { id: 'appointment-day', name: 'day' },
    h('option', { value: '' }, 'روز را انتخاب کنید'),
    workingDaysAhead(10).map((day) => h('option', { value: day }, jalaliLongDate(day))));
  const slots = h('div', { id: 'appointment-slots', 'aria-live': 'polite' });
  const error = h('p', { class: 'field-error', role: 'alert' });
  select.addEventListener('change', async () => {
    slots.replaceChildren();
    error.textContent = '';
    if (!select.value) return;
    let free: Slot[];
    try {
      free = await api.get<Slot[]>(endpoints.slots(request.trackingCode, select.value));
    } catch (failure) {
      if (!(failure instanceof ApiError)) throw failure;
      error.textContent = failure.messageFa;
      return;
    }
    if (free.length === 0) {
      slots.append(h('p', {}, 'در این روز نوبت خالی نیست؛ روز دیگری را انتخاب کنید.'));
      return;
    }
    const choose = h('button', { type: 'submit', class: 'button button-primary' }, mode === 'book' ? 'رزرو نوبت' : 'تغییر به این نوبت');
    // One office per district: its name is said once, above the times.
    const offices = [...new Set(free.map((slot) => slot.officeName).filter(Boolean))];
    const form = h('form', {},
      h('fieldset', { class: 'slots' },
        h('legend', { class: 'label' }, `ساعت مراجعه در ${jalaliLongDate(select.value)}`),
        offices.length === 1 ? h('p', { class: 'hint' }, offices[0]!) : null,
        h('div', { class: 'slot-grid' }, free.map((slot, index) => h('label', { class: 'slot' },
          h('input', { type: 'radio', name: 'slot', value: slot.id, required: true, checked: index === 0 }),
          ` ${time.format(new Date(slot.startsAt))} تا ${time.format(new Date(slot.endsAt))}${offices.length > 1 && slot.officeName ? ` — ${slot.officeName}` : ''}`)))),
      choose);
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const slotId = String(new FormData(form).get('slot') ?? '');
      choose.disabled = true;
      try {
        await api.call(mode === 'book' ? 'POST' : 'PUT', endpoints.appointment(request.trackingCode), { slotId });
        await reload(mode === 'book' ? 'booked' : 'moved');
      } catch (failure) {
        choose.disabled = false;
        if (!(failure instanceof ApiError)) throw failure;
        error.textContent = failure.messageFa;
      }
    });
    slots.append(form);
  });
  return h('div', { class: 'appointment-picker' }, h('label', { for: 'appointment-day' }, 'روز مراجعه'), select, error, slots);
}

/** Asks again in place rather than with window.confirm, which some phones' browsers and screen readers handle badly. */
function cancelButton(request: CitizenRequest, reload: Reload): HTMLElement {
  const area = h('div', { id: 'appointment-cancel' });
  const error = h('p', { class: 'field-error', role: 'alert' });
  const ask = button('لغو نوبت', () => {
    const yes = button('بله، نوبت لغو شود', async () => {
      yes.disabled = true;
      try {
        await api.call('DELETE', endpoints.appointment(request.trackingCode));
        await reload('cancelled');
      } catch (failure) {
        yes.disabled = false;
        if (!(failure instanceof ApiError)) throw failure;
        error.textContent = failure.messageFa;
      }
    }, 'warning');
    const no = button('خیر', () => { area.replaceChildren(ask, error); ask.focus(); }, 'secondary');
    area.replaceChildren(h('p', { id: 'appointment-cancel-question' }, 'نوبت لغو شود؟ تا نوبت تازه‌ای رزرو نکنید، رسیدگی به درخواست منتظر می‌ماند.'), yes, no, error);
    yes.focus();
  }, 'warning');
  area.append(ask, error);
  return area;
}

export function appointmentSection(request: CitizenRequest, reload: Reload): HTMLElement | null {
  const booked = request.appointment?.status === 'booked' ? request.appointment : null;
  const needed = request.status === 'awaiting-appointment' && !booked;
  const justCancelled = request.appointment?.status === 'cancelled' && !needed && !isClosed(request);
  if (!booked && !needed && !justCancelled) return null;
  const section = h('section', { 'aria-labelledby': 'appointment-heading', id: 'appointment' }, h('h2', { id: 'appointment-heading' }, 'نوبت مراجعه حضوری'));
  if (needed) {
    section.append(h('p', {}, 'برای ادامه رسیدگی، یک نوبت مراجعه به دفتر منطقه رزرو کنید.'), picker(request, 'book', reload));
    return section;
  }
  if (justCancelled) {
    // The process takes a moment to open booking again after a cancellation.
    section.append(h('p', {}, 'نوبت شما لغو شده است. رزرو نوبت تازه تا چند لحظه دیگر ممکن می‌شود.'), button('به‌روزرسانی', () => reload(), 'secondary'));
    return section;
  }
  const area = h('div', {});
  section.append(
    h('p', { id: 'appointment-time' }, 'نوبت شما: ', h('strong', {}, dateTime(booked!.startsAt)), booked!.officeName ? ` در ${booked!.officeName}` : ''),
    h('p', { class: 'hint' }, 'یک روز پیش از نوبت، پیامک یادآوری می‌گیرید. اگر نتوانید بیایید، نوبت را تغییر دهید یا لغو کنید.'),
    isClosed(request) ? '' : h('div', {},
      button('تغییر نوبت', () => {
        area.replaceChildren(picker(request, 'move', reload));
        area.querySelector('select')?.focus();
      }, 'secondary'),
      cancelButton(request, reload)),
    area);
  return section;
}
