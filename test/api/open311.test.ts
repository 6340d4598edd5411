// Open311 GeoReport v2: the catalogue as services, start-form fields as
// attributes, requests by tracking code without personal data, and filing
// with an api_key.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { createKnex } from '../../platform/database.ts';
import { createTestDatabaseUrl } from '../helpers/database.ts';
import { signInCitizen, startTestApi } from './helpers.ts';
import { deployStandIn, recordJobs, treePruningForm, waitFor } from './fixtures.ts';
import { createOpen311ClientService, demoOpen311Key } from '../../api/plugins/app/open311-clients.ts';
import { foldBody, parseForm } from '../../api/routes/open311/form-body.ts';
import { services } from '../../processes/catalogue/index.ts';

t.test('open311', async (t) => {
  const api = await startTestApi(t);
  const { app } = api;
  const zahra = await signInCitizen(api, '0013542419', '09121234567');
  const filed = (await app.inject({ method: 'POST', url: '/api/requests', headers: zahra, payload: { serviceId: 'tree-pruning', districtId: 12, form: treePruningForm } })).json();

  const list = (await app.inject({ url: '/open311/v2/services.json' })).json();
  t.equal(list.length, services.length);
  t.match(list.find((s: { service_code: string }) => s.service_code === 'tree-pruning'), { service_name: 'هرس درختان', metadata: true, group: String });

  const definition = (await app.inject({ url: '/open311/v2/services/tree-pruning.json' })).json();
  t.match(definition.attributes.find((a: { code: string }) => a.code === 'urgency'), { datatype: 'singlevaluelist', required: true, values: [{ key: 'normal' }, { key: 'urgent' }] });
  const missing = await app.inject({ url: '/open311/v2/services/no-such.json' });
  t.equal(missing.statusCode, 404);
  t.match(missing.json(), [{ code: 404, description: String }]);
  t.equal((await app.inject({ url: '/open311/v2/services/tree-pruning.xml' })).statusCode, 400);

  const one = await app.inject({ url: `/open311/v2/requests/${filed.trackingCode}.json` });
  t.match(one.json(), [{ service_request_id: filed.trackingCode, status: 'open', service_code: 'tree-pruning', agency_responsible: 'District 12' }]);
  t.notMatch(one.body, /0013542419|زهرا|بلوار/, 'no personal data');
  t.equal((await app.inject({ url: '/open311/v2/requests/1111111111.json' })).statusCode, 404);
  const found = (await app.inject({ url: `/open311/v2/requests.json?service_code=tree-pruning&status=open` })).json();
  t.equal(found.length, 1);
  t.equal((await app.inject({ url: '/open311/v2/requests.json?status=closed' })).json().length, 0);
  const tooLong = await app.inject({ url: '/open311/v2/requests.json?start_date=2026-01-01T00:00:00Z&end_date=2026-11-01T00:00:00Z' });
  t.equal(tooLong.statusCode, 400);
  t.match(tooLong.json(), [{ code: 400 }]);
  t.equal((await app.inject({ url: '/open311/v2/discovery.json' })).statusCode, 200);
});

