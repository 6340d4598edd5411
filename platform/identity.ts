// Checks on the identity fields citizens give, so a typo is caught at the form
// rather than at the district office. Inputs are normalised first (Persian
// digits, spaces, dashes), so these take what people actually type.
import { normaliseInput } from './persian.ts';

const digitsOnly = (value: string) => normaliseInput(value).replace(/[\s\-]/g, '');

/**
 * کد ملی: 10 digits whose last is a check digit over the first nine (weights
 * 10..2, mod 11). 8-9 digit input is left-padded; all-same digits and codes
 * whose digits 4-9 are all zero are refused. Returns the 10-digit code or null.
 */
export function parseNationalCode(input: string): string | null {
  const digits = digitsOnly(input);
  if (!/^\d{8,10}$/.test(digits)) return null;
  const code = digits.padStart(10, '0');
  if (/^(\d)\1{9}$/.test(code) || code.slice(3, 9) === '000000') return null;
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += Number(code[i]) * (10 - i);
  const remainder = sum % 11;
  const check = remainder < 2 ? remainder : 11 - remainder;
  return Number(code[9]) === check ? code : null;
}

/** Mobile numbers as 09XXXXXXXXX from +989…, 00989…, 09… or 9…; null when not a mobile. */
export function parseMobile(input: string): string | null {
  const digits = digitsOnly(input).replace(/[()]/g, '');
  const match = /^(?:\+98|0098|98|0)?(9\d{9})$/.exec(digits);
  return match ? `0${match[1]}` : null;
}

/** Postal codes: 10 digits (often written XXXXX-XXXXX), not starting with 0. */
export function parsePostalCode(input: string): string | null {
  const digits = digitsOnly(input);
  return /^[1-9]\d{9}$/.test(digits) ? digits : null;
}
