// The input gate, case by case: each value that used to reach a handler, the
// database or the stack and end as a 500 is now a 400 (or 414, 415, 431)
// problem document that names the field. Through app.inject() against real
// PostgreSQL, and over a real socket for what only Node's HTTP parser sees.
import net from 'node:net';
import t, { type Test } from 'tap';
import { deployStandIn, treePruningForm } from './fixtures.ts';
import { signInCitizen, signInStaff, startTestApi } from './helpers.ts';

const citizen = { nationalCode: '0013542419', mobile: '09121234567' };

/** A problem document with the status, and the failing field's path when given. */
function isProblem(t: Test, response: { statusCode: number; headers: Record<string, unknown>; body: string }, status: number, path?: string) {
  t.equal(response.statusCode, status, response.body.slice(0, 300));
  t.match(String(response.headers['content-type']), /^application\/problem\+json/);
  const body = JSON.parse(response.body);
  t.match(body, { type: String, title: String, status, detailFa: String });
  if (path) t.ok(body.errors?.some((error: { path: string }) => error.path === path), `names ${path}: ${response.body.slice(0, 300)}`);
}

t.test('hostile input is refused with a problem document, never a 500', async (t) => {
  const api = await startTestApi(t);
  const { app, db, zeebe } = api;
  await deployStandIn(zeebe, 'tree-pruning');
  const owner = await signInCitizen(api, citizen.nationalCode, citizen.mobile);
  const analyst = await signInStaff(api, 'analyst-hostile', 'analyst');
  const filed = await app.inject({ method: 'POST', url: '/api/requests', headers: { authorization: owner.authorization }, payload: { serviceId: 'tree-pruning', districtId: 12, form: treePruningForm } });
  t.equal(filed.statusCode, 201, filed.body);
  const { trackingCode } = filed.json();
  const json = (payload: string) => ({ headers: { 'content-type': 'application/json', authorization: owner.authorization }, payload });

  await t.test('JSON nested 100,000 deep, even where no sign-in is needed', async (t) => {
    const response = await app.inject({ method: 'POST', url: '/api/auth/citizen/code', headers: { 'content-type': 'application/json' }, payload: '['.repeat(100_000) });
    isProblem(t, response, 400, '/body');
    t.match(response.json(), { type: 'urn:shahrdari:problem:too-deep' });
    const inside = await app.inject({ method: 'POST', url: '/api/requests', ...json(`{"serviceId":"tree-pruning","districtId":12,"form":{"a":${'['.repeat(100_000)}}}`) });
    isProblem(t, inside, 400, '/body');
  });

  await t.test('NUL in a username, a query filter, a rating comment, an Idempotency-Key', async (t) => {
    isProblem(t, await app.inject({ method: 'POST', url: '/api/auth/staff/token', payload: { username: 'clerk\u0000', password: 'x' } }), 400, '/body/username');
    isProblem(t, await app.inject({ url: '/api/requests?status=%00', headers: { authorization: owner.authorization } }), 400, '/query/status');
    isProblem(t, await app.inject({ method: 'POST', url: `/api/requests/${trackingCode}/rating`, headers: { authorization: owner.authorization }, payload: { score: 5, comment: 'خوب\u0000' } }), 400, '/body/comment');
    isProblem(t, await app.inject({
      method: 'POST', url: '/api/requests', headers: { authorization: owner.authorization, 'idempotency-key': 'k\u0000' },
      payload: { serviceId: 'tree-pruning', districtId: 12, form: treePruningForm },
    }), 400, '/headers/idempotency-key');
  });

  await t.test('a lone surrogate in form text, with the form field named', async (t) => {
    const response = await app.inject({ method: 'POST', url: '/api/requests', headers: { authorization: owner.authorization }, payload: { serviceId: 'tree-pruning', districtId: 12, form: { ...treePruningForm, address: 'خیابان \ud800' } } });
    isProblem(t, response, 400, '/body/form/address');
  });

  await t.test('invalid UTF-8, numbers past 2^63 and past what JSON numbers hold', async (t) => {
    const bytes = Buffer.concat([Buffer.from('{"nationalCode":"'), Buffer.from([0xc3, 0x28]), Buffer.from('","mobile":"09121234567"}')]);
    const invalid = await app.inject({ method: 'POST', url: '/api/auth/citizen/code', headers: { 'content-type': 'application/json' }, payload: bytes });
    isProblem(t, invalid, 400);
    t.match(invalid.json(), { type: 'urn:shahrdari:problem:invalid-utf8' });
    isProblem(t, await app.inject({ method: 'POST', url: '/api/requests', ...json('{"serviceId":"tree-pruning","districtId":9223372036854775808,"form":{}}') }), 400, '/body/districtId');
    isProblem(t, await app.inject({ method: 'POST', url: `/api/requests/${trackingCode}/rating`, ...json('{"score":1e400}') }), 400, '/body/score');
    // Text a schema coerces to a number: ajv turns these into Infinity and lets it past maximum.
    isProblem(t, await app.inject({ url: '/api/services?district=1e400' }), 400, '/query/district');
    isProblem(t, await app.inject({ url: '/api/services?district=-Infinity' }), 400, '/query/district');
    isProblem(t, await app.inject({ method: 'POST', url: `/api/requests/${trackingCode}/rating`, ...json('{"score":"1e400"}') }), 400, '/body/score');
  });

  await t.test('an integer path parameter past PostgreSQL\'s range, and path traversal', async (t) => {
    isProblem(t, await app.inject({ url: '/api/processes/complaint/versions/1e30' }), 400, '/params/version');
    const traversal = await app.inject({ method: 'PUT', url: '/api/processes/..%2F..%2Fetc%2Fpasswd', headers: analyst, payload: { xml: '<x/>' } });
    isProblem(t, traversal, 400, '/params/id');
    t.notMatch(traversal.body, 'is required!', 'no serialisation error leaks out');
  });

  await t.test('broken multipart: a body that ends mid-part, no boundary, a NUL in the file name', async (t) => {
    const upload = (contentType: string, payload: string) => app.inject({
      method: 'POST', url: `/api/requests/${trackingCode}/documents?kind=photo`, headers: { authorization: owner.authorization, 'content-type': contentType }, payload,
    });
    const broken = await upload('multipart/form-data; boundary=x', '--x\r\nbroken');
    isProblem(t, broken, 400);
    t.match(broken.json(), { type: 'urn:shahrdari:problem:malformed-multipart' });
    isProblem(t, await upload('multipart/form-data', 'abc'), 400);
    const png = '\x89PNG\r\n\x1a\n';
    isProblem(t, await upload('multipart/form-data; boundary=x',
      `--x\r\nContent-Disposition: form-data; name="file"; filename*=UTF-8''a%00.png\r\nContent-Type: image/png\r\n\r\n${png}\r\n--x--\r\n`), 400, '/body/file/filename');
    t.equal(await db('documents').count('* as n').first().then((row) => Number(row!.n)), 0, 'nothing was stored');
  });

  await t.test('NUL in a payment callback token, a sandbox gateway path, an Open311 service_code', async (t) => {
    isProblem(t, await app.inject({ url: '/api/payments/callback?token=%00' }), 400, '/query/token');
    isProblem(t, await app.inject({ url: '/sandbox-gateway/pay/%00' }), 400, '/params/token');
    isProblem(t, await app.inject({ url: '/sandbox-gateway/pay/0123456789abcdef0123456789abcdef' }), 404);
    const open311 = await app.inject({ url: '/open311/v2/requests.json?service_code=%00' });
    t.equal(open311.statusCode, 400);
    t.match(open311.json(), [{ code: 400, description: /service_code|query/ }], 'in GeoReport\'s own error format');
  });

  await t.test('Fastify\'s own errors: a bad URL encoding, a path parameter too long', async (t) => {
    const badUrl = await app.inject({ url: '/api/requests/%FF' });
    isProblem(t, badUrl, 400);
    t.match(badUrl.json(), { type: 'urn:shahrdari:problem:bad-url' });
    isProblem(t, await app.inject({ url: `/api/requests/${'1'.repeat(500)}` }), 414);
  });

  await t.test('over a socket: headers too large (431) and a malformed request (400)', async (t) => {
    const address = await app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = new URL(address);
    const raw = (request: string) => new Promise<string>((resolve, reject) => {
      const socket = net.connect(Number(port), '127.0.0.1', () => socket.end(request));
      let answer = '';
      socket.on('data', (chunk) => { answer += chunk; });
      socket.on('close', () => resolve(answer));
      socket.on('error', reject);
    });
    for (const [name, request, status] of [
      ['431', `GET /api/services HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`, 431],
      ['400', 'NONSENSE\r\n\r\n', 400],
    ] as const) {
      const answer = await raw(request);
      t.match(answer, new RegExp(`^HTTP/1.1 ${status} `), name);
      t.match(answer, /content-type: application\/problem\+json/i);
      const body = JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4));
      t.match(body, { status, detailFa: String });
    }
  });

  t.equal((await app.inject({ url: '/api/services' })).statusCode, 200, 'the server is still up');
});
