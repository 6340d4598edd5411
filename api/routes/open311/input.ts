// What a GeoReport client sends, checked beyond the API's input gate
// (api/plugins/app/input-gate.ts refuses NUL, lone surrogates, deep JSON and
// bad UTF-8 in JSON for every route): form bodies are strict UTF-8 too, and
// no text carries another control character, since GeoReport's required
// format, XML, cannot carry one. Each refusal is a GeoReport 400 naming the
// field, never a 500.
import type { FastifyRequest } from 'fastify';
import { faultMessages, textFault as storableFault } from '../../../platform/untrusted-input.ts';
import { GeoReportError } from './georeport.ts';

/** C0 controls but tab, line feed and carriage return, and the two non-characters XML refuses. */
const control = /[\u0001-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;

/** Why a text is refused, if it is. */
export function textFault(value: string): string | undefined {
  const fault = storableFault(value);
  if (fault) return `${faultMessages[fault].message} — ${faultMessages[fault].messageFa}`;
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

/** The query string, path parameters, body and our one header, after the input gate and before validation. */
export async function checkRequestText(request: FastifyRequest): Promise<void> {
  assertText(request.query, '');
  assertText(request.params, '');
  if (request.body && typeof request.body === 'object' && !Buffer.isBuffer(request.body)) assertText(request.body, '');
  assertText(request.headers['idempotency-key'], 'Idempotency-Key');
}
