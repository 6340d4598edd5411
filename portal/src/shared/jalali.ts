// Calendar dates (no time of day) as Persians write them: typed as Jalali
// year/month/day, kept and sent as ISO 8601 (YYYY-MM-DD). Showing a date
// goes through Intl's Persian calendar; reading a typed date is our own
// arithmetic with the 33-year leap rule, confirmed against Intl. The rule
// approximates the astronomical calendar and newer ICU corrects it in a few
// far years (the first is 1502), so Intl has the last word: what we accept
// is always the day Intl then shows (test/portal/jalali.test.ts checks every
// day from 1900 to 2200).
import { normaliseInput } from './display.ts';

export interface JalaliDay { year: number; month: number; day: number }

const DAY_MS = 86_400_000;

/**
 * Days from 1 Farvardin of year 1 to the given day. The floor term adds the
 * leap days: year y is leap when (25y + 11) mod 33 < 8, eight in 33 years.
 */
function dayNumber({ year, month, day }: JalaliDay): number {
  const beforeYear = 365 * (year - 1) + Math.floor((8 * year + 21) / 33);
  const beforeMonth = month <= 7 ? 31 * (month - 1) : 30 * (month - 1) + 6;
  return beforeYear + beforeMonth + day - 1;
}

/** 1 Farvardin 1403 fell on 20 March 2024: the anchor tying our day count to the Gregorian one. */
const anchor = { jalali: dayNumber({ year: 1403, month: 1, day: 1 }), utc: Date.UTC(2024, 2, 20) / DAY_MS };

function isoOfUtcDay(utcDay: number): string {
  return new Date(utcDay * DAY_MS).toISOString().slice(0, 10);
}

/**
 * The Gregorian ISO date (YYYY-MM-DD) of a Jalali day, or null when the
 * calendar has no such day (month 13, 31 Mehr, 30 Esfand of a common year).
 */
export function jalaliToIso(date: JalaliDay): string | null {
  const { year, month, day } = date;
  if (![year, month, day].every(Number.isInteger) || month < 1 || month > 12 || day < 1 || day > 31) return null;
  const guess = anchor.utc + dayNumber(date) - anchor.jalali;
  // Where Intl's leap years differ from the rule the guess is a day off, so the days beside it are asked too.
  for (const off of [0, -1, 1, -2, 2]) {
    const iso = isoOfUtcDay(guess + off);
    const shown = isoToJalali(iso)!;
    if (shown.year === year && shown.month === month && shown.day === day) return iso;
  }
  return null;
}

const isoPattern = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Noon UTC of an ISO calendar date, or null: a calendar date has no time zone, noon keeps every formatter on the same day. */
function noonOf(iso: string): Date | null {
  const match = isoPattern.exec(iso);
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day, 12));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day ? date : null;
}

export function isIsoDate(value: unknown): value is string {
  return typeof value === 'string' && noonOf(value) !== null;
}

const partsFormat = new Intl.DateTimeFormat('en-US-u-ca-persian-nu-latn', { timeZone: 'UTC', year: 'numeric', month: 'numeric', day: 'numeric' });

/** The Jalali day of an ISO date, by Intl. */
export function isoToJalali(iso: string): JalaliDay | null {
  const date = noonOf(iso);
  if (!date) return null;
  const parts = partsFormat.formatToParts(date);
  const part = (type: string) => Number(parts.find((p) => p.type === type)!.value.replace(/\D/g, ''));
  return { year: part('year'), month: part('month'), day: part('day') };
}

/** How the date input shows an ISO date: 1405/09/08 (drawn in Persian digits by the font). */
export function jalaliText(iso: string): string {
  const day = isoToJalali(iso);
  if (!day) return '';
  return `${day.year}/${String(day.month).padStart(2, '0')}/${String(day.day).padStart(2, '0')}`;
}

/**
 * A typed Jalali date — year/month/day with / - . or spaces between, digits
 * in any script — as an ISO date; null when it is not a day of the calendar.
 * Years are four digits, so 05/9/8 is not guessed at.
 */
export function parseJalali(text: string): string | null {
  const match = /^(\d{4})\s*[/\-.\s]\s*(\d{1,2})\s*[/\-.\s]\s*(\d{1,2})$/.exec(normaliseInput(text).trim());
  if (!match) return null;
  const date = { year: Number(match[1]), month: Number(match[2]), day: Number(match[3]) };
  if (date.year < 1200 || date.year > 1600) return null;
  return jalaliToIso(date);
}

const weekdayFormat = new Intl.DateTimeFormat('fa-IR', { timeZone: 'UTC', weekday: 'long' });
const longFormat = new Intl.DateTimeFormat('fa-IR-u-ca-persian', { timeZone: 'UTC', year: 'numeric', month: 'long', day: 'numeric' });

/** An ISO date in words, for example «یکشنبه ۸ آذر ۱۴۰۵» (ICU's own pattern with the weekday reads out of order in Persian). */
export function jalaliLongDate(iso: string): string {
  const date = noonOf(iso);
  return date ? `${weekdayFormat.format(date)} ${longFormat.format(date)}` : '';
}
