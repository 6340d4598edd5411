// Request bookkeeping handlers against real PostgreSQL. (Storing user tasks
// is tested in user-tasks.test.ts.)
import t from 'tap';
import { createRequestHandlers } from '../../workers/request/handlers.ts';
import { PermanentFault } from '../../workers/job.ts';
import { createTestDatabase } from '../helpers/database.ts';
import { jobOf, seedRequest, silentLogger, startVariables } from './helpers.ts';

t.test('request.status', async (t) => {
  const db = await createTestDatabase(t);
  const handlers = createRequestHandlers({ db, logger: silentLogger });

  t.test('given a milestone job delivered twice, it is recorded once and sets the status', async (t) => {
    const request = await seedRequest(db);
    const job = jobOf({ headers: { status: 'under-review' }, elementId: 'Task_RecordUnderReview', variables: startVariables(request) });
    t.same(await handlers.status(job), { complete: {} });
    t.same(await handlers.status(job), { complete: {} });
    const events = await db('request_events').where({ request_id: request.id });
    t.equal(events.length, 1);
    t.equal(events[0].kind, 'under-review');
    t.equal(events[0].element_id, 'Task_RecordUnderReview');
    t.equal((await db('requests').where({ id: request.id }).first()).status, 'under-review');
  });

  t.test('a rejection keeps its reason in the timeline', async (t) => {
    const request = await seedRequest(db);
    await handlers.status(jobOf({ headers: { status: 'rejected' }, variables: { ...startVariables(request), reason: 'مدارک ناقص' } }));
    const event = await db('request_events').where({ request_id: request.id }).first();
    t.same(event.data, { reason: 'مدارک ناقص' });
  });

  t.test('bad inputs fail permanently', async (t) => {
    const request = await seedRequest(db);
    await t.rejects(handlers.status(jobOf({ headers: { status: 'flying' }, variables: startVariables(request) })), PermanentFault);
    await t.rejects(handlers.status(jobOf({ headers: { status: 'approved' }, variables: {} })), /requestId/);
    await t.rejects(handlers.status(jobOf({ headers: { status: 'approved' }, variables: { requestId: '00000000-0000-4000-8000-000000000000' } })), /does not exist/);
    await t.rejects(handlers.status(jobOf({ headers: { status: 'approved' }, variables: { requestId: 'nonsense' } })), PermanentFault);
  });
});

t.test('request.close', async (t) => {
  const db = await createTestDatabase(t);
  const handlers = createRequestHandlers({ db, logger: silentLogger });

  t.test('closes once with its outcome; a later milestone does not reopen it', async (t) => {
    const request = await seedRequest(db);
    const job = jobOf({ variables: { ...startVariables(request), outcome: 'completed' } });
    await handlers.close(job);
    const first = await db('requests').where({ id: request.id }).first();
    await handlers.close(job);
    const second = await db('requests').where({ id: request.id }).first();
    t.equal(second.status, 'closed');
    t.equal(second.outcome, 'completed');
    t.same(second.closed_at, first.closed_at);
    await handlers.status(jobOf({ headers: { status: 'approved' }, variables: startVariables(request) }));
    t.equal((await db('requests').where({ id: request.id }).first()).status, 'closed');
    t.equal(await db('request_events').where({ request_id: request.id, kind: 'closed' }).count().first().then((r) => Number(r!.count)), 1);
  });

  t.test('an unknown outcome fails permanently', async (t) => {
    const request = await seedRequest(db);
    await t.rejects(handlers.close(jobOf({ variables: { ...startVariables(request), outcome: 'maybe' } })), PermanentFault);
  });
});
