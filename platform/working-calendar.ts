// Working time of a Mashhad district office, in Tehran time: Saturday to
// Wednesday full days, Thursday a half day, Friday closed, and the holidays
// an administrator keeps in the `holidays` table (lunar holidays move every
// year, so FEEL durations cannot know them). The SLA worker's due dates, the
// appointment slots and Open311's expected_datetime all count with this one
// calendar, so they agree.
import { DateTime } from 'luxon';
import type { Knex } from 'knex';
import { IRAN_TIME_ZONE } from './persian.ts';

/** Half-days of work per ISO weekday (luxon: 1 Monday ... 7 Sunday). */
const halfDays: Record<number, number> = { 6: 2, 7: 2, 1: 2, 2: 2, 3: 2, 4: 1, 5: 0 };
/** Closing time of a full day and of Thursday's half day. */
const closing = { full: { hour: 14, minute: 30 }, half: { hour: 12, minute: 0 } };
/** Opening time of every working day (an assumption: Iranian government offices open at 7:30 or 8:00). */
const opening = { hour: 7, minute: 30 };

/** Holidays as Tehran dates (YYYY-MM-DD) between two dates. */
export async function loadHolidays(db: Knex, from: Date, to: Date): Promise<Set<string>> {
  const rows: Array<{ day: string }> = await db('holidays')
    .select(db.raw(`to_char(day, 'YYYY-MM-DD') as day`))
    .whereBetween('day', [DateTime.fromJSDate(from, { zone: IRAN_TIME_ZONE }).toISODate()!, DateTime.fromJSDate(to, { zone: IRAN_TIME_ZONE }).toISODate()!]);
  return new Set(rows.map((row) => row.day));
}

/** Half-days of work on a Tehran calendar day. */
export function workOn(day: DateTime, holidays: Set<string>): number {
  if (holidays.has(day.toISODate()!)) return 0;
  return halfDays[day.weekday] ?? 0;
}

/**
 * The moment `workingDays` working days after `start` are over: counting
 * begins the next calendar day (the day of filing is not counted), Thursday
 * counts half, and the due moment is the office's closing time that day.
 * The days are counted on the Tehran calendar as plain dates (a UTC date
 * stands for each), and only the due moment is placed in the time zone: a
 * zoned step per day cost a time-zone lookup each, most of an SLA job's work.
 */
export function addWorkingDays(start: Date, workingDays: number, holidays: Set<string>): Date {
  let needed = Math.round(workingDays * 2);
  const first = DateTime.fromJSDate(start, { zone: IRAN_TIME_ZONE });
  const day = new Date(Date.UTC(first.year, first.month - 1, first.day));
  for (let guard = 0; guard < 3660; guard++) {
    day.setUTCDate(day.getUTCDate() + 1);
    const date = day.toISOString().slice(0, 10);
    // getUTCDay: 0 Sunday ... 6 Saturday; luxon's weekday: 1 Monday ... 7 Sunday.
    const work = holidays.has(date) ? 0 : halfDays[day.getUTCDay() || 7] ?? 0;
    if (work === 0) continue;
    needed -= work;
    if (needed <= 0) {
      // A half day still owed on a full day ends at noon-ish; keep it simple and end at the day's close.
      return DateTime.fromISO(date, { zone: IRAN_TIME_ZONE }).set(work === 1 ? closing.half : closing.full).toJSDate();
    }
  }
  throw new Error(`no working days found within ten years of ${start.toISOString()}`);
}

/**
 * The last day whose holidays can matter to an SLA of `workingDays` counted
 * from `start`: twice the SLA in calendar weeks plus a month, generous.
 */
export function slaHorizon(start: Date, workingDays: number): Date {
  return new Date(start.getTime() + (workingDays * 2 + 30) * 86_400_000);
}

/** A request's due date: its SLA in working days counted from when it was filed. */
export async function slaDueDate(db: Knex, filed: Date, workingDays: number): Promise<Date> {
  return addWorkingDays(filed, workingDays, await loadHolidays(db, filed, slaHorizon(filed, workingDays)));
}

/** When the office is open on a Tehran calendar day, or null on a day off. */
export function officeHoursOn(day: DateTime, holidays: Set<string>): { opens: DateTime; closes: DateTime } | null {
  const work = workOn(day, holidays);
  if (work === 0) return null;
  const start = day.setZone(IRAN_TIME_ZONE).startOf('day');
  return { opens: start.set(opening), closes: start.set(work === 1 ? closing.half : closing.full) };
}

/** Office time between two moments, in milliseconds: what a person at work spends on something. */
export function workingMillisBetween(from: Date, to: Date, holidays: Set<string>): number {
  if (to <= from) return 0;
  let total = 0;
  const last = DateTime.fromJSDate(to, { zone: IRAN_TIME_ZONE }).startOf('day');
  for (let day = DateTime.fromJSDate(from, { zone: IRAN_TIME_ZONE }).startOf('day'); day <= last; day = day.plus({ days: 1 })) {
    const hours = officeHoursOn(day, holidays);
    if (!hours) continue;
    const start = Math.max(hours.opens.toMillis(), from.getTime());
    const end = Math.min(hours.closes.toMillis(), to.getTime());
    if (end > start) total += end - start;
  }
  return total;
}

/** The moment `ms` of office time after `from` (work paused overnight and on days off goes on the next working day). */
export function addOfficeMillis(from: Date, ms: number, holidays: Set<string>): Date {
  let left = ms;
  for (let day = DateTime.fromJSDate(from, { zone: IRAN_TIME_ZONE }).startOf('day'), guard = 0; guard < 3660; day = day.plus({ days: 1 }), guard++) {
    const hours = officeHoursOn(day, holidays);
    if (!hours) continue;
    const start = Math.max(hours.opens.toMillis(), from.getTime());
    const end = hours.closes.toMillis();
    if (end <= start) continue;
    if (end - start >= left) return new Date(start + left);
    left -= end - start;
  }
  throw new Error(`no office time found within ten years of ${from.toISOString()}`);
}
