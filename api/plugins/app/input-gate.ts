// The one gate every request passes before any handler (and before schema
// validation): JSON bodies are decoded as strict UTF-8 and refused when they
// nest too deep, before they are parsed; then the query, the path
// parameters, the headers and the parsed body (JSON or form) are walked once
// for what PostgreSQL cannot store (NUL, lone surrogates), numbers JSON
// cannot hold and prototype keys, each refused with its field's path.
// Normalisation (Persian and Arabic-Indic digits, Arabic letters, so schemas
// and the database see one spelling) is opt-in: a route names the parts that
// carry what people type (`config: { normalise: ['query', 'body.form'] }`);
// everything else arrives as it was written. A diagram or form an analyst
// authored is a document, not input to fold: «ماده ۷» stays «ماده ۷».
// Uploads are streamed past the gate; their file names go through
// `storableText` where they are read.
import fp from 'fastify-plugin';
import type { FastifyRequest } from 'fastify';
import { normaliseDeep } from '../../../platform/persian.ts';
import { faultMessages, findFault, jsonNestsDeeperThan, maxJsonDepth, textFault } from '../../../platform/untrusted-input.ts';
import { ApiProblem } from './problems.ts';

const utf8 = new TextDecoder('utf-8', { fatal: true });

const refused = (path: string, fault: keyof typeof faultMessages) =>
  new ApiProblem(400, 'invalid-input', `${path} ${faultMessages[fault].message}.`, 'برخی از موردها درست پر نشده‌اند.', [{ path, ...faultMessages[fault] }]);

/** JSON text as a value, or the reason it is refused: empty, not UTF-8, nested too deep, not JSON. */
export function parseJsonBody(body: Buffer): unknown {
  if (body.length === 0) throw new ApiProblem(400, 'empty-body', 'The body is empty; send JSON.', 'بدنه درخواست خالی است.');
  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    throw new ApiProblem(400, 'invalid-utf8', 'The body is not valid UTF-8.', 'متن درخواست با کدگذاری UTF-8 نیست.');
  }
  if (jsonNestsDeeperThan(text, maxJsonDepth)) {
    throw new ApiProblem(400, 'too-deep', `The body nests deeper than ${maxJsonDepth} levels.`, 'ساختار درخواست بیش از حد تودرتو است.',
      [{ path: '/body', ...faultMessages['too-deep'] }]);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ApiProblem(400, 'invalid-json', `The body is not valid JSON: ${(error as Error).message}`, 'بدنه درخواست JSON معتبر نیست.');
  }
}

/** A text from outside that the gate could not see (a multipart file name): returned when it may be stored, else refused at `path`. */
export function storableText(text: string, path: string): string {
  const fault = textFault(text);
  if (fault) throw refused(path, fault);
  return text;
}

/** A part of the request a route has normalised: `query`, `params`, `body`, or a field under one (`body.form`, `body.citizen.mobile`). */
export type NormalisedPart = 'query' | 'params' | 'body' | `${'query' | 'params' | 'body'}.${string}`;

declare module 'fastify' {
  interface FastifyContextConfig {
    /** What people type in this route's request, folded to one spelling before validation; nothing when absent. */
    normalise?: readonly NormalisedPart[];
  }
}

/** `value` checked: refused at `root` + the pointer. */
function check<T>(value: T, root: string): T {
  const found = findFault(value);
  if (found) throw refused(`${root}${found.pointer}`, found.fault);
  return value;
}

/** `value` with the field at `path` (dotted, below the part) normalised, as a copy; all of it when the path is empty. */
function normaliseAt<T>(value: T, path: string[]): T {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return path.length === 0 ? normaliseDeep(value) : value;
  // A copy with the same prototype: Fastify's query and params objects have their own, which normaliseDeep passes over.
  const copy = Object.create(Object.getPrototypeOf(value)) as Record<string, unknown>;
  for (const key of Object.keys(value)) {
    const item = (value as Record<string, unknown>)[key];
    const normalised = path.length === 0 ? normaliseDeep(item) : key === path[0] ? normaliseAt(item, path.slice(1)) : item;
    // Defined, not assigned, so no key can become the prototype.
    Object.defineProperty(copy, key, { value: normalised, writable: true, enumerable: true, configurable: true });
  }
  return copy as T;
}

function normaliseParts(request: FastifyRequest, parts: readonly NormalisedPart[]) {
  for (const part of parts) {
    const [root, ...path] = part.split('.') as ['query' | 'params' | 'body', ...string[]];
    if (root === 'body' && Buffer.isBuffer(request.body)) continue;
    request[root] = normaliseAt(request[root], path);
  }
}

function checkHeaders(request: FastifyRequest) {
  for (const [name, value] of Object.entries(request.headers)) {
    for (const text of Array.isArray(value) ? value : [value]) {
      const fault = typeof text === 'string' ? textFault(text) : null;
      if (fault) throw refused(`/headers/${name}`, fault);
    }
  }
}

export default fp(async (app) => {
  // Fastify's own JSON parser recurses nowhere but decodes bad UTF-8 into U+FFFD and would parse any depth.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) => {
    try {
      done(null, parseJsonBody(body as Buffer));
    } catch (error) {
      done(error as Error, undefined);
    }
  });

  app.addHook('preValidation', async (request) => {
    checkHeaders(request);
    check(request.query, '/query');
    check(request.params, '/params');
    const body = request.body;
    // Buffers are files; a multipart upload is read later, as a stream.
    if (typeof body === 'string' || (body && typeof body === 'object' && !Buffer.isBuffer(body))) check(body, '/body');
    normaliseParts(request, request.routeOptions.config.normalise ?? []);
  });

  // Schemas coerce text to numbers: "1e400" or "Infinity" in a query string becomes
  // Infinity, which ajv lets past minimum and maximum and PostgreSQL refuses. What
  // validation coerced is looked at once more before any handler.
  app.addHook('preHandler', async (request) => {
    check(request.query, '/query');
    check(request.params, '/params');
    if (request.body && typeof request.body === 'object' && !Buffer.isBuffer(request.body)) check(request.body, '/body');
  });
}, { name: 'input-gate', dependencies: ['problems'] });
