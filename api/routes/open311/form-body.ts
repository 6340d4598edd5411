// GeoReport's POST body as one shape: plain fields as strings (the first of a
// repeated name), attribute[code]=value under `attribute`,
// attribute[code][]=value as a list (multivaluelist). A JSON body may send
// either `attribute: {code: value}` or the form-encoded names. Names that
// would reach an object's prototype are dropped.
import { GeoReportError } from './georeport.ts';
import { decodeUtf8 } from './input.ts';

const unsafe = new Set(['__proto__', 'constructor', 'prototype']);
const attributeName = /^attribute\[([^\][]+)\](\[\])?$/;
/** Far more fields than any start form has, few enough to walk at once. */
const maxPairs = 300;

/** Name/value pairs folded into the body shape; `into` holds attributes already sent as an object. */
function fold(pairs: Iterable<[string, unknown]>, into: Record<string, unknown> = {}): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  const attribute: Record<string, unknown> = { ...into };
  for (const [name, value] of pairs) {
    const match = attributeName.exec(name);
    if (match) {
      const code = match[1]!;
      if (unsafe.has(code)) continue;
      if (match[2]) {
        const list = Array.isArray(attribute[code]) ? attribute[code] as unknown[] : [];
        attribute[code] = [...list, ...(Array.isArray(value) ? value : [value])];
      } else if (!Object.hasOwn(attribute, code)) {
        attribute[code] = value;
      }
    } else if (!unsafe.has(name) && !Object.hasOwn(fields, name)) {
      fields[name] = value;
    }
  }
  return Object.keys(attribute).length > 0 ? { ...fields, attribute } : fields;
}

/** One percent-encoded component; a sequence that is not UTF-8 is refused, not replaced. */
function decodeComponent(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    throw new GeoReportError(400, 'the form body is not valid percent-encoded UTF-8 — متن درخواست درست رمزگذاری نشده است.');
  }
}

/** An application/x-www-form-urlencoded body, decoded strictly, in the one shape (the input gate and input.ts check its text). */
export function parseForm(body: Buffer | string): Record<string, unknown> {
  const text = typeof body === 'string' ? body : decodeUtf8(body);
  const parts = text.split('&').filter((part) => part !== '');
  if (parts.length > maxPairs) throw new GeoReportError(400, `the form body has more than ${maxPairs} fields — تعداد موردهای فرم بیش از حد مجاز است.`);
  const pairs = parts.map((part): [string, string] => {
    const at = part.indexOf('=');
    return at < 0 ? [decodeComponent(part), ''] : [decodeComponent(part.slice(0, at)), decodeComponent(part.slice(at + 1))];
  });
  return fold(pairs);
}

/** A parsed body (JSON or form) in the one shape. */
export function foldBody(body: unknown): Record<string, unknown> {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return {};
  const { attribute, ...rest } = body as Record<string, unknown>;
  const given = attribute && typeof attribute === 'object' && !Array.isArray(attribute) ? attribute as Record<string, unknown> : {};
  return fold(Object.entries(rest), given);
}
