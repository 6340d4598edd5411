// A citizen who paid and then cancels gets the money back, once: the real
// bulky-waste-collection diagram (fee, then field work) with its shared
// payment and field-work processes on the embedded engine, the real request,
// SLA, notification and payment workers, and the sandbox bank gateway over
// HTTP. The reversal job is delivered twice, as Zeebe does when a worker dies
// after acting and before completing.
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { listDiagrams } from '../../processes/diagrams.ts';
import { formsDirectory, listFormIds } from '../../processes/forms/index.ts';
import type { WorkerDependencies } from '../../workers/index.ts';
import { bindJob } from '../../workers/job.ts';
import { notificationWorkers } from '../../workers/notification/index.ts';
import { createPaymentHandlers } from '../../workers/payment/handlers.ts';
import { paymentWorkers } from '../../workers/payment/index.ts';
import { requestWorkers } from '../../workers/request/index.ts';
import { slaWorkers } from '../../workers/sla/index.ts';
import { activate, startTestEngine } from '../engine/helpers.ts';
import { eventually } from '../helpers/eventually.ts';
import { startSandboxBank } from '../helpers/sandbox-bank.ts';
import { jobOf, seedRequest, silentLogger, startVariables } from '../workers/helpers.ts';

t.setTimeout(240_000);

const serviceId = 'bulky-waste-collection';


/** What the citizen's browser does on the payment page: press pay and follow the redirect to our callback. */
async function citizenPays(paymentUrl: string): Promise<Record<string, unknown>> {
  const answer = await fetch(paymentUrl, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'action=pay' });
  return (await (await fetch(answer.headers.get('location')!)).json()) as Record<string, unknown>;
}

t.test('cancelled after paying: payment.reverse in the diagram refunds once although its job is delivered twice', async (t) => {
  const { db, client } = await startTestEngine(t);
  for (const id of listFormIds()) await client.deployResource({ name: `${id}.form`, form: fs.readFileSync(path.join(formsDirectory, `${id}.form`)) });
  for (const diagram of listDiagrams().filter((file) => file.shared || file.id === serviceId)) {
    await client.deployResource({ name: path.basename(diagram.file), process: fs.readFileSync(diagram.file) });
  }
  const { gateway, callbackUrl, reversals } = await startSandboxBank(t, db, client);
  const deps: WorkerDependencies = { zeebe: client, db, logger: silentLogger, publicUrl: 'http://localhost:3000' };
  for (const family of [requestWorkers(deps), slaWorkers(deps), notificationWorkers(deps)]) t.teardown(() => family.close());
  const handlers = createPaymentHandlers({ db, logger: silentLogger, gateway, callbackUrl });
  // Only payment.request at first: the reversal's first delivery goes to a worker that dies.
  const requester = bindJob(client, silentLogger, 'payment.request', handlers.request);
  t.teardown(() => requester.close());

  const request = await seedRequest(db, { serviceId });
  const finished = client.createProcessInstanceWithResult({ bpmnProcessId: serviceId, variables: startVariables(request), requestTimeout: 200_000 } as never) as unknown as Promise<{ variables: Record<string, unknown> }>;

  const pending = await eventually('the pending payment', () => db('payments').where({ request_id: request.id, status: 'pending' }).first(), { timeoutMs: 30_000 });
  t.equal(Number(pending.amount), 500_000, 'the fixed fee');
  t.match(await citizenPays(gateway.paymentPageUrl(pending.gateway_token)), { status: 'paid' });
  // Paid, and the process has gone on to the field work.
  await eventually('the request under review', async () => (await db('requests').where({ id: request.id }).first()).status === 'under-review', { timeoutMs: 30_000 });

  await client.publishMessage({ name: 'request-cancelled', correlationKey: request.id, messageId: `request-cancelled:${request.id}`, timeToLive: 600_000, variables: {} });
  const [raw] = await eventually('the reversal job', async () => {
    const jobs = await activate(client, 'payment.reverse', 1, 1_000, [], 2_000);
    return jobs.length > 0 ? jobs : undefined;
  }, { timeoutMs: 30_000 });
  t.equal(raw!.elementId, 'Task_ReversePayment');
  // The first delivery reverses, then its worker dies before completing the job.
  await handlers.reverse({
    jobKey: raw!.key, processInstanceKey: raw!.processInstanceKey, elementInstanceKey: raw!.elementInstanceKey, elementId: raw!.elementId,
    bpmnProcessId: raw!.bpmnProcessId, retries: raw!.retries, headers: raw!.customHeaders, variables: raw!.variables,
  });
  const reversed = await db('payments').where({ id: pending.id }).first();
  t.equal(reversed.status, 'reversed');
  t.ok(reversed.reversed_at);

  // The engine hands the job out again once its timeout passes; the real payment workers take it.
  const family = paymentWorkers(deps, { gateway, callbackUrl });
  t.teardown(() => family.close());
  const outcome = await finished;
  t.equal(outcome.variables.reversedPayments, 0, 'the second delivery, which completed the job, found nothing left to reverse');
  t.same(reversals, [pending.gateway_token], 'the bank was asked to reverse once');
  const row = await db('payments').where({ id: pending.id }).first();
  t.equal(row.status, 'reversed');
  t.equal(row.reversed_at.toISOString(), reversed.reversed_at.toISOString(), 'reversed once: the second delivery left the row alone');
  t.equal((await db('sandbox_gateway_transactions').where({ token: pending.gateway_token }).first()).status, 'reversed', 'the bank holds it reversed');
  t.match(await db('requests').where({ id: request.id }).first(), { status: 'closed', outcome: 'cancelled' }, 'the request is closed as cancelled');
  t.ok(await db('notifications').where({ request_id: request.id, template: 'request-cancelled' }).first(), 'the citizen is told');
});

// A re-delivery that overlaps the first (the first worker still waiting on
// the bank when the job times out) must not ask the bank twice either: the
// handler locks the paid row while it asks.
t.test('two deliveries of payment.reverse at once ask the bank once', async (t) => {
  const { db, client } = await startTestEngine(t);
  const { gateway, callbackUrl, reversals } = await startSandboxBank(t, db, client);
  const handlers = createPaymentHandlers({ db, logger: silentLogger, gateway, callbackUrl });
  const request = await seedRequest(db, { serviceId });
  const opened = await handlers.request(jobOf({ variables: startVariables(request) })) as { complete: { paymentId: string } };
  const payment = await db('payments').where({ id: opened.complete.paymentId }).first();
  t.match(await citizenPays(gateway.paymentPageUrl(payment.gateway_token)), { status: 'paid' });
  const job = jobOf({ variables: startVariables(request), elementId: 'Task_ReversePayment' });
  await Promise.all([handlers.reverse(job), handlers.reverse(job)]);
  t.equal((await db('payments').where({ id: payment.id }).first()).status, 'reversed');
  t.same(reversals, [payment.gateway_token], 'one reversal asked of the bank');
});
