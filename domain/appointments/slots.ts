// Free slots at a district office: the earliest one (for appointment.book)
// and all of one day (for a citizen choosing). Slots follow the office's
// weekly hours in Tehran time; each active counter serves one citizen per
// slot; holidays and Fridays have none.
import { DateTime } from 'luxon';
import { IRAN_TIME_ZONE } from '../../platform/persian.ts';

export interface OfficeSchedule {
  slotMinutes: number;
  counters: number[];
  /** JavaScript weekday (0 Sunday ... 6 Saturday) -> opening hours as HH:MM[:SS]. */
  hours: Map<number, { opens: string; closes: string }>;
  holidays: Set<string>;
}

export interface Slot {
  startsAt: Date;
  endsAt: Date;
  counter: number;
}

const timeOf = (text: string) => {
  const [hour, minute] = text.split(':').map(Number);
  return { hour: hour!, minute: minute! };
};

/** How far ahead citizens can book: the same horizon the worker searches. */
export const bookingHorizonDays = 30;

/**
 * The free slots of one Tehran day (`YYYY-MM-DD`): each slot that starts at
 * or after `earliest` and has a counter not in `taken` (keys
 * `${startsAt ISO}|${counter}`), with the lowest such counter. None on a
 * holiday or a weekday the office is closed.
 */
export function freeSlotsOn(schedule: OfficeSchedule, day: string, earliest: Date, taken: Set<string>): Slot[] {
  if (schedule.holidays.has(day)) return [];
  const date = DateTime.fromISO(day, { zone: IRAN_TIME_ZONE }).startOf('day');
  const hours = schedule.hours.get(date.weekday % 7);
  if (!hours) return [];
  const first = DateTime.fromJSDate(earliest, { zone: IRAN_TIME_ZONE });
  const closes = date.set(timeOf(hours.closes));
  const slots: Slot[] = [];
  for (let start = date.set(timeOf(hours.opens)); start.plus({ minutes: schedule.slotMinutes }) <= closes; start = start.plus({ minutes: schedule.slotMinutes })) {
    if (start < first) continue;
    const iso = start.toUTC().toISO()!;
    const counter = schedule.counters.find((number) => !taken.has(`${iso}|${number}`));
    if (counter !== undefined) slots.push({ startsAt: start.toJSDate(), endsAt: start.plus({ minutes: schedule.slotMinutes }).toJSDate(), counter });
  }
  return slots;
}

/** The Tehran day (`YYYY-MM-DD`) a moment falls on. */
export function tehranDay(moment: Date): string {
  return DateTime.fromJSDate(moment, { zone: IRAN_TIME_ZONE }).toISODate()!;
}

/**
 * The first slot starting at or after `earliest` with a counter not in
 * `taken` (keys `${startsAt ISO}|${counter}`), looking `days` days ahead.
 */
export function earliestFreeSlot(schedule: OfficeSchedule, earliest: Date, taken: Set<string>, days = bookingHorizonDays): Slot | undefined {
  const first = DateTime.fromJSDate(earliest, { zone: IRAN_TIME_ZONE }).startOf('day');
  for (let offset = 0; offset <= days; offset++) {
    const [slot] = freeSlotsOn(schedule, first.plus({ days: offset }).toISODate()!, earliest, taken);
    if (slot) return slot;
  }
  return undefined;
}

/** The reminder goes out at 09:00 Tehran time the day before (at once if that has passed). */
export function reminderTime(startsAt: Date, now: Date): Date {
  const dayBefore = DateTime.fromJSDate(startsAt, { zone: IRAN_TIME_ZONE }).minus({ days: 1 }).set({ hour: 9, minute: 0, second: 0, millisecond: 0 }).toJSDate();
  return dayBefore < now ? now : dayBefore;
}
