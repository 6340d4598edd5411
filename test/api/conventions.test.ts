// The conventions every route shares: problem details with the failing field's
// path and a Persian message, no 500 for anything a client sends, Persian
// digits and Arabic letters normalised, OpenAPI for every route.
import t from 'tap';
import { startTestApi } from './helpers.ts';

interface OpenApiOperation {
  parameters?: Array<{ in: string; name: string; schema?: unknown }>;
  requestBody?: { content?: Record<string, { schema?: unknown }> };
}

t.test('conventions', async (t) => {
  const api = await startTestApi(t);
  const { app } = api;

  await t.test('a validation error names each failing field, in English and Persian', async (t) => {
    const response = await app.inject({ method: 'POST', url: '/api/auth/citizen/code', payload: { nationalCode: '1234567890' } });
    t.equal(response.statusCode, 400);
    t.match(response.headers['content-type'], 'application/problem+json');
    const problem = response.json();
    t.match(problem, { type: 'urn:shahrdari:problem:invalid-input', title: 'Bad Request', status: 400 });
    t.same(problem.errors.map((e: { path: string }) => e.path).sort(), ['/body/mobile', '/body/nationalCode']);
    const national = problem.errors.find((e: { path: string }) => e.path === '/body/nationalCode');
    t.match(national.messageFa, 'کد ملی');
  });

  await t.test('Persian and Arabic-Indic digits are accepted and normalised', async (t) => {
    const response = await app.inject({
      method: 'POST', url: '/api/auth/citizen/code',
      payload: { nationalCode: '۰۰۱۳۵۴۲۴۱۹', mobile: '٠٩١٢١٢٣٤٥٦٧' },
    });
    t.equal(response.statusCode, 202, response.body);
    t.ok(await api.db('sign_in_codes').where({ national_code: '0013542419', mobile: '09121234567' }).first());
  });

  await t.test('malformed JSON, a wrong content type, an oversized body and an unknown route are 4xx problems', async (t) => {
    const malformed = await app.inject({ method: 'POST', url: '/api/auth/staff/token', headers: { 'content-type': 'application/json' }, payload: '{"username":' });
    t.equal(malformed.statusCode, 400);
    t.match(malformed.json(), { status: 400, detailFa: String });
    const wrongType = await app.inject({ method: 'POST', url: '/api/auth/staff/token', headers: { 'content-type': 'text/csv' }, payload: 'a,b' });
    t.equal(wrongType.statusCode, 415);
    const huge = await app.inject({ method: 'POST', url: '/api/auth/staff/token', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ username: 'x'.repeat(2 * 1024 * 1024), password: 'y' }) });
    t.equal(huge.statusCode, 413);
    const empty = await app.inject({ method: 'POST', url: '/api/auth/staff/token', headers: { 'content-type': 'application/json' }, payload: '' });
    t.equal(empty.statusCode, 400);
    const missing = await app.inject({ url: '/api/no-such-thing' });
    t.equal(missing.statusCode, 404);
    t.match(missing.json(), { status: 404, title: 'Not Found' });
  });

  await t.test('a server fault is a bare 500 without its message', async (t) => {
    const broken = await startTestApi(t);
    await broken.db.schema.dropTable('sign_in_codes');
    const response = await broken.app.inject({ method: 'POST', url: '/api/auth/citizen/code', payload: { nationalCode: '3974017844', mobile: '09351234567' } });
    t.equal(response.statusCode, 500);
    t.notMatch(response.body, /sign_in_codes|relation|stack/);
    t.match(response.json(), { status: 500, detailFa: String });
  });

  await t.test('every integer a client sends is range-checked by its schema', async (t) => {
    // An unbounded integer passes ajv as 1e30 and fails in PostgreSQL; the schema is where the range belongs.
    const spec = (await app.inject({ url: '/docs/json' })).json() as { paths: Record<string, Record<string, OpenApiOperation>> };
    const unbounded: string[] = [];
    const checked: string[] = [];
    const visit = (schema: unknown, where: string) => {
      const pending: Array<[unknown, string]> = [[schema, where]];
      while (pending.length > 0) {
        const [node, at] = pending.pop()!;
        if (!node || typeof node !== 'object') continue;
        const { type, minimum, maximum, properties, items, additionalProperties } = node as Record<string, unknown>;
        const types = Array.isArray(type) ? type : [type];
        if (types.includes('integer') || types.includes('number')) {
          const safe = (bound: unknown) => typeof bound === 'number' && Math.abs(bound) <= Number.MAX_SAFE_INTEGER;
          checked.push(at);
          if (!safe(minimum) || !safe(maximum)) unbounded.push(at);
        }
        for (const [name, child] of Object.entries((properties ?? {}) as Record<string, unknown>)) pending.push([child, `${at}/${name}`]);
        if (items) pending.push([items, `${at}/items`]);
        if (additionalProperties && typeof additionalProperties === 'object') pending.push([additionalProperties, `${at}/*`]);
      }
    };
    for (const [path, operations] of Object.entries(spec.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        for (const parameter of operation.parameters ?? []) visit(parameter.schema, `${method.toUpperCase()} ${path} ${parameter.in}/${parameter.name}`);
        for (const [type, content] of Object.entries(operation.requestBody?.content ?? {})) visit(content.schema, `${method.toUpperCase()} ${path} body(${type})`);
      }
    }
    t.ok(checked.some((at) => at.includes('version')), 'the modeler\'s version numbers are among those checked');
    t.same(unbounded, [], 'integers and numbers without a minimum and maximum');
  });

  await t.test('OpenAPI lists every API route with tags and a response schema', async (t) => {
    const response = await app.inject({ url: '/docs/json' });
    t.equal(response.statusCode, 200);
    const spec = response.json();
    const ours = Object.entries(spec.paths as Record<string, Record<string, { tags?: string[]; responses?: object }>>)
      .filter(([path]) => path.startsWith('/api/') && !path.startsWith('/api/processes'));
    t.ok(ours.length > 0);
    for (const [path, operations] of ours) {
      for (const [method, operation] of Object.entries(operations)) {
        t.ok(operation.tags?.length, `${method} ${path} has tags`);
        t.ok(operation.responses && Object.keys(operation.responses).some((code) => code.startsWith('2') || code.startsWith('3')), `${method} ${path} documents its answer`);
      }
    }
  });
});

t.test('Prometheus metrics count requests by route pattern, never by tracking code', async (t) => {
  const { app } = await startTestApi(t);
  await app.inject({ url: '/api/services' });
  await app.inject({ url: '/api/requests/1234567890' });
  const response = await app.inject({ url: '/metrics' });
  t.equal(response.statusCode, 200);
  t.match(response.headers['content-type'], 'text/plain');
  t.match(response.body, /http_request_duration_seconds_count\{method="GET",route="\/api\/services",status="200"\} 1/);
  t.match(response.body, /route="\/api\/requests\/:trackingCode",status="401"/);
  t.notMatch(response.body, /1234567890/);
  t.match(response.body, /shahrdari_requests_unstarted 0/);
});
