// Hostile input against every route the API documents, generated from the
// served OpenAPI document (/docs/json): for each operation a request that
// gets past the door (as the first caller the route lets in), then the same
// request spoiled one way at a time — wrong types, missing fields, 1 MB
// strings, NUL, lone surrogates, nesting 100,000 deep, numbers past 2^63,
// invalid UTF-8, broken multipart, path traversal, parameters too long —
// and, for every signed-in route, an anonymous caller with a bad body.
//
// Every answer must be a 2xx/3xx or a 4xx problem document (GeoReport's own
// errors on /open311); none may be a 5xx; each carries a Content-Security-
// Policy and nosniff; anonymous callers of signed-in routes get 401 whatever
// they send; and the server answers normally after.
// Cases are generated in a fixed order and capped per operation, so the run
// is the same every time and takes well under a minute.
import t from 'tap';
import { startTestApi, type TestApi } from './helpers.ts';
import { populate, type Caller, type World } from './world.ts';

interface Schema {
  type?: string | string[]; enum?: unknown[]; const?: unknown; format?: string; pattern?: string;
  minLength?: number; maxLength?: number; minimum?: number; maximum?: number; minItems?: number;
  properties?: Record<string, Schema>; required?: string[]; items?: Schema; $ref?: string;
}
interface Parameter { in: 'path' | 'query' | 'header'; name: string; required?: boolean; schema?: Schema }
interface Operation { parameters?: Parameter[]; requestBody?: { content?: Record<string, { schema?: Schema }> }; security?: unknown[] }
interface Spec { paths: Record<string, Record<string, Operation>> }

/** A request as app.inject takes it. */
interface Attempt { name: string; method: string; url: string; headers: Record<string, string>; payload?: string | Buffer }

/** How many spoiled requests one operation gets at most. */
const casesPerOperation = 45;
/** Callers tried, in order, for the one a route lets in. */
const doorOpeners: Caller[] = ['citizenA', 'clerk', 'admin', 'analyst', 'manager', 'agent-137'];

const megabyte = 'a'.repeat(1_000_000);
const deepArray = '['.repeat(100_000);
const pastInt64 = '9223372036854775808';

const typeOf = (schema: Schema | undefined): string | undefined => {
  const type = schema?.type;
  return Array.isArray(type) ? type.find((candidate) => candidate !== 'null') : type;
};

/** Values of the world, by the name a parameter or field has. */
function knownValues(world: World, path: string): Record<string, string> {
  const { data } = world;
  return {
    trackingCode: data.request, documentId: data.documentId, paymentId: data.paymentId, jobKey: data.task12, nationalCode: data.nationalCode,
    mobile: data.mobile, day: data.day, code: data.verificationCode, staffId: data.staffId, token: path.startsWith('/api/payments') ? data.gatewayToken : '0123456789abcdef0123456789abcdef',
    id: path.startsWith('/open311') ? data.request : path.startsWith('/api/processes') ? 'matrix-probe' : 'tree-pruning',
    formId: 'task-approval', serviceId: 'tree-pruning', service_code: 'tree-pruning', format: 'json', kind: 'photo',
  };
}

const stringCandidates = ['1234567890', 'tree-pruning', 'ABCD-EFGH-JKLM', '2026-12-10', '0123456789abcdef0123456789abcdef', 'http://localhost/callback', 'json', 'a'];

/** A value the schema accepts, as far as one can tell without solving its regular expressions. */
function sample(schema: Schema | undefined, name: string, known: Record<string, string>, depth = 0): unknown {
  if (!schema || depth > 6) return undefined;
  if (schema.enum) return schema.enum.find((value) => value !== null) ?? schema.enum[0];
  if (schema.const !== undefined) return schema.const;
  switch (typeOf(schema)) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const key of schema.required ?? []) out[key] = sample(schema.properties?.[key], key, known, depth + 1);
      return out;
    }
    case 'array': return schema.minItems ? [sample(schema.items, name, known, depth + 1)] : [];
    case 'integer': case 'number': return name === 'districtId' || name === 'district' ? 12 : Math.min(Math.max(schema.minimum ?? 1, 1), schema.maximum ?? 1);
    case 'boolean': return true;
    case 'string': {
      if (known[name]) return known[name];
      if (schema.format === 'uuid') return '00000000-0000-4000-8000-000000000000';
      if (schema.format === 'date') return known.day;
      if (schema.format === 'date-time') return '2026-12-10T10:00:00.000Z';
      if (schema.format === 'national-code') return known.nationalCode;
      if (schema.format === 'mobile') return known.mobile;
      if (schema.pattern) return stringCandidates.find((candidate) => new RegExp(schema.pattern!).test(candidate)) ?? 'a';
      return 'x'.repeat(Math.max(schema.minLength ?? 1, 1));
    }
    default: return undefined;
  }
}

