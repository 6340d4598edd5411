// notification.send writes the outbox once; the sender delivers through a
// provider, survives a provider failure, and never sends twice, also with
// two senders (two workers processes) at once.
import t from 'tap';
import { createNotificationHandlers } from '../../workers/notification/handlers.ts';
import { RecordingProvider, type NotificationProvider, type OutgoingMessage } from '../../domain/notifications/provider.ts';
import { createNotificationSender } from '../../domain/notifications/sender.ts';
import { renderTemplate } from '../../domain/notifications/templates.ts';
import { notificationTemplates } from '../../processes/catalogue/contract.ts';
import { PermanentFault } from '../../workers/job.ts';
import { createKnex } from '../../platform/database.ts';
import { createTestDatabase, createTestDatabaseUrl } from '../helpers/database.ts';
import { jobOf, seedRequest, silentLogger, startVariables } from './helpers.ts';

const now = () => new Date('2026-11-29T08:00:00Z'); // ۸ آذر ۱۴۰۵

t.test('every template carries the tracking code and a Jalali date', async (t) => {
  for (const id of notificationTemplates) {
    const text = renderTemplate(id, { trackingCode: '1405ab12', serviceName: 'هرس درختان', now: now() });
    t.match(text, /۱۴۰۵ab۱۲/, id);
    t.match(text, /آذر ۱۴۰۵/, id);
  }
});

t.test('notification.send', async (t) => {
  const db = await createTestDatabase(t);
  const handlers = createNotificationHandlers({ db, logger: silentLogger, now });

  t.test('given a job delivered twice, one SMS is queued (and one e-mail where given)', async (t) => {
    const request = await seedRequest(db);
    const variables = { ...startVariables(request), citizen: { ...request.citizen, email: 'maryam@example.ir' }, amount: 1_500_000 };
    const job = jobOf({ headers: { template: 'payment-requested' }, variables });
    await handlers.send(job);
    await handlers.send(job);
    const rows = await db('notifications').where({ request_id: request.id }).orderBy('channel');
    t.same(rows.map((row) => row.channel), ['email', 'sms']);
    t.equal(rows[1].recipient, '09121234567');
    t.match(rows[1].body, /۱٬۵۰۰٬۰۰۰ ریال/);
  });

  t.test('staff groups are notified without a citizen', async (t) => {
    const request = await seedRequest(db);
    await handlers.send(jobOf({ headers: { template: 'sla-escalated' }, variables: { requestId: request.id, recipientGroup: 'district-12:manager' } }));
    const row = await db('notifications').where({ request_id: request.id }).first();
    t.equal(row.channel, 'staff');
    t.equal(row.recipient, 'district-12:manager');
  });

  t.test('bad inputs fail permanently', async (t) => {
    const request = await seedRequest(db);
    await t.rejects(handlers.send(jobOf({ headers: { template: 'no-such' }, variables: startVariables(request) })), PermanentFault);
    await t.rejects(handlers.send(jobOf({ headers: {}, variables: startVariables(request) })), PermanentFault);
    await t.rejects(handlers.send(jobOf({ headers: { template: 'request-received' }, variables: { requestId: request.id } })), /citizen/);
  });
});

t.test('the sender delivers each message once, across a provider failure', async (t) => {
  const db = await createTestDatabase(t);
  const handlers = createNotificationHandlers({ db, logger: silentLogger, now });
  const request = await seedRequest(db);
  await handlers.send(jobOf({ headers: { template: 'request-received' }, variables: startVariables(request) }));
  await handlers.send(jobOf({ headers: { template: 'request-completed' }, variables: startVariables(request) }));

  const recording = new RecordingProvider();
  let down = true;
  const flaky: NotificationProvider = {
    name: 'flaky',
    async send(message: OutgoingMessage) {
      if (down) throw new Error('provider timeout');
      await recording.send(message);
    },
  };
  const sender = createNotificationSender({ db, provider: flaky, logger: silentLogger, maxAttempts: 3 });

  t.same(await sender.deliverPending(), { sent: 0, failed: 1 });
  const afterFailure = await db('notifications').where({ request_id: request.id }).orderBy('id');
  t.same(afterFailure.map((row) => [row.status, row.attempts]), [['pending', 1], ['pending', 0]]);

  down = false;
  t.same(await sender.deliverPending(), { sent: 2, failed: 0 });
  t.same(await sender.deliverPending(), { sent: 0, failed: 0 });
  t.equal(recording.sent.length, 2);
  t.match(recording.sent[0]!.body, /ثبت شد/);
  const rows = await db('notifications').where({ request_id: request.id });
  t.ok(rows.every((row) => row.status === 'sent' && row.sent_at));
});

