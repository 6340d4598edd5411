// Request bookkeeping handlers against real PostgreSQL.
import t from 'tap';
import { createRequestHandlers } from '../../workers/request/handlers.ts';
import { createUserTaskHandlers } from '../../workers/user-tasks/handlers.ts';
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

t.test('user tasks are stored once per job key', async (t) => {
  const db = await createTestDatabase(t);
  const handlers = createUserTaskHandlers({ db, logger: silentLogger });
  const request = await seedRequest(db);
  const job = jobOf({
    elementId: 'UserTask_CheckDocuments',
    headers: {
      'io.camunda.zeebe:candidateGroups': '["district-12:clerk"]',
      'io.camunda.zeebe:formKey': '2251799813000123',
      'io.camunda.zeebe:dueDate': '2026-12-01T10:00:00Z',
    },
    variables: startVariables(request),
  });
  t.same(await handlers.store(job), { jobKey: job.jobKey, created: true });
  t.same(await handlers.store(job), { jobKey: job.jobKey, created: false });
  const rows = await db('user_tasks').where({ request_id: request.id });
  t.equal(rows.length, 1);
  t.same(rows[0].candidate_groups, ['district-12:clerk']);
  t.equal(rows[0].form_id, '2251799813000123');
  t.equal(rows[0].due_at.toISOString(), '2026-12-01T10:00:00.000Z');
  t.equal(rows[0].status, 'open');
});