/** A value of another type than the schema's. */
function wrongType(schema: Schema | undefined): unknown {
  switch (typeOf(schema)) {
    case 'string': return 12345;
    case 'object': return ['not', 'an', 'object'];
    case 'array': return { not: 'an array' };
    default: return 'not the right type';
  }
}

/** JSON text with `raw` (itself JSON text) as the value of `key`. */
const withRaw = (base: Record<string, unknown>, key: string, raw: string) => {
  const text = JSON.stringify({ ...base, [key]: '\u0000marker' });
  return text.replace(JSON.stringify('\u0000marker'), raw);
};

/** The parts of an operation's unspoiled request: path and query values from the world, a body its schema takes. */
function partsOf(method: string, path: string, operation: Operation, world: World, headers: Record<string, string>) {
  const known = knownValues(world, path);
  const parameters = operation.parameters ?? [];
  const pathValues = Object.fromEntries(parameters.filter((p) => p.in === 'path').map((p) => [p.name, String(sample(p.schema, p.name, known))]));
  const queryValues = Object.fromEntries(parameters.filter((p) => p.in === 'query' && (p.required || known[p.name]))
    .map((p) => [p.name, String(sample(p.schema, p.name, known))]));
  const urlOf = (paths: Record<string, string>, query: Record<string, string>, rawQuery = '') => {
    const filled = path.replace(/\{(\w+)\}/g, (_whole, name: string) => paths[name] ?? 'x');
    const search = [new URLSearchParams(query).toString(), rawQuery].filter(Boolean).join('&');
    return search ? `${filled}?${search}` : filled;
  };
  const json = operation.requestBody?.content?.['application/json']?.schema;
  const body = json ? sample(json, 'body', known) : undefined;
  const baseBody = body && typeof body === 'object' && !Array.isArray(body) ? body as Record<string, unknown> : {};
  const withBody = method !== 'GET' && method !== 'DELETE';
  const baseHeaders = withBody ? { ...headers, 'content-type': 'application/json' } : headers;
  const unspoiled: Attempt = { name: 'unspoiled', method, url: urlOf(pathValues, queryValues), headers: baseHeaders, payload: withBody ? JSON.stringify(baseBody) : undefined };
  return { parameters, pathValues, queryValues, urlOf, json, baseBody, withBody, baseHeaders, unspoiled };
}

