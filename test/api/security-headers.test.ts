// The security headers each kind of answer carries: pages get a policy that
// runs only our own scripts (test/portal and test/modeler show the pages
// still work under it in Chromium), everything else one that runs nothing;
// the sandbox bank's page its own, and a 304 leaves the cached policy alone.
// The fuzz test (fuzz.test.ts) checks every answer of every route carries a
// policy and nosniff.
import { createHash } from 'node:crypto';
import Fastify from 'fastify';
import t from 'tap';
import context from '../../api/plugins/app/context.ts';
import securityHeaders, { attachmentDisposition, inertPolicy } from '../../api/plugins/app/security-headers.ts';
import { readConfig } from '../../platform/config.ts';
import { multipart, treePruningForm } from './fixtures.ts';
import { signInCitizen, startTestApi, testSecret } from './helpers.ts';

/** A policy's directives by name. */
const directives = (policy: unknown) => new Map(String(policy).split(';').map((part) => {
  const [name, ...values] = part.trim().split(/\s+/);
  return [name!, values.join(' ')] as const;
}));

t.test('pages, downloads and everything else', async (t) => {
  const api = await startTestApi(t);
  const { app } = api;

  for (const url of ['/', '/staff', '/verify/ABCD-EFGH-JKLM']) {
    const page = await app.inject({ url });
    t.match(page.headers['content-type'], /^text\/html/, `${url} is a page`);
    const policy = directives(page.headers['content-security-policy']);
    t.equal(policy.get('script-src'), "'self'", `${url}: only our own scripts, none inline`);
    t.equal(policy.get('style-src'), "'self'", `${url}: only our own style sheets`);
    t.equal(policy.get('object-src'), "'none'");
    t.equal(policy.get('frame-ancestors'), "'none'", `${url}: framed by no one`);
    t.equal(policy.get('base-uri'), "'none'");
    t.match(policy.get('form-action'), /^'self'/, `${url}: forms go to us (and the bank)`);
    t.match(page.headers, {
      'x-content-type-options': 'nosniff', 'x-frame-options': 'DENY', 'referrer-policy': 'no-referrer',
      'cross-origin-opener-policy': 'same-origin', 'cross-origin-resource-policy': 'same-origin', 'permissions-policy': /camera=\(\)/,
    }, `${url}: the usual headers`);
    t.notOk(page.headers['strict-transport-security'], 'no HSTS on a plain-HTTP address');
  }

  const docs = directives((await app.inject({ url: '/docs' })).headers['content-security-policy']);
  t.equal(docs.get('script-src'), "'self'", 'Swagger UI: no inline scripts either');
  t.equal(docs.get('style-src'), "'self' 'unsafe-inline'", 'Swagger UI writes its own style markup');

  for (const url of ['/api/services', '/api/requests', '/docs/json', '/no/such/thing', '/health']) {
    const answer = await app.inject({ url });
    t.equal(answer.headers['content-security-policy'], inertPolicy, `${url} (${answer.statusCode}): nothing runs`);
    t.equal(answer.headers['x-content-type-options'], 'nosniff');
  }
  t.equal((await app.inject({ url: '/open311/v2/services.json' })).headers['cross-origin-resource-policy'], 'cross-origin', 'Open311 is for other sites to read');

  // A reload of a page asks whether it changed; the 304 must not replace the page's policy with the inert one.
  const script = await app.inject({ url: '/portal/citizen.js' });
  t.equal(script.statusCode, 200);
  const unchanged = await app.inject({ url: '/portal/citizen.js', headers: { 'if-none-match': String(script.headers.etag) } });
  t.equal(unchanged.statusCode, 304);
  t.notOk(unchanged.headers['content-security-policy'], 'a 304 carries no policy, so the cached one stands');

  await t.test('an uploaded document downloads inert, under the name it was given and no other', async (t) => {
    const owner = await signInCitizen(api, '0013542419', '09121234567');
    const filed = await app.inject({ method: 'POST', url: '/api/requests', headers: owner, payload: { serviceId: 'tree-pruning', districtId: 12, form: treePruningForm } });
    const documents = `/api/requests/${filed.json().trackingCode}/documents`;
    const name = "سند (۱)'s*.pdf";
    const upload = multipart(name, 'application/pdf', Buffer.from('%PDF-1.7\n<script>alert(1)</script>'));
    const stored = await app.inject({ method: 'POST', url: `${documents}?kind=photo`, headers: { ...owner, ...upload.headers }, payload: upload.payload });
    t.equal(stored.statusCode, 201, stored.body);
    const download = await app.inject({ url: `${documents}/${stored.json().id}`, headers: owner });
    t.equal(download.statusCode, 200);
    t.equal(download.headers['content-type'], 'application/pdf');
    t.equal(download.headers['content-security-policy'], inertPolicy, 'no script runs, even in a browser tab');
    t.equal(download.headers['x-content-type-options'], 'nosniff', 'the browser takes the type as given');
    const disposition = String(download.headers['content-disposition']);
    t.match(disposition, /^attachment; filename="[\x20-\x7e]*"; filename\*=UTF-8''[A-Za-z0-9%._~-]+$/, `a download, every unsafe byte encoded: ${disposition}`);
    t.equal(decodeURIComponent(disposition.split("''")[1]!), name, 'the name comes back whole');
  });

  await t.test("the sandbox bank's page: its own inline style by hash, its form back to itself and the merchant", async (t) => {
    const opened = await app.inject({
      method: 'POST', url: '/sandbox-gateway/token', payload: { orderId: 'headers-1', amount: 10_000, callbackUrl: 'https://merchant.example/api/payments/callback' },
    });
    t.equal(opened.statusCode, 200, opened.body);
    const page = await app.inject({ url: `/sandbox-gateway/pay/${opened.json().token}` });
    t.equal(page.statusCode, 200);
    const policy = directives(page.headers['content-security-policy']);
    t.equal(policy.get('default-src'), "'none'", 'no script at all');
    const style = /<style>([^<]*)<\/style>/.exec(page.body)![1]!;
    t.equal(policy.get('style-src'), `'sha256-${createHash('sha256').update(style).digest('base64')}'`, 'its one style sheet, by hash');
    t.equal(policy.get('form-action'), "'self' https://merchant.example", 'the form posts here and the answer redirects to the merchant');
    t.notMatch(page.body, /style="/, 'no style attributes');
  });
});

t.test('HSTS when the platform is reached over HTTPS', async (t) => {
  const app = Fastify();
  t.teardown(() => app.close());
  const config = readConfig({ JWT_SECRET: testSecret, PUBLIC_URL: 'https://e.mashhad.ir' });
  await app.register(context, { config, db: undefined as never, zeebe: undefined as never });
  await app.register(securityHeaders);
  app.get('/', async (_request, reply) => reply.type('text/html; charset=utf-8').send('<!doctype html><title>x</title>'));
  const page = await app.inject({ url: '/' });
  t.equal(page.headers['strict-transport-security'], 'max-age=31536000');
  t.equal(directives(page.headers['content-security-policy']).get('form-action'), "'self' https://e.mashhad.ir", 'forms may go to the public address');
});

t.test('a download is never a page, whatever type it claims', async (t) => {
  const app = Fastify();
  t.teardown(() => app.close());
  await app.register(context, { config: readConfig({ JWT_SECRET: testSecret }), db: undefined as never, zeebe: undefined as never });
  await app.register(securityHeaders);
  app.get('/file', async (_request, reply) => reply.type('text/html; charset=utf-8').header('content-disposition', attachmentDisposition('page.html')).send('<script>alert(1)</script>'));
  const file = await app.inject({ url: '/file' });
  t.equal(file.headers['content-security-policy'], inertPolicy);
  t.equal(attachmentDisposition('a"b\\c\r\nX-Evil: 1.pdf'), `attachment; filename="a_b_c__X-Evil: 1.pdf"; filename*=UTF-8''a%22b%5Cc%0D%0AX-Evil%3A%201.pdf`, 'no header injection, no escape from the quotes');
});
