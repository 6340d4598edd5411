// Payments through the sandbox gateway: the due fee's page, the callback
// verifying with the gateway before anything is believed, and the receipt.
import t from 'tap';
import { SandboxGateway } from '../../domain/payments/sandbox-gateway.ts';
import { signInCitizen, signInStaff, startTestApi } from './helpers.ts';
import { treePruningForm } from './fixtures.ts';

t.test('payments', async (t) => {
  const api = await startTestApi(t);
  const { app, db } = api;
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  app.payments.gateway = new SandboxGateway(`${address}/sandbox-gateway`);
  const zahra = await signInCitizen(api, '0013542419', '09121234567');
  const reza = await signInCitizen(api, '3974017844', '09351234567');
  const filed = (await app.inject({ method: 'POST', url: '/api/requests', headers: zahra, payload: { serviceId: 'tree-pruning', districtId: 12, form: treePruningForm } })).json();
  const base = `/api/requests/${filed.trackingCode}/payments`;

  t.equal((await app.inject({ method: 'POST', url: base, headers: zahra, payload: {} })).statusCode, 409, 'nothing due yet');

  // What payment.request does when the process reaches its payment step.
  const [payment] = await db('payments').insert({ request_id: filed.id, business_key: 'test:1', amount: 1_200_000, gateway: 'sandbox' }).returning('*');
  const token = await app.payments.gateway.requestToken({ orderId: payment.id, amount: 1_200_000, callbackUrl: `${address}/api/payments/callback` });
  if (!token.ok) throw new Error('no token');
  await db('payments').where({ id: payment.id }).update({ gateway_token: token.token, status: 'pending' });

  const list = (await app.inject({ url: base, headers: zahra })).json();
  t.match(list, [{ id: payment.id, status: 'pending', amount: 1_200_000, paymentUrl: `${address}/sandbox-gateway/pay/${token.token}` }]);
  t.equal((await app.inject({ url: base, headers: reza })).statusCode, 404);
  const start = await app.inject({ method: 'POST', url: base, headers: zahra, payload: { returnUrl: 'http://x/' } });
  t.match(start.json(), { paymentId: payment.id, redirectUrl: /\/sandbox-gateway\/pay\// });
  t.equal((await app.inject({ method: 'POST', url: base, headers: await signInStaff(api, 'clerk-12', 'clerk', 12), payload: {} })).statusCode, 403, 'citizens pay');

  const receiptUrl = `/api/payments/${payment.id}/receipt`;
  t.equal((await app.inject({ url: receiptUrl, headers: zahra })).statusCode, 409, 'no receipt before paying');
  t.equal((await app.inject({ url: `/api/payments/callback?token=${token.token}` })).statusCode, 303, 'a callback before paying');
  t.equal((await db('payments').where({ id: payment.id }).first()).status, 'failed', 'is verified with the gateway, which says unpaid');

  // A second payment, paid on the gateway page this time.
  const [second] = await db('payments').insert({ request_id: filed.id, business_key: 'test:2', amount: 1_200_000, gateway: 'sandbox' }).returning('*');
  const token2 = await app.payments.gateway.requestToken({ orderId: second.id, amount: 1_200_000, callbackUrl: `${address}/api/payments/callback` });
  if (!token2.ok) throw new Error('no token');
  await db('payments').where({ id: second.id }).update({ gateway_token: token2.token, status: 'pending' });
  const paid = await app.inject({ method: 'POST', url: `/sandbox-gateway/pay/${token2.token}`, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'action=pay' });
  t.equal(paid.statusCode, 303);
  const callback = new URL(paid.headers.location as string);
  const back = await app.inject({ url: `${callback.pathname}${callback.search}` });
  t.equal(back.statusCode, 303);
  t.equal(back.headers.location, `/#/requests/${filed.trackingCode}?payment=paid`);
  const receipt = await app.inject({ url: `/api/payments/${second.id}/receipt`, headers: zahra });
  t.equal(receipt.statusCode, 200);
  t.match(receipt.json(), { trackingCode: filed.trackingCode, amount: 1_200_000, reference: /^[0-9]+$/ });
  t.equal((await app.inject({ url: `/api/payments/${second.id}/receipt`, headers: reza })).statusCode, 404);
  t.equal((await app.inject({ url: '/api/payments/callback?token=nope' })).statusCode, 404);
});
