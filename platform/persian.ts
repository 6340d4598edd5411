// Persian text as citizens type it and as we show it: digits in any of three
// scripts are accepted, Arabic letter forms are folded to Persian ones, and
// dates are shown on the Persian (Jalali) calendar in Tehran time.

const PERSIAN_DIGITS = '۰۱۲۳۴۵۶۷۸۹';
const ARABIC_INDIC_DIGITS = '٠١٢٣٤٥٦٧٨٩';

/** The characters normaliseInput folds: Arabic-Indic and Persian digits, Arabic ي ى ك. */
const foldable = /[\u0660-\u0669\u06F0-\u06F9\u0649\u064A\u0643]/g;

function fold(char: string): string {
  const persian = PERSIAN_DIGITS.indexOf(char);
  if (persian >= 0) return String(persian);
  const arabic = ARABIC_INDIC_DIGITS.indexOf(char);
  if (arabic >= 0) return String(arabic);
  return char === '\u0643' ? '\u06A9' : '\u06CC';
}

/**
 * Persian and Arabic-Indic digits to ASCII; Arabic ي/ى/ك to Persian ی/ک. ZWNJ
 * is kept. One regular-expression pass: a megabyte with nothing to fold costs
 * a scan, not a million string concatenations.
 */
export function normaliseInput(text: string): string {
  return text.replace(foldable, fold);
}

/** A key for searching by name: normalised, without ZWNJ and tatweel, collapsed spaces. */
export function searchKey(text: string): string {
  return normaliseInput(text).replace(/[\u200C\u0640]/g, '').replace(/\s+/g, ' ').trim().toLowerCase();
}

/**
 * Every string inside a JSON value normalised (request bodies, query strings),
 * as a copy. Iterative, so no nesting depth can overflow the stack; plain and
 * null-prototype objects are walked, anything else is kept as it is.
 */
export function normaliseDeep<T>(value: T): T {
  const root: { value: unknown } = { value };
  const pending: Array<[holder: Record<string | number, unknown>, key: string | number]> = [[root as Record<string, unknown>, 'value']];
  while (pending.length > 0) {
    const [holder, key] = pending.pop()!;
    const item = holder[key];
    if (typeof item === 'string') {
      holder[key] = normaliseInput(item);
    } else if (Array.isArray(item)) {
      const copy = item.slice();
      holder[key] = copy;
      for (let index = 0; index < copy.length; index++) pending.push([copy as unknown as Record<number, unknown>, index]);
    } else if (isPlainObject(item)) {
      const copy = Object.create(Object.getPrototypeOf(item)) as Record<string, unknown>;
      holder[key] = copy;
      for (const name of Object.keys(item)) {
        // Defined, not assigned: a key named __proto__ stays a key and never becomes the prototype.
        Object.defineProperty(copy, name, { value: item[name], writable: true, enumerable: true, configurable: true });
        pending.push([copy, name]);
      }
    }
  }
  return root.value as T;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (!value || typeof value !== 'object') return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/** ASCII digits in a string shown as Persian digits. */
export function persianDigits(text: string | number): string {
  return String(text).replace(/[0-9]/g, (digit) => PERSIAN_DIGITS[Number(digit)]!);
}

/** An amount of money as Persian text: «۱۲٬۰۰۰٬۰۰۰ ریال». */
export function rials(amount: number): string {
  return `${persianDigits(amount.toLocaleString('en-US').replace(/,/g, '٬'))} ریال`;
}

export const IRAN_TIME_ZONE = 'Asia/Tehran';

const dateFormat = new Intl.DateTimeFormat('fa-IR-u-ca-persian', {
  timeZone: IRAN_TIME_ZONE, year: 'numeric', month: 'long', day: 'numeric',
});
const dateTimeFormat = new Intl.DateTimeFormat('fa-IR-u-ca-persian', {
  timeZone: IRAN_TIME_ZONE, year: 'numeric', month: 'long', day: 'numeric', hour: '2-digit', minute: '2-digit', hour12: false,
});

/** For example «۸ آذر ۱۴۰۵». */
export function jalaliDate(date: Date): string {
  return dateFormat.format(date);
}

/** For example «۸ آذر ۱۴۰۵، ساعت ۱۴:۳۰». */
export function jalaliDateTime(date: Date): string {
  return dateTimeFormat.format(date);
}

/** The Jalali calendar date in Tehran as numbers, for holiday tables and certificate numbers. */
export function jalaliParts(date: Date): { year: number; month: number; day: number } {
  const parts = new Intl.DateTimeFormat('en-US-u-ca-persian', {
    timeZone: IRAN_TIME_ZONE, year: 'numeric', month: 'numeric', day: 'numeric',
  }).formatToParts(date);
  const part = (type: string) => Number(parts.find((p) => p.type === type)!.value.replace(/\D/g, ''));
  return { year: part('year'), month: part('month'), day: part('day') };
}
