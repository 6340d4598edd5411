// Finding the earliest free slot at a district office. Slots follow the
// office's weekly hours in Tehran time; each active counter serves one
// citizen per slot; holidays and Fridays have none.
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

/**
 * The first slot starting at or after `earliest` with a counter not in
 * `taken` (keys `${startsAt ISO}|${counter}`), looking `days` days ahead.
 */
export function earliestFreeSlot(schedule: OfficeSchedule, earliest: Date, taken: Set<string>, days = 30): Slot | undefined {
  const first = DateTime.fromJSDate(earliest, { zone: IRAN_TIME_ZONE });
  for (let offset = 0; offset <= days; offset++) {
    const day = first.startOf('day').plus({ days: offset });
    if (schedule.holidays.has(day.toISODate()!)) continue;
    const hours = schedule.hours.get(day.weekday % 7);
    if (!hours) continue;
    const closes = day.set(timeOf(hours.closes));
    for (let start = day.set(timeOf(hours.opens)); start.plus({ minutes: schedule.slotMinutes }) <= closes; start = start.plus({ minutes: schedule.slotMinutes })) {
      if (start < first) continue;
      const iso = start.toUTC().toISO()!;
      const counter = schedule.counters.find((number) => !taken.has(`${iso}|${number}`));
      if (counter !== undefined) {
        return { startsAt: start.toJSDate(), endsAt: start.plus({ minutes: schedule.slotMinutes }).toJSDate(), counter };
      }
    }
  }
  return undefined;
}

/** The reminder goes out at 09:00 Tehran time the day before (at once if that has passed). */
export function reminderTime(startsAt: Date, now: Date): Date {
  const dayBefore = DateTime.fromJSDate(startsAt, { zone: IRAN_TIME_ZONE }).minus({ days: 1 }).set({ hour: 9, minute: 0, second: 0, millisecond: 0 }).toJSDate();
  return dayBefore < now ? now : dayBefore;
}
