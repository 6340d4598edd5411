// The engine away: the API still takes what it can hold durably, and answers
// the rest at once with a 503 a person can act on, instead of holding the
// HTTP request open while the Zeebe client retries for ever.
import pino from 'pino';
import t from 'tap';
import { readConfig } from '../../platform/config.ts';
import { createZeebeClient, whileSomeoneWaits } from '../../platform/zeebe.ts';
import { signInCitizen, startTestApi, testSecret } from './helpers.ts';
import { treePruningForm } from './fixtures.ts';
import { freePort } from '../../platform/free-port.ts';

t.test('given an unreachable engine, filing is still taken and a correction is refused quickly with a 503', async (t) => {
  const config = readConfig({ JWT_SECRET: testSecret, DEMO_SEED: 'false' });
  const logger = pino({ level: 'silent' });
  const away = createZeebeClient(config, `127.0.0.1:${await freePort()}`, logger, whileSomeoneWaits);
  t.teardown(() => away.close(1_000).catch(() => undefined));
  const api = await startTestApi(t, { zeebe: away });
  const { app, db } = api;
  const zahra = await signInCitizen(api, '0013542419', '09121234567');

  const filed = await app.inject({ method: 'POST', url: '/api/requests', headers: zahra, payload: { serviceId: 'tree-pruning', districtId: 12, form: treePruningForm } });
  t.equal(filed.statusCode, 201, 'the request is committed, so it is taken; the sweeper starts it once the engine is back');
  const { id, trackingCode } = filed.json();

  // As if the process had run and returned it for correction.
  await db('requests').where({ id }).update({ process_instance_key: '2251799813685249', status: 'awaiting-correction' });
  await db('request_events').insert({ request_id: id, kind: 'awaiting-correction', dedupe_key: 'outage-test', data: { reason: 'سند خوانا نیست' } });

  const began = Date.now();
  const resubmitted = await app.inject({ method: 'POST', url: `/api/requests/${trackingCode}/resubmit`, headers: zahra, payload: { form: treePruningForm } });
  t.equal(resubmitted.statusCode, 503, resubmitted.body);
  t.match(resubmitted.json(), { type: 'urn:shahrdari:problem:engine-unavailable', detailFa: /دوباره تلاش کنید/ });
  t.ok(Date.now() - began < 30_000, `answered after a few retries, not held open (${Date.now() - began} ms)`);
  const row = await db('requests').where({ id }).first();
  t.equal(row.status, 'awaiting-correction', 'the correction can be sent again: nothing moved');
  t.equal((await db('request_events').where({ request_id: id, kind: 'resubmitted' })).length, 0);
});
