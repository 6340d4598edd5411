// What a value must be for the engine to keep it. Everything the engine holds
// ends up in PostgreSQL (text columns and jsonb), and PostgreSQL refuses a NUL
// character anywhere and a lone UTF-16 surrogate in jsonb; JSON.stringify and
// jsonb recurse, so very deep nesting overflows their stacks; JSON numbers
// past 2^53 cannot be held exactly by JavaScript and infinities have no JSON
// form. Such a value, let in, would fail the commit that carries it and so
// stop the engine. Every way in refuses it first: the gateway's requests and
// variables documents (INVALID_ARGUMENT naming the field or the variable's
// path), deployed resources (at deploy), and FEEL results (an incident).
// The checks walk values with an explicit stack, never by recursion.
import { invalid } from './runtime/errors.ts';

/** Deepest nesting of objects and arrays a value may have. */
export const maxDepth = 100;

/** Why a string cannot be stored, or null when it can. */
export function textProblem(text: string): string | null {
  if (text.includes('\u0000')) return 'contains a NUL character (U+0000), which PostgreSQL cannot store';
  if (!(text as unknown as { isWellFormed(): boolean }).isWellFormed()) {
    const lone = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.exec(text)!;
    return `contains a lone UTF-16 surrogate (U+${lone[0].charCodeAt(0).toString(16).toUpperCase()}), which is not a Unicode character and PostgreSQL cannot store`;
  }
  return null;
}

function numberProblem(value: number): string | null {
  if (!Number.isFinite(value)) return 'is a number out of range (JSON numbers must be finite)';
  return null;
}

/** `a.b[2]["odd key"]`: where a problem sits inside a value. */
function childPath(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  const plain = /^[A-Za-z_$][\w$]*$/.test(key);
  if (path === '') return plain ? key : JSON.stringify(key.replace(/[\uD800-\uDFFF\u0000]/g, '?'));
  return plain ? `${path}.${key}` : `${path}[${JSON.stringify(key.replace(/[\uD800-\uDFFF\u0000]/g, '?'))}]`;
}

export interface ValueProblem { path: string; problem: string }

/**
 * The first part of a JSON-like value that cannot be stored, or null. `path`
 * names the root ('' for a variables document, whose top-level keys are the
 * variable names). Counts values into `budget` when given (FEEL results).
 */
export function valueProblem(value: unknown, path = '', budget?: { values: number; textBytes: number }): ValueProblem | null {
  const stack: Array<{ value: unknown; path: string; depth: number }> = [{ value, path, depth: 0 }];
  let values = 0;
  let text = 0;
  while (stack.length > 0) {
    const item = stack.pop()!;
    const current = item.value;
    values++;
    if (budget && values > budget.values) return { path: item.path, problem: `has more than ${budget.values} values` };
    if (typeof current === 'string') {
      const problem = textProblem(current);
      if (problem) return { path: item.path, problem };
      text += current.length;
      if (budget && text > budget.textBytes) return { path: item.path, problem: `holds more than ${budget.textBytes} characters of text` };
      continue;
    }
    if (typeof current === 'number') {
      const problem = numberProblem(current);
      if (problem) return { path: item.path, problem };
      continue;
    }
    if (current === null || typeof current !== 'object') continue;
    if (item.depth >= maxDepth) return { path: item.path, problem: `nests objects and lists deeper than ${maxDepth} levels` };
    if (Array.isArray(current)) {
      for (let i = current.length - 1; i >= 0; i--) stack.push({ value: current[i], path: childPath(item.path, i), depth: item.depth + 1 });
      continue;
    }
    const keys = Object.keys(current);
    for (let i = keys.length - 1; i >= 0; i--) {
      const key = keys[i]!;
      const keyProblem = key === '__proto__' ? 'is __proto__, which JavaScript objects cannot hold as a plain name' : textProblem(key);
      if (keyProblem) return { path: childPath(item.path, key), problem: `has a name that ${keyProblem}` };
      stack.push({ value: (current as Record<string, unknown>)[key], path: childPath(item.path, key), depth: item.depth + 1 });
    }
  }
  return null;
}