/** Every spoiled request for one operation, in a fixed order, capped. */
function attemptsFor(method: string, path: string, operation: Operation, world: World, headers: Record<string, string>): Attempt[] {
  const { parameters, pathValues, queryValues, urlOf, json, baseBody, withBody, baseHeaders, unspoiled } = partsOf(method, path, operation, world, headers);
  const attempts: Attempt[] = [];
  const add = (name: string, attempt: Partial<Attempt>) => attempts.push({ ...unspoiled, name, ...attempt });

  for (const name of Object.keys(pathValues)) {
    const spoil = (label: string, value: string) => add(`path ${name} ${label}`, { url: urlOf({ ...pathValues, [name]: value }, queryValues) });
    spoil('NUL', '%00');
    spoil('traversal', '..%2F..%2Fetc%2Fpasswd');
    spoil('1e30', '1e30');
    spoil('past 2^63', pastInt64);
    spoil('lone surrogate', '%ED%A0%80');
    spoil('invalid UTF-8', '%C3%28');
    spoil('too long', 'x'.repeat(300));
  }
  for (const parameter of parameters.filter((p) => p.in === 'query')) {
    const spoil = (label: string, raw: string) => add(`query ${parameter.name} ${label}`, {
      url: urlOf(pathValues, Object.fromEntries(Object.entries(queryValues).filter(([key]) => key !== parameter.name)), `${parameter.name}=${raw}`),
    });
    spoil('NUL', '%00');
    spoil('past 2^63', pastInt64);
    spoil('1e400', '1e400');
    spoil('100 KB', 'q'.repeat(100_000));
    spoil('lone surrogate', '%ED%A0%80');
    spoil('repeated', `a&${parameter.name}=b`);
  }
  for (const parameter of parameters.filter((p) => p.in === 'header')) {
    add(`header ${parameter.name} NUL`, { headers: { ...baseHeaders, [parameter.name]: 'a\u0000b' } });
    add(`header ${parameter.name} 10 KB`, { headers: { ...baseHeaders, [parameter.name]: 'h'.repeat(10_000) } });
  }
  if (withBody) {
    const properties = Object.entries(json?.properties ?? {});
    let megabytes = 0;
    for (const [name, schema] of properties) {
      add(`body ${name} wrong type`, { payload: JSON.stringify({ ...baseBody, [name]: wrongType(schema) }) });
      if (json?.required?.includes(name)) {
        const { [name]: _dropped, ...rest } = baseBody;
        add(`body ${name} missing`, { payload: JSON.stringify(rest) });
      }
      const type = typeOf(schema);
      if (type === 'string' || type === undefined) {
        add(`body ${name} NUL`, { payload: JSON.stringify({ ...baseBody, [name]: 'a\u0000b' }) });
        add(`body ${name} lone surrogate`, { payload: withRaw(baseBody, name, '"\\ud800"') });
        // A megabyte costs a few milliseconds a time: two fields of each operation carry one.
        if (megabytes++ < 2) add(`body ${name} 1 MB`, { payload: JSON.stringify({ ...baseBody, [name]: megabyte }) });
      }
      if (type === 'integer' || type === 'number') {
        add(`body ${name} past 2^63`, { payload: withRaw(baseBody, name, pastInt64) });
        add(`body ${name} 1e30`, { payload: withRaw(baseBody, name, '1e30') });
        add(`body ${name} 1e400`, { payload: withRaw(baseBody, name, '1e400') });
      }
      if (type === 'object') {
        add(`body ${name} NUL key`, { payload: JSON.stringify({ ...baseBody, [name]: { 'a\u0000': 'x', nested: { deeper: '\u0000' } } }) });
        add(`body ${name} nested 100,000 deep`, { payload: withRaw(baseBody, name, `{"a":${deepArray}`) });
      }
    }
    add('body nested 100,000 deep', { payload: deepArray });
    add('body empty object', { payload: '{}' });
    add('body array', { payload: '[1,2,3]' });
    add('body not JSON', { payload: '{"unterminated":' });
    add('body empty', { payload: '' });
    add('body invalid UTF-8', { payload: Buffer.concat([Buffer.from('{"a":"'), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('"}')]) });
    add('body __proto__', { payload: '{"__proto__":{"polluted":true}}' });
    add('body 2 MB', { payload: JSON.stringify({ ...baseBody, padding: megabyte + megabyte }) });
    add('multipart ending mid-part', { headers: { ...headers, 'content-type': 'multipart/form-data; boundary=x' }, payload: '--x\r\nbroken' });
    add('multipart without boundary', { headers: { ...headers, 'content-type': 'multipart/form-data' }, payload: 'abc' });
    add('multipart NUL file name', {
      headers: { ...headers, 'content-type': 'multipart/form-data; boundary=x' },
      payload: '--x\r\nContent-Disposition: form-data; name="file"; filename*=UTF-8\'\'a%00.png\r\nContent-Type: image/png\r\n\r\n\x89PNG\r\n\x1a\n\r\n--x--\r\n',
    });
    add('form-encoded NUL', { headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' }, payload: 'a=%00&b=%ED%A0%80' });
    add('unsupported media type', { headers: { ...headers, 'content-type': 'text/csv' }, payload: 'a,b' });
  }
  add('unknown query parameter', { url: urlOf(pathValues, queryValues, 'zzz=%00') });
  return attempts.slice(0, casesPerOperation);
}

/** What is wrong with an answer, or null. */
function judge(attempt: Attempt, response: { statusCode: number; headers: Record<string, unknown>; body: string }): string | null {
  const where = `${attempt.method} ${attempt.url.slice(0, 100)} (${attempt.name})`;
  const { statusCode } = response;
  if (statusCode >= 500) return `${where}: ${statusCode} ${response.body.slice(0, 200)}`;
  // A 304 keeps the cached answer's policy; every other answer carries its own (security-headers.ts).
  if (statusCode !== 304 && (!response.headers['content-security-policy'] || response.headers['x-content-type-options'] !== 'nosniff')) {
    return `${where}: ${statusCode} without a Content-Security-Policy and nosniff`;
  }
  if (statusCode < 400) return null;
  const type = String(response.headers['content-type'] ?? '');
  if (attempt.url.startsWith('/open311')) {
    // GeoReport's own errors, as XML or JSON; an error met before any route is a problem document.
    if (type.includes('xml') && /<errors>[\s\S]*<error>[\s\S]*<code>/.test(response.body)) return null;
    try {
      const body = JSON.parse(response.body) as unknown;
      if (Array.isArray(body) && body.every((error) => typeof error?.code === 'number' && typeof error?.description === 'string')) return null;
    } catch { /* judged below */ }
  }
  if (!type.startsWith('application/problem+json')) return `${where}: ${statusCode} as ${type}: ${response.body.slice(0, 120)}`;
  try {
    const problem = JSON.parse(response.body) as Record<string, unknown>;
    if (typeof problem.type !== 'string' || typeof problem.title !== 'string' || problem.status !== statusCode || typeof problem.detailFa !== 'string') {
      return `${where}: ${statusCode} not a problem document: ${response.body.slice(0, 120)}`;
    }
  } catch {
    return `${where}: ${statusCode} body is not JSON`;
  }
  return null;
}

t.test('every documented route refuses hostile input with a 4xx problem document, never a 5xx', async (t) => {
  const api: TestApi = await startTestApi(t);
  const { app } = api;
  const world = await populate(t, api);
  const spec = (await app.inject({ url: '/docs/json' })).json() as Spec;
  // Signing out everywhere ends the caller's token: last.
  const operations = Object.entries(spec.paths)
    .flatMap(([path, methods]) => Object.entries(methods).map(([method, operation]) => ({ method: method.toUpperCase(), path, operation })))
    .sort((a, b) => Number(a.path === '/api/auth/sessions') - Number(b.path === '/api/auth/sessions'));
  let address = 0;
  /** Each request from its own address, so rate limits never hide what a route does with the input. */
  const send = (attempt: Attempt) => {
    address++;
    return app.inject({
      method: attempt.method as 'GET', url: attempt.url, headers: attempt.headers, payload: attempt.payload,
      remoteAddress: `10.${(address >> 16) & 255}.${(address >> 8) & 255}.${address & 255}`,
    });
  };

  const faults: string[] = [];
  const doorKept: string[] = [];
  let sent = 0;
  const started = Date.now();
  for (const { method, path, operation } of operations) {
    const route = `${method} ${path}`;
    const signedIn = Boolean(operation.security?.length);
    // The first caller the route lets in, judged on the unspoiled request.
    let headers: Record<string, string> = {};
    if (signedIn) {
      for (const caller of doorOpeners) {
        const candidate = world.tokens.get(caller)!;
        const { unspoiled } = partsOf(method, path, operation, world, candidate);
        const response = await send(unspoiled);
        sent++;
        const fault = judge(unspoiled, response);
        if (fault) faults.push(fault);
        headers = candidate;
        if (response.statusCode !== 401 && response.statusCode !== 403) break;
      }
    }
    // Without a token, a bad body is refused for who is asking, not for what was sent; and a route that asks must say so in its document.
    const stranger: Attempt = {
      name: 'anonymous, bad body', method, url: path.replace(/\{\w+\}/g, '1'), headers: { 'content-type': 'application/json' },
      payload: method === 'GET' || method === 'HEAD' ? undefined : '{"zzz": [1, {"deep": "\\u0000"}]}',
    };
    const anonymous = await send(stranger);
    sent++;
    const strangerFault = judge(stranger, anonymous);
    if (strangerFault) faults.push(strangerFault);
    if (signedIn && anonymous.statusCode !== 401) doorKept.push(`${route}: anonymous with a bad body got ${anonymous.statusCode}`);
    if (!signedIn && anonymous.statusCode === 401) doorKept.push(`${route}: asks for a token but its OpenAPI entry names no security`);
    for (const attempt of attemptsFor(method, path, operation, world, headers)) {
      const response = await send(attempt);
      sent++;
      const fault = judge(attempt, response);
      if (fault) faults.push(fault);
    }
  }
  const seconds = (Date.now() - started) / 1000;
  t.comment(`${sent} requests over ${operations.length} operations in ${seconds.toFixed(1)} s`);
  t.ok(operations.length > 60, `the document lists the routes (${operations.length})`);
  t.ok(sent > 1200, `enough cases (${sent})`);
  t.same(faults, [], 'every answer is a success or a 4xx problem document (GeoReport errors on /open311)');
  t.same(doorKept, [], 'every signed-in route asks who is calling before it reads the body');

  const after = await app.inject({ url: '/api/services' });
  t.equal(after.statusCode, 200, 'the server is still up and answers normally');
  t.equal((await app.inject({ url: '/api/auth/me', headers: world.tokens.get('clerk') })).statusCode, 200, 'and signed-in callers still get in');
});
