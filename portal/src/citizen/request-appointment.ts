// Booking, moving or cancelling the office visit a service needs: pick a
// working day (Saturday to Wednesday), then one of the office's free slots.
import { ApiError } from '../shared/api.ts';
import { endpoints } from '../shared/endpoints.ts';
import { button, h } from '../shared/elements.ts';
import { date, dateTime } from '../shared/display.ts';
import { api } from './session.ts';
import { isClosed, type CitizenRequest } from './request-types.ts';

interface Slot { id: string; startsAt: string; endsAt?: string; office?: string; officeName?: string | null }

const tehranDay = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Tehran', year: 'numeric', month: '2-digit', day: '2-digit' });
const tehranWeekday = new Intl.DateTimeFormat('en-US', { timeZone: 'Asia/Tehran', weekday: 'short' });
const time = new Intl.DateTimeFormat('fa-IR', { timeZone: 'Asia/Tehran', hour: '2-digit', minute: '2-digit', hour12: false });

/** The next working days in Tehran, as ISO dates (Thursday and Friday offices are closed). */
function workingDaysAhead(count: number): string[] {
  const days: string[] = [];
  for (let offset = 1; days.length < count && offset < count * 2; offset += 1) {
    const day = new Date(Date.now() + offset * 86_400_000);
    if (['Thu', 'Fri'].includes(tehranWeekday.format(day))) continue;
    days.push(tehranDay.format(day));
  }
  return days;
}

function picker(request: CitizenRequest, mode: 'book' | 'move', reload: () => unknown): HTMLElement {
  const days = workingDaysAhead(10);
  const select = h('select', { id: 'appointment-day', name: 'day' },
    h('option', { value: '' }, 'روز را انتخاب کنید'),
    days.map((day) => h('option', { value: day }, date(`${day}T08:00:00+03:30`))));
  const slots = h('div', { id: 'appointment-slots', 'aria-live': 'polite' });
  const error = h('p', { class: 'field-error', role: 'alert' });
  select.addEventListener('change', async () => {
    slots.replaceChildren();
    if (!select.value) return;
    try {
      const answer = await api.get<Slot[] | { slots: Slot[] }>(endpoints.slots(request.trackingCode, select.value));
      const free = Array.isArray(answer) ? answer : answer.slots;
      if (free.length === 0) {
        slots.append(h('p', {}, 'در این روز نوبت خالی نیست؛ روز دیگری را انتخاب کنید.'));
        return;
      }
      const choose = h('button', { type: 'submit', class: 'button button-primary' }, mode === 'book' ? 'رزرو نوبت' : 'تغییر به این نوبت');
      const form = h('form', {},
        h('fieldset', { class: 'slots' }, h('legend', { class: 'label' }, 'ساعت مراجعه'),
          free.map((slot, index) => h('label', { class: 'slot' },
            h('input', { type: 'radio', name: 'slot', value: slot.id, required: true, checked: index === 0 }),
            ` ${time.format(new Date(slot.startsAt))}${slot.officeName ? ` — ${slot.officeName}` : ''}`))),
        choose);
      form.addEventListener('submit', async (event) => {
        event.preventDefault();
        const slotId = (new FormData(form).get('slot') ?? '') as string;
        choose.disabled = true;
        try {
          await api.call(mode === 'book' ? 'POST' : 'PUT', endpoints.appointment(request.trackingCode), { slotId });
          await reload();
        } catch (failure) {
          choose.disabled = false;
          if (!(failure instanceof ApiError)) throw failure;
          error.textContent = failure.messageFa;
        }
      });
      slots.append(form);
    } catch (failure) {
      if (!(failure instanceof ApiError)) throw failure;
      error.textContent = failure.messageFa;
    }
  });
  return h('div', {}, h('label', { for: 'appointment-day' }, 'روز مراجعه'), select, error, slots);
}

export function appointmentSection(request: CitizenRequest, reload: () => unknown): HTMLElement | null {
  const booked = request.appointment && request.appointment.status !== 'cancelled' ? request.appointment : null;
  const needed = request.status === 'awaiting-appointment';
  if (!booked && !needed) return null;
  const section = h('section', { 'aria-labelledby': 'appointment-heading', id: 'appointment' }, h('h2', { id: 'appointment-heading' }, 'نوبت مراجعه حضوری'));
  if (!booked) {
    section.append(h('p', {}, 'برای ادامه کار، یک نوبت مراجعه به دفتر منطقه رزرو کنید.'), picker(request, 'book', reload));
    return section;
  }
  const error = h('p', { class: 'field-error', role: 'alert' });
  const area = h('div', {});
  section.append(
    h('p', { id: 'appointment-time' }, 'نوبت شما: ', h('strong', {}, dateTime(booked.startsAt)), booked.officeName ? ` در ${booked.officeName}` : ''),
    error,
    isClosed(request) ? '' : h('div', {},
      button('تغییر نوبت', () => area.replaceChildren(picker(request, 'move', reload)), 'secondary'),
      button('لغو نوبت', async () => {
        if (!window.confirm('نوبت لغو شود؟')) return;
        try {
          await api.call('DELETE', endpoints.appointment(request.trackingCode));
          await reload();
        } catch (failure) {
          if (!(failure instanceof ApiError)) throw failure;
          error.textContent = failure.messageFa;
        }
      }, 'warning')),
    area);
  return section;
}
