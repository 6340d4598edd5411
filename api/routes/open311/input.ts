// What a GeoReport client sends is checked before anything reads it: bodies
// are UTF-8 (checked, not guessed), a JSON body is as flat as GeoReport's
// fields (an object of fields, attributes at most one level down, a list of
// values at most), and no text carries a NUL, a lone surrogate or another
// control character (PostgreSQL refuses NUL, XML cannot carry any of them).
// Each refusal is a GeoReport 400 naming the field, never a 500.
import type { FastifyRequest } from 'fastify';
import { GeoReportError } from './georeport.ts';

const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/** C0 controls but tab, line feed and carriage return, and the two non-characters XML refuses. */
const control = /[\u0001-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;

/** Why a text is refused, if it is. */
export function textFault(value: string): string | undefined {
  if (value.includes('\u0000')) return 'must not contain a NUL character — نویسه NUL پذیرفته نیست.';
  if (loneSurrogate.test(value)) return 'is not valid Unicode (a lone surrogate) — متن یونیکد معتبر نیست.';
  if (control.test(value)) return 'must not contain control characters — نویسه‌های کنترلی پذیرفته نیستند.';
  return undefined;
}

/** A name to echo in an error: short, with anything doubtful shown as `?`. */
const printable = (name: string) => name.slice(0, 50).replace(/[\u0000-\u001F\uD800-\uDFFF\uFFFE\uFFFF]/g, '?');

/** Refuses the first bad text in a parsed value (its keys included), naming where it is. */
export function assertText(value: unknown, name: string): void {
  if (typeof value === 'string') {
    const fault = textFault(value);
    if (fault) throw new GeoReportError(400, `${name}: ${fault}`);
  } else if (Array.isArray(value)) {
    value.forEach((item) => assertText(item, name));
  } else if (value && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      const label = name === '' ? printable(key) : `${name}[${printable(key)}]`;
      assertText(key, label);
      assertText(child, label);
    }
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

export function decodeUtf8(body: Buffer): string {
  try {
    return utf8.decode(body);
  } catch {
    throw new GeoReportError(400, 'the request body is not valid UTF-8 — متن درخواست باید با کدگذاری UTF-8 باشد.');
  }
}

/** Objects and lists nested deeper than GeoReport's flat fields need. */
const maxDepth = 4;

/** The deepest nesting of a JSON text, found without parsing it, so a 100,000-deep body costs one pass. */
function nestingDepth(text: string, limit: number): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const char = text.charCodeAt(i);
    if (inString) {
      if (char === 0x5c) i++; // backslash: skip the escaped character
      else if (char === 0x22) inString = false;
    } else if (char === 0x22) {
      inString = true;
    } else if (char === 0x7b || char === 0x5b) {
      deepest = Math.max(deepest, ++depth);
      if (deepest > limit) return deepest;
    } else if (char === 0x7d || char === 0x5d) {
      depth--;
    }
  }
  return deepest;
}

/** A JSON body: UTF-8, shallow, an object, its text clean. */
export function parseJsonBody(body: Buffer): Record<string, unknown> {
  const text = decodeUtf8(body);
  if (text.trim() === '') return {};
  if (nestingDepth(text, maxDepth) > maxDepth) {
    throw new GeoReportError(400, `the JSON body is nested more than ${maxDepth} levels deep; GeoReport fields are flat — ساختار بدنه درخواست بیش از حد تودرتو است.`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new GeoReportError(400, 'the request body is not valid JSON — بدنه درخواست JSON معتبر نیست.');
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new GeoReportError(400, 'the JSON body must be an object of GeoReport fields — بدنه درخواست باید یک شیء JSON باشد.');
  }
  assertText(parsed, '');
  return parsed as Record<string, unknown>;
}

/** The query string, path parameters and our one header, before validation reads them. */
export async function checkRequestText(request: FastifyRequest): Promise<void> {
  assertText(request.query, '');
  assertText(request.params, '');
  assertText(request.headers['idempotency-key'], 'Idempotency-Key');
}
