// Open311 GeoReport v2: the catalogue as services, start-form fields as
// attributes, requests by tracking code without personal data, filing with an
// api_key, jurisdictions and due dates. Every Open311 answer here is held to
// the official GeoReport v2 schemas (open311-conformance.ts).
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { createKnex } from '../../platform/database.ts';
import { createTestDatabaseUrl } from '../helpers/database.ts';
import { signInCitizen, startTestApi } from './helpers.ts';
import { deployStandIn, recordJobs, treePruningForm } from './fixtures.ts';
import { eventually } from '../helpers/eventually.ts';
import { createOpen311ClientService, demoOpen311Key } from '../../api/plugins/app/open311-clients.ts';
import { foldBody, parseForm } from '../../api/routes/open311/form-body.ts';
import { findService, services } from '../../processes/catalogue/index.ts';
import { addWorkingDays } from '../../platform/working-calendar.ts';
import { geoReportClient } from './open311-conformance.ts';

t.test('open311', async (t) => {
  const api = await startTestApi(t);
  const { app, db } = api;
  const geo = geoReportClient(t, app);
  const zahra = await signInCitizen(api, '0013542419', '09121234567');
  const filed = (await app.inject({ method: 'POST', url: '/api/requests', headers: zahra, payload: { serviceId: 'tree-pruning', districtId: 12, form: treePruningForm } })).json();

  const list = (await geo({ url: '/open311/v2/services.json' })).value;
  t.equal(list.length, services.length, 'the pilot district (the default jurisdiction) offers every service');
  t.match(list.find((s: { service_code: string }) => s.service_code === 'tree-pruning'), { service_name: 'هرس درختان', metadata: true, type: 'realtime', group: String });

  const definition = (await geo({ url: '/open311/v2/services/tree-pruning.json' })).value;
  t.match(definition.attributes.find((a: { code: string }) => a.code === 'urgency'), { datatype: 'singlevaluelist', required: true, values: [{ key: 'normal' }, { key: 'urgent' }] });
  t.match(definition.attributes.find((a: { code: string }) => a.code === 'mobile'), { datatype_description: /phone may be sent instead/ });
  const missing = await geo({ url: '/open311/v2/services/no-such.json' });
  t.equal(missing.statusCode, 404);
  t.match(missing.value, [{ code: 404, description: String }]);
  t.equal((await geo({ url: '/open311/v2/services/tree-pruning.xml' })).statusCode, 200, 'XML too');

  const one = await geo({ url: `/open311/v2/requests/${filed.trackingCode}.json` });
  t.match(one.value, [{ service_request_id: filed.trackingCode, status: 'open', service_code: 'tree-pruning', agency_responsible: /منطقه ۱۲/, description: null, address: null }]);
  t.notMatch(one.body, /0013542419|زهرا|بلوار|09121234567/, 'no personal data');
  t.equal((await geo({ url: '/open311/v2/requests/1111111111.json' })).statusCode, 404);
  const found = (await geo({ url: `/open311/v2/requests.json?service_code=tree-pruning&status=open` })).value;
  t.equal(found.length, 1);
  t.equal((await geo({ url: '/open311/v2/requests.json?status=closed' })).value.length, 0);
  t.equal((await geo({ url: '/open311/v2/requests.json?status=open,closed' })).value.length, 1, 'both statuses, comma-separated');
  const tooLong = await geo({ url: '/open311/v2/requests.json?start_date=2026-01-01T00:00:00Z&end_date=2026-11-01T00:00:00Z' });
  t.equal(tooLong.statusCode, 400);
  t.match(tooLong.value, [{ code: 400, description: /90 days/ }]);
  t.equal((await geo({ url: '/open311/v2/requests.json?start_date=yesterday' })).statusCode, 400);
  t.equal((await geo({ url: '/open311/v2/requests.json?start_date=2026-12-01&end_date=2026-11-01' })).statusCode, 400, 'start after end');
  t.equal((await geo({ url: '/open311/discovery.json' })).statusCode, 200);
  t.equal((await geo({ url: '/open311/v2/discovery.json' })).statusCode, 200, 'where the endpoint\'s clients always found it');

  await t.test('expected_datetime is the SLA in working days on the offices\' calendar, holidays included', async (t) => {
    const filedAt = new Date('2026-12-02T06:30:00Z'); // a Wednesday, 10:00 in Tehran
    await db('requests').where({ tracking_code: filed.trackingCode }).update({ created_at: filedAt });
    await db('holidays').insert({ day: '2026-12-05', jalali: '1405-09-14', name_fa: 'تعطیل آزمایشی' });
    const due = addWorkingDays(filedAt, findService('tree-pruning')!.slaWorkingDays, new Set(['2026-12-05']));
    const [request] = (await geo({ url: `/open311/v2/requests/${filed.trackingCode}.json` })).value;
    t.equal(new Date(request.expected_datetime).toISOString(), due.toISOString());
    t.match(request.expected_datetime, /\+03:30$/, 'in Tehran time, with its offset');
    t.equal(request.requested_datetime, '2026-12-02T10:00:00+03:30');
    t.match(request.service_notice, /روز کاری.*کد رهگیری/s);
  });

  await t.test('jurisdictions: the configured ids, district numbers, and GeoReport\'s 404 for anything else', async (t) => {
    t.equal((await geo({ url: '/open311/v2/services.json?jurisdiction_id=mashhad.ir' })).value.length, services.length);
    t.equal((await geo({ url: '/open311/v2/requests.xml?jurisdiction_id=mashhad.ir&status=open' })).value.length, 1);
    t.same((await geo({ url: '/open311/v2/services.json?jurisdiction_id=5' })).value, [], 'district 5 offers nothing online yet');
    const unknown = await geo({ url: '/open311/v2/services.xml?jurisdiction_id=tehran.ir' });
    t.equal(unknown.statusCode, 404);
    t.match(unknown.value, [{ code: 404, description: /jurisdiction_id.*mashhad\.ir/ }]);
    t.equal((await geo({ url: '/open311/v2/services/tree-pruning.json?jurisdiction_id=5' })).statusCode, 404, 'not offered there');
    t.equal((await geo({ url: `/open311/v2/requests/${filed.trackingCode}.json?jurisdiction_id=5` })).statusCode, 404, 'not in that jurisdiction');
  });
});

