// GeoReport's POST body as one shape: plain fields as strings (the first of a
// repeated name), attribute[code]=value under `attribute`,
// attribute[code][]=value as a list (multivaluelist). A JSON body may send
// either `attribute: {code: value}` or the form-encoded names. Names that
// would reach an object's prototype are dropped.
const unsafe = new Set(['__proto__', 'constructor', 'prototype']);
const attributeName = /^attribute\[([^\][]+)\](\[\])?$/;

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

export function parseForm(body: string): Record<string, unknown> {
  return fold(new URLSearchParams(body));
}

/** A parsed body (JSON or form) in the one shape. */
export function foldBody(body: unknown): Record<string, unknown> {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return {};
  const { attribute, ...rest } = body as Record<string, unknown>;
  const given = attribute && typeof attribute === 'object' && !Array.isArray(attribute) ? attribute as Record<string, unknown> : {};
  return fold(Object.entries(rest), given);
}