// Filing through GeoReport v2: a client application with an api_key posts a
// form-encoded request; it goes through the same submit and start as the API.
t.test('open311 POST requests.json', async (t) => {
  const api = await startTestApi(t);
  const { app, db, zeebe } = api;
  await deployStandIn(zeebe, 'tree-pruning');
  await deployStandIn(zeebe, 'complaint');
  const jobs = recordJobs(t, zeebe);
  const clients = createOpen311ClientService(db);
  const { client, apiKey } = await clients.issue('شهرم (test app)');

  const treePruning = {
    api_key: apiKey, service_code: 'tree-pruning', lat: '36.2970', long: '59.6062',
    first_name: 'زهرا', last_name: 'کریمی', phone: '۰۹۱۲۱۲۳۴۵۶۷', description: 'شاخه‌ها روی سیم برق افتاده است.',
    media_url: 'https://example.org/tree.jpg', device_id: 'device-1',
    'attribute[nationalCode]': '۰۰۱۳۵۴۲۴۱۹', 'attribute[treeCount]': '۳', 'attribute[urgency]': 'urgent', 'attribute[declaration]': 'true',
  };
  const post = (fields: Record<string, string>, headers: Record<string, string> = {}) => app.inject({
    method: 'POST', url: '/open311/v2/requests.json',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    payload: new URLSearchParams(fields).toString(),
  });
  const without = (name: string) => Object.fromEntries(Object.entries(treePruning).filter(([key]) => key !== name));

  await t.test('a form-encoded request with Persian digits is filed, started and found by its id', async (t) => {
    const response = await post(treePruning);
    t.equal(response.statusCode, 201, response.body);
    const [created] = response.json();
    t.match(created, { service_request_id: /^[0-9]{10}$/, service_notice: /کد رهگیری.*Filed with tracking code/s, account_id: String });
    const row = await db('requests').where({ tracking_code: created.service_request_id }).first();
    t.match(row, { service_id: 'tree-pruning', district_id: 12, channel: 'portal' });
    t.match(row.form, { citizenName: 'زهرا کریمی', nationalCode: '0013542419', mobile: '09121234567', treeCount: 3, urgency: 'urgent', declaration: true, description: 'شاخه‌ها روی سیم برق افتاده است.' });
    t.match(row.form.address, '36.297, 59.6062', 'lat/long stand in for the address when no address_string is sent');
    const citizen = await db('citizens').where({ id: row.citizen_id }).first();
    t.equal(created.account_id, citizen.id);
    t.match(await db('open311_requests').where({ request_id: row.id }).first(), { client_id: client.id, lat: 36.297, long: 59.6062, media_url: 'https://example.org/tree.jpg', device_id: 'device-1' });
    const started = await waitFor(() => jobs.find((job) => job.type === 'test.started' && job.variables.trackingCode === created.service_request_id), 'the process instance');
    t.match(started.variables, { serviceId: 'tree-pruning', districtId: 12, channel: 'portal', citizen: { nationalCode: '0013542419', mobile: '09121234567' } });

    const followed = await app.inject({ url: `/open311/v2/requests/${created.service_request_id}.json` });
    t.equal(followed.statusCode, 200);
    t.match(followed.json(), [{ service_request_id: created.service_request_id, status: 'open', service_code: 'tree-pruning' }]);
  });

  await t.test('JSON is accepted too, with attributes as an object and a jurisdiction', async (t) => {
    const response = await app.inject({
      method: 'POST', url: '/open311/v2/requests.json',
      payload: {
        api_key: apiKey, service_code: 'complaint', jurisdiction_id: '۱۲', first_name: 'علی', last_name: 'رضایی', phone: '+989351234567',
        description: 'دو هفته است که چراغ کوچه روشن نمی‌شود.',
        attribute: { nationalCode: '3974017844', subject: 'چراغ معبر', complaintAbout: 'service', declaration: true },
      },
    });
    t.equal(response.statusCode, 201, response.body);
    const row = await db('requests').where({ tracking_code: response.json()[0].service_request_id }).first();
    t.match(row.form, { citizenName: 'علی رضایی', mobile: '09351234567', details: 'دو هفته است که چراغ کوچه روشن نمی‌شود.' });
  });

  await t.test('without a valid api_key: 403', async (t) => {
    const missing = await post(without('api_key'));
    t.equal(missing.statusCode, 403);
    t.match(missing.json(), [{ code: 403, description: /api_key.*کلید/ }]);
    t.equal((await post({ ...treePruning, api_key: 'o311_not-a-key' })).statusCode, 403);
    const revoked = await clients.issue('revoked app');
    t.ok(await clients.revoke(revoked.client.id));
    t.equal((await post({ ...treePruning, api_key: revoked.apiKey })).statusCode, 403);
  });

  await t.test('an unknown service, an unknown district or a service the district does not offer: 404', async (t) => {
    const unknown = await post({ ...treePruning, service_code: 'no-such-service' });
    t.equal(unknown.statusCode, 404);
    t.match(unknown.json(), [{ code: 404, description: /no-such-service/ }]);
    const nowhere = await post({ ...treePruning, jurisdiction_id: '77' });
    t.equal(nowhere.statusCode, 404);
    t.match(nowhere.json(), [{ code: 404, description: /jurisdiction_id/ }]);
    const notOffered = await post({ ...treePruning, jurisdiction_id: '5' });
    t.equal(notOffered.statusCode, 404);
    t.match(notOffered.json(), [{ code: 404, description: /not offered in district 5.*هرس درختان/s }]);
  });

  await t.test('bad input is a 400 naming each field, never a 500', async (t) => {
    const noTrees = await post(without('attribute[treeCount]'));
    t.equal(noTrees.statusCode, 400);
    t.match(noTrees.json(), [{ code: 400, description: /^attribute\[treeCount\]: .* — / }]);

    const badCode = await post({ ...treePruning, 'attribute[nationalCode]': '1234567890' });
    t.equal(badCode.statusCode, 400);
    t.match(badCode.json(), [{ code: 400, description: /^attribute\[nationalCode\]: must be a valid national-code — کد ملی/ }]);

    const several = await post({ ...without('phone'), 'attribute[treeCount]': 'سه', 'attribute[colour]': 'green' });
    t.equal(several.statusCode, 400);
    const described = several.json().map((error: { description: string }) => error.description).join('\n');
    t.match(described, /attribute\[treeCount\]/);
    t.match(described, /attribute\[mobile\] \(or phone\)/, 'a field GeoReport also names is given both names');
    t.match(described, /attribute\[colour\]/, 'an attribute the service does not have');

    const halfPlace = await post(without('long'));
    t.equal(halfPlace.statusCode, 400);
    t.match(halfPlace.json(), [{ description: /lat, long/ }]);
    t.equal((await post({ ...treePruning, lat: '123' })).statusCode, 400);

    const noService = await post(without('service_code'));
    t.equal(noService.statusCode, 400);
    t.match(noService.json(), [{ description: /service_code/ }]);

    const otherMobile = await post({ ...treePruning, phone: '09127654321' });
    t.equal(otherMobile.statusCode, 400, 'a national code keeps its registered mobile');
    t.match(otherMobile.json(), [{ description: /attribute\[mobile\].*شماره همراه دیگری/ }]);

    for (const [type, payload] of [['text/plain', 'hello'], ['application/json', '{"api_key":'], ['application/json', '[1,2]'], ['application/x-www-form-urlencoded', '%%%']]) {
      const response = await app.inject({ method: 'POST', url: '/open311/v2/requests.json', headers: { 'content-type': type! }, payload: payload! });
      t.ok(response.statusCode >= 400 && response.statusCode < 500, `${type} ${payload}: ${response.statusCode}`);
      t.match(response.json(), [{ code: Number, description: String }]);
    }
  });

  await t.test('a retry with the same Idempotency-Key returns the first request', async (t) => {
    const before = await db('requests').count<{ count: string }[]>('* as count');
    const first = await post(treePruning, { 'idempotency-key': 'retry-1' });
    const second = await post(treePruning, { 'idempotency-key': 'retry-1' });
    t.equal(first.statusCode, 201);
    t.equal(second.statusCode, 201);
    t.equal(second.json()[0].service_request_id, first.json()[0].service_request_id);
    const after = await db('requests').count<{ count: string }[]>('* as count');
    t.equal(Number(after[0]!.count), Number(before[0]!.count) + 1);
    const changed = await post({ ...treePruning, 'attribute[treeCount]': '4' }, { 'idempotency-key': 'retry-1' });
    t.equal(changed.statusCode, 400, 'the same key for a different request is refused');
  });

  await t.test('OpenAPI describes the route with both body types and GeoReport errors', async (t) => {
    const operation = (await app.inject({ url: '/docs/json' })).json().paths['/open311/v2/requests.json'].post;
    t.same(operation.tags, ['open311']);
    t.same(Object.keys(operation.requestBody.content).sort(), ['application/json', 'application/x-www-form-urlencoded']);
    t.ok(operation.requestBody.content['application/x-www-form-urlencoded'].schema.properties.api_key);
    t.same(Object.keys(operation.responses).sort(), ['201', '400', '403', '404']);
  });

  await t.test('services.json and requests.json by jurisdiction', async (t) => {
    t.equal((await app.inject({ url: '/open311/v2/services.json?jurisdiction_id=12' })).json().length, services.length);
    t.same((await app.inject({ url: '/open311/v2/services.json?jurisdiction_id=5' })).json(), []);
    t.ok((await app.inject({ url: '/open311/v2/requests.json?jurisdiction_id=۱۲' })).json().length > 0, 'Persian digits too');
    t.same((await app.inject({ url: '/open311/v2/requests.json?jurisdiction_id=5' })).json(), []);
  });

  await t.test('the form body: attribute lists, the first of a repeated name, no prototype keys', async (t) => {
    t.same(parseForm('a=1&a=2&attribute[x]=p&attribute[x]=q&attribute[m][]=1&attribute[m][]=2&__proto__=z&attribute[__proto__]=z'),
      { a: '1', attribute: { x: 'p', m: ['1', '2'] } });
    t.same(foldBody({ api_key: 'k', 'attribute[x]': 'p', attribute: { y: 1 } }), { api_key: 'k', attribute: { y: 1, x: 'p' } });
    t.same(foldBody('text'), {});
  });
});