t.test('a jurisdiction of several districts lists and files across them', async (t) => {
  const api = await startTestApi(t, {}, { OPEN311_JURISDICTIONS: 'mashhad.ir=5+12,samen.mashhad.ir=14' });
  const { app, db } = api;
  const geo = geoReportClient(t, app);
  await app.catalogue.setOffered(5, 'complaint', true, 'admin');
  await app.catalogue.setOffered(14, 'complaint', true, 'admin');
  t.equal((await geo({ url: '/open311/v2/services.json' })).value.length, services.length, 'the first jurisdiction by default: 5 and 12 together');
  t.same((await geo({ url: '/open311/v2/services.json?jurisdiction_id=samen.mashhad.ir' })).value.map((s: { service_code: string }) => s.service_code), ['complaint']);
  const { apiKey } = await createOpen311ClientService(db).issue('test app');
  const file = (serviceCode: string, jurisdiction?: string) => geo({
    method: 'POST', url: '/open311/v2/requests.json', headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({
      api_key: apiKey, service_code: serviceCode, ...(jurisdiction ? { jurisdiction_id: jurisdiction } : {}), lat: '36.3', long: '59.6',
      first_name: 'زهرا', last_name: 'کریمی', phone: '09121234567', description: 'گزارش آزمایشی',
      'attribute[nationalCode]': '0013542419', 'attribute[declaration]': 'true',
      ...(serviceCode === 'complaint' ? { 'attribute[subject]': 'چراغ معبر', 'attribute[complaintAbout]': 'service' } : { 'attribute[treeCount]': '2', 'attribute[urgency]': 'normal' }),
    }).toString(),
  });
  const complaint = await file('complaint');
  t.equal(complaint.statusCode, 201, complaint.body);
  t.equal((await db('requests').where({ tracking_code: complaint.value[0].service_request_id }).first()).district_id, 5, 'the first of its districts that offers it');
  const pruning = await file('tree-pruning');
  t.equal(pruning.statusCode, 201, pruning.body);
  t.equal((await db('requests').where({ tracking_code: pruning.value[0].service_request_id }).first()).district_id, 12, 'district 5 does not offer it; 12 does');
  const samen = await file('complaint', 'samen.mashhad.ir');
  t.equal((await db('requests').where({ tracking_code: samen.value[0].service_request_id }).first()).district_id, 14);
  t.equal((await file('tree-pruning', 'samen.mashhad.ir')).statusCode, 404, 'Samen does not offer it');
  t.equal((await geo({ url: '/open311/v2/requests.json' })).value.length, 2, 'the default jurisdiction\'s requests: districts 5 and 12');
  t.equal((await geo({ url: '/open311/v2/requests.json?jurisdiction_id=samen.mashhad.ir' })).value.length, 1);
});

