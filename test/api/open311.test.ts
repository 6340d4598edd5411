// Open311 GeoReport v2 read side: the catalogue as services, start-form fields
// as attributes, requests by tracking code without personal data.
import t from 'tap';
import { signInCitizen, startTestApi } from './helpers.ts';
import { treePruningForm } from './fixtures.ts';
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