t.test('a failure in the middle of a batch keeps what was sent before it and leaves the rest pending', async (t) => {
  const db = await createTestDatabase(t);
  const handlers = createNotificationHandlers({ db, logger: silentLogger, now });
  const request = await seedRequest(db);
  for (const template of ['request-received', 'request-completed', 'request-rejected']) {
    await handlers.send(jobOf({ headers: { template }, variables: { ...startVariables(request), reason: 'x' } }));
  }
  const sent: string[] = [];
  const secondFails: NotificationProvider = {
    name: 'second-fails',
    async send(message: OutgoingMessage) {
      if (sent.length === 1) throw new Error('provider timeout');
      sent.push(message.id);
    },
  };
  const sender = createNotificationSender({ db, provider: secondFails, logger: silentLogger, batch: 10 });
  t.same(await sender.deliverPending(), { sent: 1, failed: 1 });
  const rows = await db('notifications').where({ request_id: request.id }).orderBy('id');
  t.same(rows.map((row) => [row.status, row.attempts]), [['sent', 1], ['pending', 1], ['pending', 0]]);
  t.ok(rows[0].sent_at, 'the first is marked sent with its time');
  t.same(sent, [rows[0].dedupe_key], 'sent under its dedupe key');
});

t.test('a message the provider keeps refusing ends failed for an operator', async (t) => {
  const db = await createTestDatabase(t);
  const handlers = createNotificationHandlers({ db, logger: silentLogger, now });
  const request = await seedRequest(db);
  await handlers.send(jobOf({ headers: { template: 'request-received' }, variables: startVariables(request) }));
  const sender = createNotificationSender({ db, provider: { name: 'down', send: async () => { throw new Error('down'); } }, logger: silentLogger, maxAttempts: 2 });
  await sender.deliverPending();
  await sender.deliverPending();
  const row = await db('notifications').where({ request_id: request.id }).first();
  t.equal(row.status, 'failed');
  t.equal(row.attempts, 2);
});

t.test('two workers processes send the outbox together: each message once, the work shared', async (t) => {
  // Each sender on its own connection pool, as two `npm run workers` processes are.
  const url = await createTestDatabaseUrl(t);
  const [first, second] = [createKnex(url), createKnex(url)];
  t.teardown(() => Promise.all([first.destroy(), second.destroy()]));
  const handlers = createNotificationHandlers({ db: first, logger: silentLogger, now });
  for (let i = 0; i < 15; i++) {
    const request = await seedRequest(first);
    await handlers.send(jobOf({ headers: { template: 'request-received' }, variables: startVariables(request) }));
  }
  const pending = Number((await first('notifications').where({ status: 'pending' }).count('* as n'))[0]!.n);
  t.ok(pending >= 15, `${pending} messages pending`);
  // A provider that takes its time, so both senders are at work at once.
  const sent: Array<{ sender: string; id: string }> = [];
  const provider = (sender: string): NotificationProvider => ({
    name: sender,
    async send(message: OutgoingMessage) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      sent.push({ sender, id: message.id });
    },
  });
  const reports = await Promise.all([
    createNotificationSender({ db: first, provider: provider('first'), logger: silentLogger }).deliverPending(100),
    createNotificationSender({ db: second, provider: provider('second'), logger: silentLogger }).deliverPending(100),
  ]);
  t.equal(reports[0]!.sent + reports[1]!.sent, pending, 'every message sent');
  t.equal(new Set(sent.map((message) => message.id)).size, sent.length, 'none twice');
  t.ok(reports.every((report) => report.sent > 0), 'both senders took a share', { reports });
  t.equal(Number((await first('notifications').where({ status: 'pending' }).count('* as n'))[0]!.n), 0, 'nothing left pending');
});
