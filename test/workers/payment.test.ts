// Payment: fee rules, the sandbox gateway over real HTTP, verify before
// trusting the callback, idempotent re-delivery, gateway failure and
// recovery, reversal; and the whole flow through the engine.
import t from 'tap';
import { feeDue } from '../../workers/payment/fee.ts';
import { createPaymentHandlers } from '../../workers/payment/handlers.ts';
import { announceUnheardPayments, reconcilePendingPayments, settlePayment } from '../../domain/payments/settlement.ts';
import { paymentWorkers } from '../../workers/payment/index.ts';
import type { PaymentGateway } from '../../domain/payments/gateway.ts';
import { PermanentFault } from '../../workers/job.ts';
import { eventually } from '../helpers/eventually.ts';
import { startSandboxBank } from '../helpers/sandbox-bank.ts';
import { closeAtEnd, deployFixture, startTestEngine } from './engine.ts';
import { jobOf, seedRequest, silentLogger, startVariables } from './helpers.ts';


t.test('fee rules', async (t) => {
  t.equal(feeDue({ kind: 'none' }, {}), 0);
  t.equal(feeDue({ kind: 'fixed', amount: 1_500_000 }, {}), 1_500_000);
  t.equal(feeDue({ kind: 'per-square-metre', rate: 200_000, field: 'floorArea' }, { floorArea: '120.5' }), 24_100_000);
  t.equal(feeDue({ kind: 'per-unit', rate: 50_000, field: 'units' }, { units: 0 }), 0);
  t.throws(() => feeDue({ kind: 'per-unit', rate: 50_000, field: 'units' }, {}), PermanentFault);
  t.throws(() => feeDue({ kind: 'per-unit', rate: 50_000, field: 'units' }, { units: -2 }), PermanentFault);
});

/** What the citizen's browser does: open the page, press a button, follow the redirect to our callback. */
async function citizenPresses(paymentUrl: string, action: 'pay' | 'cancel') {
  const page = await fetch(paymentUrl);
  const html = await page.text();
  const answer = await fetch(paymentUrl, {
    method: 'POST', redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `action=${action}`,
  });
  const callback = await fetch(answer.headers.get('location')!);
  return { html, status: answer.status, result: (await callback.json()) as Record<string, unknown> };
}

t.test('payment through the engine', async (t) => {
  const { db, client } = await startTestEngine(t);
  const { gateway, callbackUrl } = await startSandboxBank(t, db, client);
  closeAtEnd(t, paymentWorkers({ zeebe: client, db, logger: silentLogger, publicUrl: 'http://localhost:3000' }, { gateway, callbackUrl }));
  await deployFixture(client, 'payment.bpmn');

  const run = (variables: Record<string, unknown>) =>
    client.createProcessInstanceWithResult({ bpmnProcessId: 'workers-payment-test', variables, requestTimeout: 20_000 } as never) as unknown as Promise<{ variables: Record<string, unknown> }>;

  t.test('given a building permit of 120 m², the citizen pays, we verify, the process goes on', async (t) => {
    const request = await seedRequest(db, { serviceId: 'building-permit', form: { floorArea: 120 } });
    const finished = run(startVariables(request, { floorArea: 120 }));
    const payment = await eventually('the pending payment', () => db('payments').where({ request_id: request.id, status: 'pending' }).first());
    t.equal(Number(payment.amount), 240_000_000);
    const { html, status, result } = await citizenPresses(`${gateway.paymentPageUrl(payment.gateway_token)}`, 'pay');
    t.match(html, /۲۴۰٬۰۰۰٬۰۰۰ ریال/);
    t.equal(status, 303);
    t.equal(result.status, 'paid');
    const outcome = await finished;
    t.equal(outcome.variables.result, 'paid');
    t.equal(outcome.variables.paymentId, payment.id);
    t.match(outcome.variables.paymentReference, /^\d{9}$/);
    const again = await settlePayment({ db, zeebe: client, gateway, logger: silentLogger }, payment.gateway_token);
    t.match(again, { status: 'paid', paymentId: payment.id }, 'a repeated callback is harmless');
    const row = await db('payments').where({ id: payment.id }).first();
    t.equal(row.status, 'paid');
    t.ok(row.paid_at);
  });

  t.test('a payment settled while the engine was away is announced by the sweep, once the request still waits', async (t) => {
    const request = await seedRequest(db, { serviceId: 'building-permit' });
    const finished = run(startVariables(request, { floorArea: 10 }));
    const payment = await eventually('the pending payment', () => db('payments').where({ request_id: request.id, status: 'pending' }).first());
    // The callback settled the row, then publishing payment-confirmed failed; the request still says it waits.
    await db('requests').where({ id: request.id }).update({ status: 'awaiting-payment' });
    await db('payments').where({ id: payment.id }).update({ status: 'paid', reference: '123456789', paid_at: db.raw(`now() - interval '1 minute'`) });
    const deps = { db, zeebe: client, logger: silentLogger };
    t.equal(await announceUnheardPayments(deps, 2), 0, 'a payment settled a minute ago may still be on its way');
    await db('payments').where({ id: payment.id }).update({ paid_at: db.raw(`now() - interval '3 minutes'`) });
    t.equal(await announceUnheardPayments(deps, 2), 1);
    const outcome = await finished;
    t.equal(outcome.variables.result, 'paid', 'the process heard payment-confirmed');
    t.equal(outcome.variables.paymentReference, '123456789');
    await db('requests').where({ id: request.id }).update({ status: 'approved' });
    t.equal(await announceUnheardPayments(deps, 2), 0, 'once the request moved on, nothing is announced');
  });

  t.test('the citizen cancels at the gateway: verify fails and the process hears payment-failed', async (t) => {
    const request = await seedRequest(db, { serviceId: 'building-permit' });
    const finished = run(startVariables(request, { floorArea: 10 }));
    const payment = await eventually('the pending payment', () => db('payments').where({ request_id: request.id, status: 'pending' }).first());
    const { result } = await citizenPresses(gateway.paymentPageUrl(payment.gateway_token), 'cancel');
    t.equal(result.status, 'failed');
    t.equal((await finished).variables.result, 'failed');
    t.match((await db('payments').where({ id: payment.id }).first()).failure_reason, /cancelled/);
  });

  t.test('a free service ends on NO_FEE_DUE without a payment', async (t) => {
    const request = await seedRequest(db, { serviceId: 'tree-pruning' });
    t.equal((await run(startVariables(request))).variables.result, 'no-fee');
    t.equal((await db('payments').where({ request_id: request.id })).length, 0);
  });

  t.test('a zero floor area is no fee, not a zero payment', async (t) => {
    const request = await seedRequest(db, { serviceId: 'building-permit' });
    t.equal((await run(startVariables(request, { floorArea: 0 }))).variables.result, 'no-fee');
  });
});

