// What any value from outside (a request body, a query string, a header, a
// file name) must be before it goes further: PostgreSQL's text and jsonb
// refuse the NUL character, and jsonb refuses lone surrogates, so either
// would fail a statement that no retry can save; nesting past a limit only
// ever comes from an attacker, and recursion over it overflows the stack.
// Every walk here is iterative, so no input can overflow the stack.

/** How deep a JSON value may nest. A start form or a task's variables need a handful of levels. */
export const maxJsonDepth = 64;

export type Fault = 'nul' | 'lone-surrogate' | 'too-deep' | 'not-finite' | 'prototype-key';

/** A high surrogate not followed by a low one, or a low one without a high one before it. */
const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why a text cannot be stored, or null when it can. */
export function textFault(text: string): 'nul' | 'lone-surrogate' | null {
  if (text.includes('\u0000')) return 'nul';
  return loneSurrogate.test(text) ? 'lone-surrogate' : null;
}

/**
 * Whether JSON text nests deeper than `limit` (arrays and objects inside
 * each other), found by one pass over the characters before anything is
 * parsed: a megabyte of `[` costs a scan, not a million nested arrays.
 */
export function jsonNestsDeeperThan(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (inString) {
      if (code === 0x5c) index++; // backslash: the next character is escaped
      else if (code === 0x22) inString = false;
    } else if (code === 0x22) {
      inString = true;
    } else if (code === 0x5b || code === 0x7b) {
      if (++depth > limit) return true;
    } else if (code === 0x5d || code === 0x7d) {
      depth--;
    }
  }
  return false;
}

/** The key that would set an object's prototype if the value were ever merged by assignment. */
const prototypeKey = '__proto__';

interface Step { value: unknown; parent: Step | null; key: string; depth: number }

/** A JSON pointer segment (RFC 6901). */
const segment = (key: string) => key.replace(/~/g, '~0').replace(/\//g, '~1');

function pointerOf(step: Step): string {
  const keys: string[] = [];
  for (let at: Step | null = step; at?.parent; at = at.parent) keys.push(segment(at.key));
  return keys.length === 0 ? '' : `/${keys.reverse().join('/')}`;
}

/**
 * The first thing in a parsed value that may not go further, with the JSON
 * pointer to it (relative to the value), or null. Object keys count as text
 * too (`__proto__` is refused as a key, as Fastify's own parser does);
 * numbers must be finite (JSON's 1e400 parses to Infinity).
 */
export function findFault(value: unknown, limit = maxJsonDepth): { pointer: string; fault: Fault } | null {
  const pending: Step[] = [{ value, parent: null, key: '', depth: 0 }];
  while (pending.length > 0) {
    const step = pending.pop()!;
    const item = step.value;
    if (typeof item === 'string') {
      const fault = textFault(item);
      if (fault) return { pointer: pointerOf(step), fault };
    } else if (typeof item === 'number') {
      if (!Number.isFinite(item)) return { pointer: pointerOf(step), fault: 'not-finite' };
    } else if (item && typeof item === 'object' && !Buffer.isBuffer(item)) {
      if (step.depth >= limit) return { pointer: pointerOf(step), fault: 'too-deep' };
      const entries = Array.isArray(item) ? item.entries() : Object.entries(item);
      for (const [key, child] of entries) {
        const name = String(key);
        const childStep = { value: child, parent: step, key: name, depth: step.depth + 1 };
        if (!Array.isArray(item)) {
          const fault = name === prototypeKey ? 'prototype-key' : textFault(name);
          if (fault) return { pointer: pointerOf(childStep), fault };
        }
        pending.push(childStep);
      }
    }
  }
  return null;
}

/** What each fault means, for the people who sent it. */
export const faultMessages: Record<Fault, { message: string; messageFa: string }> = {
  nul: { message: 'must not contain the NUL character (U+0000)', messageFa: 'نویسه تهی (NUL) در این مورد پذیرفته نیست.' },
  'lone-surrogate': { message: 'must be valid Unicode text (it holds a lone surrogate)', messageFa: 'این متن نویسه نامعتبر دارد.' },
  'too-deep': { message: `must not nest deeper than ${maxJsonDepth} levels`, messageFa: 'ساختار این مورد بیش از حد تودرتو است.' },
  'not-finite': { message: 'must be a finite number', messageFa: 'این عدد بیش از حد بزرگ است.' },
  'prototype-key': { message: 'is a reserved name', messageFa: 'این نام پذیرفته نیست.' },
};