t.test('the demo seed holds a known Open311 key', async (t) => {
  const { app, zeebe } = await startTestApi(t, {}, { DEMO_SEED: 'true' });
  await deployStandIn(zeebe, 'complaint');
  const response = await app.inject({
    method: 'POST', url: '/open311/v2/requests.json', headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({
      api_key: demoOpen311Key, service_code: 'complaint', phone: '09121234567', first_name: 'زهرا', last_name: 'کریمی', description: 'چراغ کوچه خاموش است.',
      'attribute[nationalCode]': '0013542419', 'attribute[subject]': 'چراغ معبر', 'attribute[complaintAbout]': 'service', 'attribute[declaration]': 'true',
    }).toString(),
  });
  t.equal(response.statusCode, 201, response.body);
});

t.test('operators issue, list and revoke api_keys with bin/open311-client.ts', async (t) => {
  const url = await createTestDatabaseUrl(t);
  const db = createKnex(url);
  t.teardown(() => db.destroy());
  const run = (...args: string[]) => new Promise<{ code: number | null; output: string }>((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('../../bin/open311-client.ts', import.meta.url)), ...args], {
      env: { ...process.env, DATABASE_URL: url, LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('exit', (code) => resolve({ code, output }));
  });

  const issued = await run('issue', 'شهرم');
  t.equal(issued.code, 0, issued.output);
  const apiKey = /api_key: (\S+)/.exec(issued.output)![1]!;
  const clients = createOpen311ClientService(db);
  const client = await clients.verify(apiKey);
  t.match(client, { name: 'شهرم', key_prefix: apiKey.slice(0, 12) });
  t.notOk(await db('open311_clients').where({ key_hash: apiKey }).first(), 'the key itself is not stored');

  const listed = await run('list');
  t.match(listed.output, `${client!.id}  ${apiKey.slice(0, 12)}…  live`);
  t.notMatch(listed.output, apiKey);
  const revoked = await run('revoke', client!.id);
  t.equal(revoked.code, 0, revoked.output);
  t.notOk(await clients.verify(apiKey));
  t.not((await run('revoke', client!.id)).code, 0, 'revoking twice says so');
  t.not((await run('issue')).code, 0, 'a name is needed');
});
