// A GeoReport client's whole conversation, in XML over HTTP, as FixMyStreet
// holds it: discovery, the service list, a service definition, filing a stray
// animal report with its attributes and a photo link, reading it back by token
// and by id, and seeing it closed once the district's crew has done the work
// through the staff task API, with the real diagram, engine and workers in
// between. Every answer is held to the official GeoReport v2 schemas.
import t from 'tap';
import pino from 'pino';
import { buildApp } from '../../api/app.ts';
import { createOpen311ClientService } from '../../api/plugins/app/open311-clients.ts';
import { startEngine } from '../../engine/index.ts';
import { readConfig } from '../../platform/config.ts';
import { freePort } from '../../platform/free-port.ts';
import type { Logger } from '../../platform/logger.ts';
import { createZeebeClient } from '../../platform/zeebe.ts';
import { startWorkers } from '../../workers/index.ts';
import { createTestDatabase } from '../helpers/database.ts';
import { eventually } from '../helpers/eventually.ts';
import { deployServices } from '../helpers/services.ts';
import { createStaff, testSecret } from './helpers.ts';
import { conformanceProblems, kindOf, readXml } from './open311-conformance.ts';

const serviceCode = 'stray-animal-report';

t.test('a GeoReport client files and follows a request in XML while staff close it', async (t) => {
  const db = await createTestDatabase(t);
  const logger = pino({ level: process.env.API_LOG ?? 'silent' }) as Logger;
  // The discovery document names PUBLIC_URL, so the port is chosen first and the client follows what it is told.
  const port = await freePort();
  const config = readConfig({ JWT_SECRET: testSecret, DEMO_SEED: 'false', PUBLIC_URL: `http://127.0.0.1:${port}`, OPEN311_JURISDICTIONS: 'mashhad.ir=12' });
  const engine = await startEngine({ db, port: 0, logger });
  t.teardown(() => engine.stop());
  const zeebe = createZeebeClient(config, engine.address, logger);
  t.teardown(() => zeebe.close(1_000).catch(() => undefined));
  // The shared called processes, every form, and this one service's diagram.
  await deployServices(zeebe, logger, [serviceCode]);
  const app = await buildApp({ config, db, zeebe, logger });
  t.teardown(() => app.close());
  const base = await app.listen({ host: '127.0.0.1', port });
  const workers = startWorkers({ zeebe, db, logger, publicUrl: config.publicUrl });
  t.teardown(() => workers.stop());
  // Registered last, so it runs first (stopping twice is harmless): a worker closed while its long poll is
  // open leaves zeebe-node's 31-second client-side timer behind, which would hold this test process for
  // half a minute; a stopped engine ends the polls first.
  t.teardown(() => engine.stop());
  const { apiKey } = await createOpen311ClientService(db).issue('FixMyStreet (test)');

  /** One exchange as a client has it over HTTP: the XML answer, held to the schemas, read into the JSON shape. */
  async function ask(method: 'GET' | 'POST', url: string, form?: URLSearchParams): Promise<{ status: number; value: any }> {
    const response = await fetch(url, {
      method,
      headers: form ? { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' } : {},
      body: form?.toString(),
    });
    const headers: Record<string, string> = {};
    response.headers.forEach((value, name) => { headers[name] = value; });
    const answer = { statusCode: response.status, headers, body: await response.text() };
    const path = new URL(url).pathname;
    t.same(conformanceProblems(method, path, answer), [], `${method} ${path} (${response.status}) conforms to GeoReport v2`);
    return { status: response.status, value: readXml(answer.body, kindOf(method, path, response.status)) };
  }

  // Discovery names the endpoint; from here on the client only follows it.
  const discovery = (await ask('GET', `${base}/open311/discovery.xml`)).value;
  const endpoint = discovery.endpoints.find((e: { specification: string; formats: string[] }) =>
    e.specification === 'http://wiki.open311.org/GeoReport_v2' && e.formats.includes('text/xml'));
  t.ok(endpoint, 'a GeoReport v2 endpoint that speaks XML');
  t.equal(endpoint.url, `${base}/open311/v2`);
  const url = (resource: string) => `${endpoint.url}/${resource}`;

  const list = (await ask('GET', url('services.xml?jurisdiction_id=mashhad.ir'))).value;
  const service = list.find((s: { service_code: string }) => s.service_code === serviceCode);
  t.match(service, { service_name: 'گزارش حیوانات بلاصاحب', metadata: true, type: 'realtime' });

  const definition = (await ask('GET', url(`services/${serviceCode}.xml?jurisdiction_id=mashhad.ir`))).value;
  // As FixMyStreet does: ask for every required attribute GeoReport's own fields do not cover.
  const answers: Record<string, string> = { nationalCode: '0013542419', animalCount: '3', declaration: 'true' };
  const form = new URLSearchParams({
    api_key: apiKey, jurisdiction_id: 'mashhad.ir', service_code: serviceCode, lat: '36.2881', long: '59.6157',
    email: 'zahra@example.org', first_name: 'زهرا', last_name: 'کریمی', phone: '09121234567',
    description: 'سه سگ بی‌صاحب کنار ورودی پارک ملت.', media_url: 'https://photos.example.org/reports/stray-dogs.jpg',
  });
  for (const attribute of definition.attributes) {
    if (!attribute.required || /may be sent instead/.test(attribute.datatype_description ?? '')) continue;
    const value = answers[attribute.code] ?? (attribute.datatype === 'singlevaluelist' ? attribute.values[0].key : undefined);
    t.ok(value !== undefined, `an answer for ${attribute.code}`);
    form.set(`attribute[${attribute.code}]`, value!);
  }

  const filed = await ask('POST', url('requests.xml'), form);
  t.equal(filed.status, 201);
  const [{ service_request_id: id, token, service_notice: notice }] = filed.value;
  t.match(notice, /کد رهگیری/);

  const byToken = (await ask('GET', url(`tokens/${token}.xml`))).value;
  t.same(byToken, [{ service_request_id: id, token }]);
  const [open] = (await ask('GET', url(`requests/${id}.xml`))).value;
  t.match(open, { service_request_id: id, status: 'open', service_code: serviceCode, lat: 36.2881, long: 59.6157, media_url: 'https://photos.example.org/reports/stray-dogs.jpg' });

  // The district's crew finds the task, takes it and reports the work done.
  await createStaff(db, 'crew-12', 'services-crew', 12);
  const signedIn = await app.inject({ method: 'POST', url: '/api/auth/staff/token', payload: { username: 'crew-12', password: 'correct horse' } });
  const crew = { authorization: `Bearer ${signedIn.json().token}` };
  const task = await eventually('the crew\'s task', async () => (await app.inject({ url: '/api/tasks', headers: crew })).json()
    .find((item: { trackingCode: string }) => item.trackingCode === id));
  t.equal(new Date(open.expected_datetime).toISOString(), new Date(task.dueAt).toISOString(), 'expected_datetime is the due date the SLA worker gave the process');
  const seen = (await app.inject({ url: `/api/requests/${id}`, headers: crew })).json();
  t.match(seen.timeline.find((event: { kind: string }) => event.kind === 'open311-filed'),
    { data: { titleFa: /FixMyStreet/, noteFa: /36\.2881, 59\.6157.*https:\/\/photos\.example\.org\/reports\/stray-dogs\.jpg/ } }, 'staff see the app, the place and the photo link');
  t.equal((await app.inject({ method: 'POST', url: `/api/tasks/${task.jobKey}/claim`, headers: crew })).statusCode, 200);
  const done = await app.inject({ method: 'POST', url: `/api/tasks/${task.jobKey}/complete`, headers: crew, payload: { variables: { workResult: 'done', workNotes: 'سگ‌ها به پناهگاه منتقل شدند.' } } });
  t.equal(done.statusCode, 200, done.body);

  // The client polls, as FixMyStreet's update fetcher does, until the request is closed.
  const closed = await eventually('the request closed', async () => {
    const [request] = (await ask('GET', url(`requests/${id}.xml`))).value;
    return request.status === 'closed' ? request : undefined;
  }, { timeoutMs: 30_000 });
  t.match(closed, { status: 'closed', status_notes: /انجام شد/, media_url: 'https://photos.example.org/reports/stray-dogs.jpg' });
  t.ok(closed.updated_datetime >= open.updated_datetime);
  const listed = (await ask('GET', url(`requests.xml?jurisdiction_id=mashhad.ir&status=closed&service_code=${serviceCode}`))).value;
  t.same(listed.map((request: { service_request_id: string }) => request.service_request_id), [id]);
  t.same((await ask('GET', url(`requests.xml?service_request_id=${id}`))).value.map((r: { status: string }) => r.status), ['closed']);
});