// Filing through GeoReport v2: a client application with an api_key posts a
// form-encoded request; it goes through the same submit and start as the API.
t.test('open311 POST requests.json', async (t) => {
  const api = await startTestApi(t);
  const { app, db, zeebe } = api;
  const geo = geoReportClient(t, app);
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
  const post = (fields: Record<string, string>, headers: Record<string, string> = {}) => geo({
    method: 'POST', url: '/open311/v2/requests.json',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    payload: new URLSearchParams(fields).toString(),
  });
  const without = (name: string) => Object.fromEntries(Object.entries(treePruning).filter(([key]) => key !== name));

  await t.test('a form-encoded request with Persian digits is filed, started and found by its id', async (t) => {
    const response = await post(treePruning);
    t.equal(response.statusCode, 201, response.body);
    const [created] = response.json();
    t.match(created, { service_request_id: /^[0-9]{10}$/, token: /^[0-9a-f-]{36}$/, service_notice: /کد رهگیری.*روز کاری/s, account_id: String });
    t.notMatch(created.service_notice, /[A-Za-z]/, 'the notice is Persian');
    const row = await db('requests').where({ tracking_code: created.service_request_id }).first();
    t.match(row, { service_id: 'tree-pruning', district_id: 12, channel: 'portal' });
    t.match(row.form, { citizenName: 'زهرا کریمی', nationalCode: '0013542419', mobile: '09121234567', treeCount: 3, urgency: 'urgent', declaration: true, description: 'شاخه‌ها روی سیم برق افتاده است.' });
    t.match(row.form.address, '36.297, 59.6062', 'lat/long stand in for the address when no address_string is sent');
    const citizen = await db('citizens').where({ id: row.citizen_id }).first();
    t.equal(created.account_id, citizen.id);
    t.match(await db('open311_requests').where({ request_id: row.id }).first(), { client_id: client.id, lat: 36.297, long: 59.6062, media_url: 'https://example.org/tree.jpg', device_id: 'device-1' });
    const started = await eventually('the process instance', () => jobs.find((job) => job.type === 'test.started' && job.variables.trackingCode === created.service_request_id));
    t.match(started.variables, { serviceId: 'tree-pruning', districtId: 12, channel: 'portal', citizen: { nationalCode: '0013542419', mobile: '09121234567' } });

    const followed = await geo({ url: `/open311/v2/requests/${created.service_request_id}.json` });
    t.equal(followed.statusCode, 200);
    t.match(followed.value, [{ service_request_id: created.service_request_id, status: 'open', service_code: 'tree-pruning', lat: 36.297, long: 59.6062, media_url: 'https://example.org/tree.jpg' }]);
    const byToken = await geo({ url: `/open311/v2/tokens/${created.token}.json` });
    t.same(byToken.value, [{ service_request_id: created.service_request_id, token: created.token }]);
    t.equal((await geo({ url: '/open311/v2/tokens/00000000-0000-4000-8000-000000000000.json' })).statusCode, 404);
  });

  await t.test('JSON is accepted too, with attributes as an object and a jurisdiction', async (t) => {
    const response = await geo({
      method: 'POST', url: '/open311/v2/requests.json',
      payload: {
        api_key: apiKey, service_code: 'complaint', jurisdiction_id: '۱۲', first_name: 'علی', last_name: 'رضایی', phone: '+989351234567', address_string: 'مشهد، بلوار سجاد',
        description: 'دو هفته است که چراغ کوچه روشن نمی‌شود.',
        attribute: { nationalCode: '3974017844', subject: 'چراغ معبر', complaintAbout: 'service', declaration: true },
      },
    });
    t.equal(response.statusCode, 201, response.body);
    const row = await db('requests').where({ tracking_code: response.value[0].service_request_id }).first();
    t.match(row.form, { citizenName: 'علی رضایی', mobile: '09351234567', details: 'دو هفته است که چراغ کوچه روشن نمی‌شود.', address: 'مشهد، بلوار سجاد' });
  });

  await t.test('without a valid api_key: 403', async (t) => {
    const missing = await post(without('api_key'));
    t.equal(missing.statusCode, 403);
    t.match(missing.value, [{ code: 403, description: /api_key.*کلید/ }]);
    t.equal((await post({ ...treePruning, api_key: 'o311_not-a-key' })).statusCode, 403);
    const revoked = await clients.issue('revoked app');
    t.ok(await clients.revoke(revoked.client.id));
    t.equal((await post({ ...treePruning, api_key: revoked.apiKey })).statusCode, 403);
  });

  await t.test('an unknown service, an unknown district or a service the district does not offer: 404', async (t) => {
    const unknown = await post({ ...treePruning, service_code: 'no-such-service' });
    t.equal(unknown.statusCode, 404);
    t.match(unknown.value, [{ code: 404, description: /no-such-service/ }]);
    const nowhere = await post({ ...treePruning, jurisdiction_id: '77' });
    t.equal(nowhere.statusCode, 404);
    t.match(nowhere.value, [{ code: 404, description: /jurisdiction_id/ }]);
    t.equal((await post({ ...treePruning, jurisdiction_id: 'tehran.ir' })).statusCode, 404);
    t.equal((await post({ ...treePruning, jurisdiction_id: 'mashhad.ir' })).statusCode, 201, 'the configured jurisdiction');
    const notOffered = await post({ ...treePruning, jurisdiction_id: '5' });
    t.equal(notOffered.statusCode, 404);
    t.match(notOffered.value, [{ code: 404, description: /not offered online in 5.*هرس درختان/s }]);
  });

  await t.test('bad input is a 400 naming each field, never a 500', async (t) => {
    const noTrees = await post(without('attribute[treeCount]'));
    t.equal(noTrees.statusCode, 400);
    t.match(noTrees.value, [{ code: 400, description: /^attribute\[treeCount\]: .* — / }]);

    const badCode = await post({ ...treePruning, 'attribute[nationalCode]': '1234567890' });
    t.equal(badCode.statusCode, 400);
    t.match(badCode.value, [{ code: 400, description: /^attribute\[nationalCode\]: must be a valid national-code — کد ملی/ }]);

    const several = await post({ ...without('phone'), 'attribute[treeCount]': 'سه', 'attribute[colour]': 'green' });
    t.equal(several.statusCode, 400);
    const described = several.value.map((error: { description: string }) => error.description).join('\n');
    t.match(described, /attribute\[treeCount\]/);
    t.match(described, /attribute\[mobile\] \(or phone\)/, 'a field GeoReport also names is given both names');
    t.match(described, /attribute\[colour\]/, 'an attribute the service does not have');

    const halfPlace = await post(without('long'));
    t.equal(halfPlace.statusCode, 400);
    t.match(halfPlace.value, [{ description: /lat, long/ }]);
    t.equal((await post({ ...treePruning, lat: '123' })).statusCode, 400);
    const nowhere = await post(Object.fromEntries(Object.entries(treePruning).filter(([key]) => key !== 'lat' && key !== 'long')));
    t.equal(nowhere.statusCode, 400, 'a location is required');
    t.match(nowhere.value, [{ description: /location is required/ }]);
    t.equal((await post({ ...without('lat'), long: '', address_id: 'MHD-12-0042' })).statusCode, 201, 'address_id is a location');
    for (const link of ['javascript:alert(1)', 'file:///etc/passwd', 'https://user:secret@example.org/a.jpg', 'not a link']) {
      const bad = await post({ ...treePruning, media_url: link });
      t.equal(bad.statusCode, 400, link);
      t.match(bad.value, [{ description: /^media_url:/ }]);
    }

    const noService = await post(without('service_code'));
    t.equal(noService.statusCode, 400);
    t.match(noService.value, [{ description: /service_code/ }]);

    const otherMobile = await post({ ...treePruning, phone: '09127654321' });
    t.equal(otherMobile.statusCode, 400, 'a national code keeps its registered mobile');
    t.match(otherMobile.value, [{ description: /attribute\[mobile\].*شماره همراه دیگری/ }]);

    for (const [type, payload] of [['text/plain', 'hello'], ['application/json', '{"api_key":'], ['application/json', '[1,2]'], ['application/x-www-form-urlencoded', '%%%']]) {
      const response = await geo({ method: 'POST', url: '/open311/v2/requests.json', headers: { 'content-type': type! }, payload: payload! });
      t.ok(response.statusCode >= 400 && response.statusCode < 500, `${type} ${payload}: ${response.statusCode}`);
    }
  });

  await t.test('a retry with the same Idempotency-Key returns the first request', async (t) => {
    const before = await db('requests').count<{ count: string }[]>('* as count');
    const first = await post(treePruning, { 'idempotency-key': 'retry-1' });
    const second = await post(treePruning, { 'idempotency-key': 'retry-1' });
    t.equal(first.statusCode, 201);
    t.equal(second.statusCode, 201);
    t.equal(second.value[0].service_request_id, first.value[0].service_request_id);
    t.equal(second.value[0].token, first.value[0].token);
    const after = await db('requests').count<{ count: string }[]>('* as count');
    t.equal(Number(after[0]!.count), Number(before[0]!.count) + 1);
    const changed = await post({ ...treePruning, 'attribute[treeCount]': '4' }, { 'idempotency-key': 'retry-1' });
    t.equal(changed.statusCode, 400, 'the same key for a different request is refused');
  });

  await t.test('OpenAPI describes the route with both body types and GeoReport errors', async (t) => {
    const paths = (await app.inject({ url: '/docs/json' })).json().paths;
    const operation = paths['/open311/v2/requests.{format}'].post;
    t.same(operation.tags, ['open311']);
    t.same(Object.keys(operation.requestBody.content).sort(), ['application/json', 'application/x-www-form-urlencoded']);
    t.ok(operation.requestBody.content['application/x-www-form-urlencoded'].schema.properties.api_key);
    t.same(Object.keys(operation.responses).sort(), ['201', '400', '403', '404', '413', '415']);
    t.same(Object.keys(paths).filter((path) => path.startsWith('/open311')).sort(), [
      '/open311/discovery', '/open311/discovery.{format}', '/open311/v2/discovery', '/open311/v2/discovery.{format}',
      '/open311/v2/requests.{format}', '/open311/v2/requests/{id}.{format}',
      '/open311/v2/services.{format}', '/open311/v2/services/{service_code}.{format}', '/open311/v2/tokens/{token}.{format}',
    ]);
  });

  await t.test('services.json and requests.json by jurisdiction', async (t) => {
    t.equal((await geo({ url: '/open311/v2/services.json?jurisdiction_id=12' })).value.length, services.length);
    t.same((await geo({ url: '/open311/v2/services.json?jurisdiction_id=5' })).value, []);
    t.ok((await geo({ url: '/open311/v2/requests.json?jurisdiction_id=۱۲' })).value.length > 0, 'Persian digits too');
    t.same((await geo({ url: '/open311/v2/requests.json?jurisdiction_id=5' })).value, []);
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
  const geo = geoReportClient(t, app);
  await deployStandIn(zeebe, 'complaint');
  const response = await geo({
    method: 'POST', url: '/open311/v2/requests.xml', headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({
      api_key: demoOpen311Key, service_code: 'complaint', phone: '09121234567', lat: '36.31', long: '59.58', first_name: 'زهرا', last_name: 'کریمی', description: 'چراغ کوچه خاموش است.',
      'attribute[nationalCode]': '0013542419', 'attribute[subject]': 'چراغ معبر', 'attribute[complaintAbout]': 'service', 'attribute[declaration]': 'true',
    }).toString(),
  });
  t.equal(response.statusCode, 201, response.body);
  t.match((await geo({ url: '/open311/discovery.xml' })).value, { endpoints: [{ type: 'test' }] }, 'a demo-seeded system says it is a test endpoint');
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
