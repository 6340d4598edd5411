// Open311 in both formats: every resource answered in XML and in JSON, each
// held to the official GeoReport v2 schemas and element order, and the XML
// read back equal to the JSON; errors in GeoReport's shape in the format the
// path asks for, for every refusal (unknown paths, Fastify's own, hostile
// input: NUL, lone surrogates, bad encodings, huge and deep bodies, XML bombs),
// and never a 5xx.
import { gzipSync } from 'node:zlib';
import t from 'tap';
import { XMLValidator } from 'fast-xml-parser';
import { createOpen311ClientService } from '../../api/plugins/app/open311-clients.ts';
import { toXml } from '../../api/routes/open311/format.ts';
import { signInCitizen, startTestApi } from './helpers.ts';
import { deployStandIn, treePruningForm } from './fixtures.ts';
import { eventually } from '../helpers/eventually.ts';
import { geoReportClient, readXml, kindOf } from './open311-conformance.ts';

t.test('open311 formats', async (t) => {
  const api = await startTestApi(t, {}, { PUBLIC_URL: 'https://e.mashhad.example' });
  const { app, db, zeebe } = api;
  const geo = geoReportClient(t, app);
  await deployStandIn(zeebe, 'stray-animal-report');
  await deployStandIn(zeebe, 'tree-pruning');
  const { apiKey } = await createOpen311ClientService(db).issue('formats test');
  const zahra = await signInCitizen(api, '0013542419', '09121234567');
  const portal = (await app.inject({ method: 'POST', url: '/api/requests', headers: zahra, payload: { serviceId: 'tree-pruning', districtId: 12, form: treePruningForm } })).json();

  const report = {
    api_key: apiKey, jurisdiction_id: 'mashhad.ir', service_code: 'stray-animal-report', lat: '36.2881', long: '59.6157',
    first_name: 'زهرا', last_name: 'کریمی', phone: '09121234567', description: 'سه سگ بی‌صاحب کنار پارک ملت.',
    media_url: 'https://photos.example.org/گزارش/dogs 1.jpg',
    'attribute[nationalCode]': '0013542419', 'attribute[animalType]': 'dog', 'attribute[animalCount]': '3', 'attribute[declaration]': 'true',
  };
  const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
  const formHeaders = { 'content-type': 'application/x-www-form-urlencoded' };
  const posted = await geo({ method: 'POST', url: '/open311/v2/requests.xml', headers: formHeaders, payload: form(report) });
  t.equal(posted.statusCode, 201, posted.body);
  t.match(posted.body, /^<\?xml version="1\.0" encoding="utf-8"\?>\n<service_requests><request><service_request_id>\d{10}<\/service_request_id><token>/);
  const [{ service_request_id: id, token }] = posted.value;
  // Both started, so nothing changes under the comparisons below.
  await eventually('both instances', async () => ((await db('requests').whereIn('tracking_code', [id, portal.trackingCode]).whereNotNull('process_instance_key')).length === 2 ? true : undefined));

  await t.test('every resource in XML reads back as its JSON', async (t) => {
    const resources = [
      '/open311/discovery', '/open311/v2/discovery', '/open311/v2/services', '/open311/v2/services/stray-animal-report',
      '/open311/v2/requests', `/open311/v2/requests/${id}`, `/open311/v2/requests/${portal.trackingCode}`, `/open311/v2/tokens/${token}`,
    ];
    const queries = ['', `?service_request_id=${id},${portal.trackingCode}`, '?status=open&service_code=stray-animal-report,tree-pruning', '?start_date=2026-01-01T00:00:00Z&end_date=2026-02-01T00:00:00Z'];
    for (const [path, query] of [...resources.map((path) => [path, '']), ...queries.map((query) => ['/open311/v2/requests', query])] as [string, string][]) {
      const json = await geo({ url: `${path}.json${query}` });
      const xml = await geo({ url: `${path}.xml${query}` });
      t.equal(json.statusCode, 200, `${path}.json${query}`);
      t.equal(xml.statusCode, 200, `${path}.xml${query}`);
      t.same(xml.value, json.value, `${path}${query}: the XML holds what the JSON holds`);
    }
  });

  await t.test('what is published', async (t) => {
    const [request] = (await geo({ url: `/open311/v2/requests/${id}.xml` })).value;
    t.match(request, {
      service_request_id: id, status: 'open', status_notes: /دریافت|بررسی/, service_name: 'گزارش حیوانات بلاصاحب', service_code: 'stray-animal-report',
      description: null, address: null, lat: 36.2881, long: 59.6157, media_url: 'https://photos.example.org/%DA%AF%D8%B2%D8%A7%D8%B1%D8%B4/dogs%201.jpg',
      expected_datetime: /\+03:30$/,
    });
    const everything = (await geo({ url: '/open311/v2/requests.json' })).body;
    t.notMatch(everything, /0013542419|09121234567|زهرا|کریمی|پارک ملت|بلوار/, 'no name, national code, mobile, description or address');
    const discovery = (await geo({ url: '/open311/discovery.xml' })).value;
    t.match(discovery, {
      changeset: /Z$/, contact: /137/, key_service: /api_key/,
      endpoints: [{ specification: 'http://wiki.open311.org/GeoReport_v2', url: 'https://e.mashhad.example/open311/v2', type: 'production', formats: ['text/xml', 'application/json'] }],
    });
    const services = (await geo({ url: '/open311/v2/services.xml' })).value;
    t.ok(services.every((service: { type: string; metadata: boolean }) => service.type === 'realtime' && service.metadata === true));
    const definition = (await geo({ url: '/open311/v2/services/stray-animal-report.xml' })).value;
    t.match(definition.attributes.find((a: { code: string }) => a.code === 'animalCount'), { variable: true, datatype: 'number', required: true, order: Number });
    t.same(definition.attributes.map((a: { order: number }) => a.order), definition.attributes.map((_: unknown, i: number) => i + 1));
  });

  await t.test('the discovery document where a client starting from the city\'s address looks; public reads open to web pages', async (t) => {
    const root = await app.inject({ url: '/open311' });
    t.equal(root.statusCode, 302);
    t.equal(root.headers.location, '/open311/discovery.xml');
    t.equal((await app.inject({ url: '/open311/', headers: { accept: 'application/json' } })).headers.location, '/open311/discovery.json');
    const bare = await geo({ url: '/open311/discovery' });
    t.match(bare.headers['content-type'], 'text/xml', 'XML, the required format');
    t.same(bare.value, (await geo({ url: '/open311/discovery.xml' })).value);
    t.match((await geo({ url: '/open311/discovery', headers: { accept: 'application/json' } })).headers['content-type'], 'application/json');
    t.equal((await geo({ url: '/open311/v2/requests.json' })).headers['access-control-allow-origin'], '*');
    t.notOk((await geo({ method: 'POST', url: '/open311/v2/requests.xml', headers: formHeaders, payload: form({ ...report, api_key: '' }) })).headers['access-control-allow-origin'], 'filing is for servers holding a key');
  });

  await t.test('the changeset moves when a district changes what it offers, not on a restart', async (t) => {
    const before = (await geo({ url: '/open311/discovery.json' })).value.changeset;
    await db('district_services').where({ district_id: 12, service_id: 'stray-animal-report' }).update({ changed_at: new Date(Date.now() + 60_000) });
    const after = (await geo({ url: '/open311/discovery.json' })).value.changeset;
    t.ok(after > before, `${after} > ${before}`);
  });

  await t.test('a format named in capitals is the same format', async (t) => {
    for (const [path, type] of [['/open311/v2/requests.XML', 'text/xml'], ['/open311/v2/requests.JSON', 'application/json'], ['/open311/v2/services.Json', 'application/json'],
      [`/open311/v2/requests/${id}.XML`, 'text/xml'], [`/open311/v2/tokens/${token}.JSON`, 'application/json'], ['/open311/discovery.XML', 'text/xml']] as const) {
      const answer = await geo({ url: path });
      t.equal(answer.statusCode, 200, path);
      t.match(answer.headers['content-type'], type, `${path} answers ${type}`);
      t.same(answer.value, (await geo({ url: path.replace(/\.(\w+)$/, (_, ext: string) => `.${ext.toLowerCase()}`) })).value, `${path}: the same document`);
    }
    const filed = await geo({ method: 'POST', url: '/open311/v2/requests.JSON', headers: formHeaders, payload: form({ ...report, 'attribute[animalCount]': '2' }) });
    t.equal(filed.statusCode, 201, filed.body);
    t.match(filed.headers['content-type'], 'application/json');
  });

  await t.test('errors are GeoReport errors in the format the path asks for', async (t) => {
    const unknown = await geo({ url: '/open311/v2/nothing-here' });
    t.equal(unknown.statusCode, 404);
    t.match(unknown.headers['content-type'], 'text/xml', 'XML, the required format, when the path names none');
    t.equal((await geo({ url: '/open311/v2/nothing-here', headers: { accept: 'application/json' } })).headers['content-type'], 'application/json; charset=utf-8');
    const html = await geo({ url: '/open311/v2/services.html' });
    t.equal(html.statusCode, 404, 'a format we do not speak is a resource we do not have');
    t.match(html.value, [{ code: 404, description: /\.xml and \.json/ }], 'and the error names the formats there are');
    t.equal((await geo({ url: '/open311/v2/requests/abc.xml' })).statusCode, 404);
    t.equal((await geo({ url: '/open311/v2/tokens/not-a-token.json' })).statusCode, 404);
    t.equal((await geo({ method: 'DELETE', url: `/open311/v2/requests/${id}.xml` })).statusCode, 404);
    t.equal((await geo({ method: 'POST', url: '/open311/v2/requests.xml', headers: formHeaders, payload: form({ ...report, api_key: '' }) })).statusCode, 403);
    const invalid = await geo({ method: 'POST', url: '/open311/v2/requests.xml', headers: formHeaders, payload: form({ ...report, 'attribute[animalCount]': '0', 'attribute[animalType]': 'dragon' }) });
    t.equal(invalid.statusCode, 400);
    t.equal(invalid.value.length, 2, 'one error per wrong field');
    t.match(invalid.body, /<errors><error><code>400<\/code><description>attribute\[/);
  });

  await t.test('hostile input is a 4xx GeoReport error, never a 5xx', async (t) => {
    const post = (payload: string | Buffer, type = formHeaders['content-type'], url = '/open311/v2/requests.xml') =>
      geo({ method: 'POST', url, headers: { 'content-type': type }, payload });
    const refused = async (what: string, response: { statusCode: number; value: Array<{ description: string }> }, status: number, description?: RegExp) => {
      t.equal(response.statusCode, status, what);
      if (description) t.match(response.value?.[0]?.description, description, what);
    };
    await refused('NUL in a field', await post(form({ ...report, description: 'a\u0000b' })), 400, /^description: .*NUL/);
    await refused('NUL in an attribute', await post(`${form(report)}&attribute%5Bdescription%5D=x%00y`), 400, /attribute\[description\]/);
    await refused('a lone surrogate, percent-encoded', await post(`${form(report)}&first_name=%ED%A0%80`), 400, /UTF-8/);
    await refused('a lone surrogate in JSON', await post(JSON.stringify({ ...report, first_name: 'x' }).replace('"x"', '"\\ud800"'), 'application/json'), 400, /first_name: .*surrogate/);
    await refused('bytes that are not UTF-8', await post(Buffer.concat([Buffer.from('api_key=x&description='), Buffer.from([0xff, 0xfe])])), 400, /UTF-8/);
    await refused('broken percent-encoding', await post('api_key=%E0%A4%A&service_code=x'), 400, /percent-encoded/);
    await refused('a control character', await post(form({ ...report, last_name: 'a\u0007b' })), 400, /control/);
    await refused('JSON 100,000 deep', await post(`{"attribute":${'['.repeat(100_000)}${']'.repeat(100_000)}}`, 'application/json'), 400, /nest deeper/);
    await refused('a JSON list', await post('[1,2]', 'application/json'), 400);
    await refused('a body over 1 MiB', await post(form({ ...report, description: 'x'.repeat(1_100_000) })), 413);
    await refused('too many fields', await post(Array.from({ length: 400 }, (_, i) => `f${i}=1`).join('&')), 400, /300/);
    await refused('a value past its limit', await post(form({ ...report, description: 'ش'.repeat(4001) })), 400, /description/);
    await refused('an attribute past its limit', await post(form({ ...report, 'attribute[description]': 'x'.repeat(5000) })), 400, /attribute\[description\]/);
    await refused('a number past 2^63', await post(form({ ...report, 'attribute[animalCount]': '92233720368547758070' })), 400, /attribute\[animalCount\]/);
    await refused('400 digits', await post(form({ ...report, 'attribute[animalCount]': '9'.repeat(400) })), 400, /attribute\[animalCount\]/);
    await refused('prototype keys', await post(`${form(report)}&__proto__[x]=1&attribute[__proto__]=1&attribute[constructor][prototype]=1`), 201);
    const bomb = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><service_request><service_code>&lol2;</service_code></service_request>`;
    await refused('an XML bomb', await post(bomb, 'text/xml'), 415);
    await refused('multipart', await post('--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--x--', 'multipart/form-data; boundary=x'), 415);
    await refused('plain text', await post('hello', 'text/plain'), 415);
    await refused('a compressed body', await geo({ method: 'POST', url: '/open311/v2/requests.xml', headers: { ...formHeaders, 'content-encoding': 'gzip' }, payload: gzipSync(form(report)) }), 415, /uncompressed/);
    await refused('NUL in the query', await geo({ url: '/open311/v2/requests.xml?service_code=a%00b' }), 400, /service_code/);
    await refused('a lone surrogate in the query', await geo({ url: '/open311/v2/requests.json?jurisdiction_id=%ED%A0%80' }), 404);
    await refused('a path that is not UTF-8', await geo({ url: '/open311/v2/requests/%E0%A4%A.xml' }), 400, /percent-encoded/);
    await refused('a path parameter too long', await geo({ url: `/open311/v2/requests/${'1'.repeat(500)}.xml` }), 414, /too long/);
    await refused('NUL in the path', await geo({ url: '/open311/v2/services/a%00b.xml' }), 400, /NUL/);
    await refused('a huge query', await geo({ url: `/open311/v2/requests.xml?service_code=${'a'.repeat(5000)}` }), 400, /service_code/);
    await refused('an odd date', await geo({ url: '/open311/v2/requests.xml?start_date=2026-02-30T00:00:00Z' }), 400, /start_date/);
    await refused('a huge Idempotency-Key', await geo({ method: 'POST', url: '/open311/v2/requests.xml', headers: { ...formHeaders, 'idempotency-key': 'k'.repeat(500) }, payload: form(report) }), 400);
  });

  await t.test('XML carries no character it cannot, whatever is stored', async (t) => {
    const xml = toXml('errors', [{ code: 400, description: 'a\u0000b\u0007c\ud800d\uFFFE & <e> ]]> 😀' }]);
    t.equal(XMLValidator.validate(xml), true);
    t.same(readXml(xml, kindOf('GET', '/x.xml', 400)), [{ code: 400, description: 'a\uFFFDb\uFFFDc\uFFFDd\uFFFD & <e> ]]> 😀' }]);
  });
});