t.test('payment handlers', async (t) => {
  const { db, client } = await startTestEngine(t);
  const { gateway, callbackUrl } = await startSandboxBank(t, db, client);

  t.test('a re-delivered job creates one payment and one gateway token', async (t) => {
    const handlers = createPaymentHandlers({ db, logger: silentLogger, gateway, callbackUrl });
    const request = await seedRequest(db, { serviceId: 'building-permit' });
    const job = jobOf({ variables: startVariables(request, { floorArea: 50 }) });
    const first = await handlers.request(job);
    const second = await handlers.request(job);
    t.same(second, first);
    t.equal((await db('payments').where({ request_id: request.id })).length, 1);
    t.equal((await db('sandbox_gateway_transactions').where({ order_id: (first as { complete: { paymentId: string } }).complete.paymentId })).length, 1);
  });

  t.test('the gateway is down, then back: the retry reuses the payment', async (t) => {
    let down = true;
    const flaky: PaymentGateway = {
      name: 'sandbox',
      paymentPageUrl: (token) => gateway.paymentPageUrl(token),
      requestToken: async (request) => { if (down) throw new Error('connect ECONNREFUSED'); return gateway.requestToken(request); },
      verify: (token) => gateway.verify(token),
      reverse: (token) => gateway.reverse(token),
    };
    const handlers = createPaymentHandlers({ db, logger: silentLogger, gateway: flaky, callbackUrl });
    const request = await seedRequest(db, { serviceId: 'building-permit' });
    const job = jobOf({ variables: startVariables(request, { floorArea: 50 }) });
    await t.rejects(handlers.request(job), /ECONNREFUSED/);
    t.equal((await db('payments').where({ request_id: request.id }).first()).gateway_token, null);
    down = false;
    const outcome = await handlers.request({ ...job, retries: 2 });
    t.ok('complete' in outcome);
    const rows = await db('payments').where({ request_id: request.id });
    t.equal(rows.length, 1);
    t.equal(rows[0].status, 'pending');
  });

  t.test('the gateway declines a tiny amount: PAYMENT_DECLINED, also on re-delivery', async (t) => {
    const handlers = createPaymentHandlers({ db, logger: silentLogger, gateway, callbackUrl });
    const request = await seedRequest(db, { serviceId: 'building-permit' });
    // 1 m² of a renovation-like rate below the gateway minimum: use per-square-metre with a small area.
    const job = jobOf({ variables: { ...startVariables(request, { floorArea: 0.001 }) } });
    const outcome = await handlers.request(job);
    t.match(outcome, { bpmnError: { code: 'PAYMENT_DECLINED' } });
    t.match(await handlers.request(job), { bpmnError: { code: 'PAYMENT_DECLINED' } });
  });

  t.test('bad inputs fail permanently', async (t) => {
    const handlers = createPaymentHandlers({ db, logger: silentLogger, gateway, callbackUrl });
    const request = await seedRequest(db, { serviceId: 'building-permit' });
    await t.rejects(handlers.request(jobOf({ variables: { ...startVariables(request), serviceId: 'no-such-service' } })), /not in the catalogue/);
    await t.rejects(handlers.request(jobOf({ variables: startVariables(request, {}) })), /floorArea/);
    await t.rejects(handlers.request(jobOf({ variables: { serviceId: 'building-permit' } })), /requestId/);
  });

  t.test('a forged callback for another amount is reversed and fails', async (t) => {
    const handlers = createPaymentHandlers({ db, logger: silentLogger, gateway, callbackUrl });
    const request = await seedRequest(db, { serviceId: 'building-permit' });
    const outcome = (await handlers.request(jobOf({ variables: startVariables(request, { floorArea: 5 }) }))) as { complete: { paymentId: string; paymentUrl: string } };
    await db('payments').where({ id: outcome.complete.paymentId }).update({ amount: 999 });
    const { result } = await citizenPresses(outcome.complete.paymentUrl, 'pay');
    t.equal(result.status, 'failed');
    t.match(result.reason, /amount/);
    t.equal((await db('sandbox_gateway_transactions').where({ order_id: outcome.complete.paymentId }).first()).status, 'reversed');
  });

  t.test('the sweep verifies payments whose callback never came', async (t) => {
    const handlers = createPaymentHandlers({ db, logger: silentLogger, gateway, callbackUrl });
    const paidRequest = await seedRequest(db, { serviceId: 'building-permit' });
    const paid = (await handlers.request(jobOf({ variables: startVariables(paidRequest, { floorArea: 5 }) }))) as { complete: { paymentId: string; paymentUrl: string } };
    // The citizen pays; the redirect back to us is lost.
    await fetch(paid.complete.paymentUrl, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'action=pay' });
    const abandonedRequest = await seedRequest(db, { serviceId: 'building-permit' });
    const abandoned = (await handlers.request(jobOf({ variables: startVariables(abandonedRequest, { floorArea: 5 }) }))) as { complete: { paymentId: string } };
    const deps = { db, zeebe: client, gateway, logger: silentLogger };
    t.same(await reconcilePendingPayments(deps, 30), [], 'nothing is stale yet');
    await db('payments').whereIn('id', [paid.complete.paymentId, abandoned.complete.paymentId]).update({ created_at: db.raw(`now() - interval '31 minutes'`) });
    const results = await reconcilePendingPayments(deps, 30);
    t.same(results.map((r) => r.status).sort(), ['failed', 'paid']);
    t.equal((await db('payments').where({ id: paid.complete.paymentId }).first()).status, 'paid');
    t.equal((await db('payments').where({ id: abandoned.complete.paymentId }).first()).status, 'failed');
  });

  t.test('two workers processes sweeping at once share the stale payments: each is verified once', async (t) => {
    const handlers = createPaymentHandlers({ db, logger: silentLogger, gateway, callbackUrl });
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) {
      const request = await seedRequest(db, { serviceId: 'building-permit' });
      const created = (await handlers.request(jobOf({ variables: startVariables(request, { floorArea: 5 }) }))) as { complete: { paymentId: string; paymentUrl: string } };
      await fetch(created.complete.paymentUrl, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'action=pay' });
      ids.push(created.complete.paymentId);
    }
    await db('payments').whereIn('id', ids).update({ created_at: db.raw(`now() - interval '31 minutes'`) });
    // Each sweep asks a gateway that counts its verify calls and answers slowly, so the sweeps overlap.
    const verified: string[] = [];
    const counting = (): PaymentGateway => Object.assign(Object.create(gateway) as PaymentGateway, {
      verify: async (token: string) => {
        verified.push(token);
        await new Promise((resolve) => setTimeout(resolve, 50));
        return gateway.verify(token);
      },
    });
    const [first, second] = await Promise.all([
      reconcilePendingPayments({ db, zeebe: client, gateway: counting(), logger: silentLogger }, 30),
      reconcilePendingPayments({ db, zeebe: client, gateway: counting(), logger: silentLogger }, 30),
    ]);
    t.equal(first!.length + second!.length, ids.length, 'every payment settled by one of them');
    t.ok(first!.length > 0 && second!.length > 0, `both took a share (${first!.length} and ${second!.length})`);
    t.equal(new Set(verified).size, verified.length, 'no payment verified twice');
    t.same((await db('payments').whereIn('id', ids).pluck('status')).sort(), ids.map(() => 'paid'));
  });

  t.test('payment.reverse refunds a paid request once', async (t) => {
    const handlers = createPaymentHandlers({ db, logger: silentLogger, gateway, callbackUrl });
    const request = await seedRequest(db, { serviceId: 'building-permit' });
    const outcome = (await handlers.request(jobOf({ variables: startVariables(request, { floorArea: 5 }) }))) as { complete: { paymentId: string; paymentUrl: string } };
    await citizenPresses(outcome.complete.paymentUrl, 'pay');
    const reverse = jobOf({ variables: startVariables(request) });
    t.same(await handlers.reverse(reverse), { complete: { reversedPayments: 1 } });
    t.same(await handlers.reverse(reverse), { complete: { reversedPayments: 0 } });
    t.equal((await db('payments').where({ id: outcome.complete.paymentId }).first()).status, 'reversed');
  });
});