/**
 * Integer literals of a JSON text that JavaScript would silently round (past
 * 2^53 - 1); JSON.parse cannot tell them apart afterwards, so the text is read.
 */
function unsafeIntegers(json: string): string[] {
  if (!/\d{16}/.test(json)) return [];
  const found: string[] = [];
  let inString = false;
  for (let i = 0; i < json.length; i++) {
    const c = json.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */) inString = false;
      continue;
    }
    if (c === 34) {
      inString = true;
      continue;
    }
    if (c === 45 /* - */ || (c >= 48 && c <= 57)) {
      let end = i + 1;
      while (end < json.length && /[0-9.eE+-]/.test(json[end]!)) end++;
      const token = json.slice(i, end);
      if (/^-?\d+$/.test(token) && !Number.isSafeInteger(Number(token))) found.push(token);
      i = end - 1;
    }
  }
  return found;
}

function findNumber(value: unknown, wanted: number): string {
  const stack: Array<{ value: unknown; path: string }> = [{ value, path: '' }];
  while (stack.length > 0) {
    const { value: current, path } = stack.pop()!;
    if (current === wanted) return path;
    if (current === null || typeof current !== 'object') continue;
    for (const [key, child] of Object.entries(current)) stack.push({ value: child, path: childPath(path, Array.isArray(current) ? Number(key) : key) });
  }
  return '';
}

/** Parses a request's variables document: a JSON object (or empty) that can be stored, else INVALID_ARGUMENT naming the variable. */
export function variablesOf(text: string | undefined, what = 'variables'): Record<string, unknown> {
  if (!text || text.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw invalid(`Property '${what}' is invalid: Expected document to be valid JSON, but it was invalid: ${(error as Error).message}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw invalid(`Property '${what}' is invalid: Expected document to be a root level object, but was '${Array.isArray(value) ? 'ARRAY' : typeof value}'`);
  }
  const problem = valueProblem(value);
  if (problem) throw invalid(`Property '${what}' is invalid: the variable '${problem.path}' ${problem.problem}`);
  const [unsafe] = unsafeIntegers(text);
  if (unsafe !== undefined) {
    throw invalid(`Property '${what}' is invalid: the variable '${findNumber(value, Number(unsafe))}' is the integer ${unsafe}, past 2^53 - 1, which cannot be held exactly; send it as a string`);
  }
  return value as Record<string, unknown>;
}

/**
 * Checks every text field of a gateway request (names, correlation keys,
 * message ids, error messages, worker names, …) except variables documents,
 * which variablesOf reads. Binary fields (resource contents) are left to deploy.
 */
export function checkRequestText(request: unknown): void {
  const stack: Array<{ value: unknown; path: string }> = [{ value: request, path: '' }];
  while (stack.length > 0) {
    const { value, path } = stack.pop()!;
    if (typeof value === 'string') {
      const problem = textProblem(value);
      if (problem) throw invalid(`Property '${path}' is invalid: it ${problem}`);
      continue;
    }
    if (value === null || typeof value !== 'object' || Buffer.isBuffer(value) || value instanceof Uint8Array) continue;
    for (const [key, child] of Object.entries(value)) {
      if (key === 'variables' && typeof child === 'string') continue;
      stack.push({ value: child, path: childPath(path, Array.isArray(value) ? Number(key) : key) });
    }
  }
}

/** Refuses text that cannot be stored; `what` names it in the answer. */
export function checkText(text: string, what: string): void {
  const problem = textProblem(text);
  if (problem) throw invalid(`${what} ${problem}`);
}

/**
 * Why an XML resource's text cannot be stored or would yield text that
 * cannot (a character reference to NUL or to a surrogate, which XML 1.0
 * forbids as well), or null.
 */
export function xmlTextProblem(xml: string): string | null {
  const problem = textProblem(xml);
  if (problem) return problem;
  const reference = /&#(?:[xX]0*(?:0|[dD][89a-fA-F][0-9a-fA-F]{2})|0*(?:0|5529[6-9]|55[3-9]\d\d|56\d\d\d|57[0-2]\d\d|573[0-3]\d|5734[0-3]));/.exec(xml);
  if (reference) return `has the character reference '${reference[0]}', which names no XML character (NUL or a UTF-16 surrogate)`;
  return null;
}
