// User tasks: a task row carries the Persian name and the form of the diagram
// version its instance runs (a version deployed from the modeler, else the
// repository's file), and the stale-task sweep closes rows whose job the
// engine has ended, asking the real engine over gRPC.
import fs from 'node:fs';
import t from 'tap';
import { saveFormVersion, recordFormDeployment } from '../../domain/process-design/forms.ts';
import { recordDeployment, saveVersion } from '../../domain/process-design/versions.ts';
import { startWorkers } from '../../workers/index.ts';
import { createTaskStore } from '../../domain/user-tasks/store.ts';
import { userTaskWorkers } from '../../workers/user-tasks/index.ts';
import { backfillLegacyTasks } from '../../domain/user-tasks/legacy.ts';
import { sweepStaleTasks } from '../../domain/user-tasks/sweep.ts';
import { bpmn, flow, userTask } from '../helpers/diagrams.ts';
import { eventually } from '../helpers/eventually.ts';
import { deployServices } from '../helpers/services.ts';
import { signInCitizen, signInStaff, startTestApi } from '../api/helpers.ts';
import { treePruningForm } from '../api/fixtures.ts';
import { createTestDatabase } from '../helpers/database.ts';
import { startTestEngine } from './engine.ts';
import { jobOf, seedRequest, silentLogger, startVariables } from './helpers.ts';

const formFile = (id: string) => fs.readFileSync(new URL(`../../processes/forms/${id}.form`, import.meta.url));

/** A review step as an analyst might save it: its name and linked form vary by version. */
const reviewDiagram = (processId: string, name: string, formId: string) => bpmn(processId, `
    <bpmn:startEvent id="Start" />
    ${userTask('UserTask_Review', { name, formId, candidateGroups: 'district-12:clerk' })}
    <bpmn:endEvent id="End" />
    ${flow('f0', 'Start', 'UserTask_Review')}
    ${flow('f1', 'UserTask_Review', 'End')}`);

t.test('storing a task', async (t) => {
  const db = await createTestDatabase(t);
  const handlers = createTaskStore({ db, logger: silentLogger });

  t.test('given a job of a repository diagram delivered twice, one row with the element\'s Persian name and linked form', async (t) => {
    const request = await seedRequest(db);
    const job = {
      ...jobOf({
        bpmnProcessId: 'approval',
        elementId: 'UserTask_Decide',
        retries: 3,
        headers: {
          'io.camunda.zeebe:candidateGroups': '["district-12:clerk"]',
          'io.camunda.zeebe:formKey': '2251799813000123',
          'io.camunda.zeebe:dueDate': '2026-12-01T10:00:00Z',
        },
        variables: startVariables(request),
      }),
      processDefinitionKey: '2251799813000777',
    };
    t.same(await handlers.store(job), { jobKey: job.jobKey, created: true });
    t.same(await handlers.store(job), { jobKey: job.jobKey, created: false });
    const rows = await db('user_tasks').where({ request_id: request.id });
    t.equal(rows.length, 1);
    t.match(rows[0], {
      name: 'بررسی و تصمیم', element_id: 'UserTask_Decide', form_id: 'task-approval', form_key: '2251799813000123',
      process_definition_key: '2251799813000777', job_retries: 3, status: 'open', candidate_groups: ['district-12:clerk'],
    });
    t.equal(rows[0].due_at.toISOString(), '2026-12-01T10:00:00.000Z');
  });

  t.test('given a diagram no version of ours holds, the element id names it and the form key says what it can', async (t) => {
    const unknown = (formKey: string) => ({ ...jobOf({ bpmnProcessId: 'deployed-elsewhere', elementId: 'UserTask_Somewhere', headers: { 'io.camunda.zeebe:formKey': formKey } }), processDefinitionKey: '2251799813000888' });
    const byEngineKey = unknown('2251799813000999');
    await handlers.store(byEngineKey);
    t.match(await db('user_tasks').where({ job_key: byEngineKey.jobKey }).first(), { name: 'UserTask_Somewhere', form_id: null, form_key: '2251799813000999' });
    const byFormId = unknown('task-response');
    await handlers.store(byFormId);
    t.match(await db('user_tasks').where({ job_key: byFormId.jobKey }).first(), { form_id: 'task-response' });
    await saveFormVersion(db, { formId: 'task-work-report', schema: formFile('task-work-report').toString(), author: 'analyst-12' });
    await recordFormDeployment(db, { formId: 'task-work-report', version: 1, formKey: '2251799813000555', engineVersion: 2 });
    const bySavedForm = unknown('2251799813000555');
    await handlers.store(bySavedForm);
    t.match(await db('user_tasks').where({ job_key: bySavedForm.jobKey }).first(), { form_id: 'task-work-report' }, 'a form deployed from the modeler is known by its key');
  });

  t.test('rows stored before their definition was recorded get names and forms from the repository', async (t) => {
    const request = await seedRequest(db, { serviceId: 'tree-pruning' });
    const legacy = (jobKey: string, elementId: string, serviceId: string) => ({
      job_key: jobKey, request_id: request.id, process_instance_key: '1', element_id: elementId, name: elementId,
      form_id: null, form_key: '2251799813000123', variables: { serviceId },
    });
    await db('user_tasks').insert([
      legacy('9000001', 'UserTask_CheckDocuments', 'building-permit'),
      // UserTask_Perform is in field-work and in response: tree pruning calls field-work.
      legacy('9000002', 'UserTask_Perform', 'tree-pruning'),
      legacy('9000003', 'UserTask_Perform', 'no-such-service'),
    ]);
    t.equal(await backfillLegacyTasks({ db, logger: silentLogger }), 2);
    const rows = await db('user_tasks').whereIn('job_key', ['9000001', '9000002', '9000003']).orderBy('job_key');
    t.match(rows.map((row) => [row.name, row.form_id]), [
      ['بررسی مدارک', 'task-document-check'], ['انجام کار و ثبت گزارش', 'task-work-report'], ['UserTask_Perform', null],
    ], 'an ambiguous element keeps its id');
    t.equal(await backfillLegacyTasks({ db, logger: silentLogger }), 0, 'a second start changes nothing');
  });
});

t.test('the name and form come from the version the instance runs', async (t) => {
  const { db, client } = await startTestEngine(t);
  for (const form of ['task-approval', 'task-response']) await client.deployResource({ name: `${form}.form`, form: formFile(form) });
  const family = userTaskWorkers({ zeebe: client, db, logger: silentLogger, publicUrl: 'http://localhost:3000' });
  t.teardown(() => family.close());

  // What the modeler does: save a version, deploy it, record the engine's key on it.
  const deployFromModeler = async (name: string, formId: string) => {
    const xml = reviewDiagram('review-versions', name, formId);
    const saved = await saveVersion(db, { processId: 'review-versions', xml, author: 'analyst-12' });
    const result = await client.deployResource({ name: 'review-versions.bpmn', process: Buffer.from(xml) });
    const process = (result.deployments[0] as unknown as { process: { processDefinitionKey: string; version: number } }).process;
    await recordDeployment(db, { processId: 'review-versions', version: saved.version, deployedBy: 'analyst-12', processDefinitionKey: String(process.processDefinitionKey), engineVersion: process.version });
    return { key: String(process.processDefinitionKey), version: process.version };
  };
  const taskOf = async (processInstanceKey: string) => eventually('the stored task', () => db('user_tasks').where({ process_instance_key: processInstanceKey }).first(), { timeoutMs: 10_000 });

  const { key: firstKey, version: firstVersion } = await deployFromModeler('بررسی\nنخست', 'task-approval');
  const first = await client.createProcessInstance({ bpmnProcessId: 'review-versions', variables: {} });
  t.match(await taskOf(first.processInstanceKey), { name: 'بررسی نخست', form_id: 'task-approval', process_definition_key: firstKey, element_id: 'UserTask_Review' }, 'line breaks in a name collapse');

  const { key: secondKey } = await deployFromModeler('بازبینی پاسخ', 'task-response');
  t.not(secondKey, firstKey);
  const second = await client.createProcessInstance({ bpmnProcessId: 'review-versions', variables: {} });
  t.match(await taskOf(second.processInstanceKey), { name: 'بازبینی پاسخ', form_id: 'task-response', process_definition_key: secondKey });
  t.match(await db('user_tasks').where({ process_instance_key: first.processInstanceKey }).first(), { name: 'بررسی نخست', form_id: 'task-approval' }, 'the older instance keeps its version\'s name');

  // An instance started on the older version after the newer one was deployed still gets the older name.
  const third = await client.createProcessInstance({ bpmnProcessId: 'review-versions', version: firstVersion, variables: {} });
  t.match(await taskOf(third.processInstanceKey), { name: 'بررسی نخست', process_definition_key: firstKey });
});

t.test('the sweep closes tasks whose job the engine ended', async (t) => {
  t.test('a request is cancelled: its task leaves the list within one sweep', async (t) => {
    const api = await startTestApi(t);
    const { app, db, zeebe } = api;
    await deployServices(zeebe, silentLogger, ['tree-pruning']);
    // The periodic sweep stays out of the way: this test runs one sweep by hand.
    const running = startWorkers({ zeebe, db, logger: silentLogger, publicUrl: app.config.publicUrl });
    t.teardown(() => running.stop());

    const inspector = await signInStaff(api, 'inspector-12', 'inspector', 12);
    const citizen = await signInCitizen(api, '0013542419', '09121234567');
    const filed = (await app.inject({ method: 'POST', url: '/api/requests', headers: citizen, payload: { serviceId: 'tree-pruning', districtId: 12, form: treePruningForm } })).json();
    const task = await eventually('the open task', () => db('user_tasks').where({ request_id: filed.id, status: 'open' }).first(), { timeoutMs: 20_000 });
    const listed = async () => (await app.inject({ url: '/api/tasks', headers: inspector })).json() as Array<{ jobKey: string; name: string }>;
    t.match(await listed(), [{ jobKey: task.job_key, name: 'بازدید و ثبت یافته‌ها' }], 'the inspector has the findings task');

    const live = await sweepStaleTasks({ db, zeebe, logger: silentLogger }, { recheckAfterMs: 0 });
    t.match(live, { asked: 1, closed: [] }, 'a live task is asked about and left open');
    t.equal((await db('user_tasks').where({ job_key: task.job_key }).first()).status, 'open');

    t.equal((await app.inject({ method: 'POST', url: `/api/requests/${filed.trackingCode}/cancel`, headers: citizen })).statusCode, 202);
    await eventually('the cancelled request closed', () => db('requests').where({ id: filed.id, outcome: 'cancelled' }).whereNotNull('closed_at').first(), { timeoutMs: 15_000 });
    t.equal((await listed()).length, 1, 'the request closed, but nothing has told the task list yet');

    const swept = await sweepStaleTasks({ db, zeebe, logger: silentLogger });
    t.same(swept.closed, [task.job_key], 'one sweep closes it, though it was checked a moment ago');
    t.same(await listed(), [], 'gone from the list');
    const row = await db('user_tasks').where({ job_key: task.job_key }).first();
    t.equal(row.status, 'cancelled');
    t.ok(row.cancelled_at);
    t.match(await db('inspection_visits').where({ request_id: filed.id }).first(), { status: 'cancelled' }, 'the visit no longer counts against the inspector');
    t.match(await sweepStaleTasks({ db, zeebe, logger: silentLogger }), { asked: 0, closed: [] }, 'a second sweep has nothing to do');
  });

  t.test('a boundary timer ends one task: the periodic sweep closes it, and the live task beside it still completes', async (t) => {
    const { db, client } = await startTestEngine(t);
    await client.deployResource({ name: 'timed-review.bpmn', process: Buffer.from(bpmn('timed-review', `
    <bpmn:startEvent id="Start" />
    <bpmn:parallelGateway id="Fork" />
    ${userTask('UserTask_Timed', { name: 'کار زمان‌دار' })}
    <bpmn:boundaryEvent id="Timer_Late" attachedToRef="UserTask_Timed" cancelActivity="true">
      <bpmn:timerEventDefinition><bpmn:timeDuration>PT1S</bpmn:timeDuration></bpmn:timerEventDefinition>
    </bpmn:boundaryEvent>
    ${userTask('UserTask_Untimed', { name: 'کار بی‌زمان' })}
    <bpmn:endEvent id="End_Timed" /><bpmn:endEvent id="End_Late" /><bpmn:endEvent id="End_Untimed" />
    ${flow('f0', 'Start', 'Fork')}
    ${flow('f1', 'Fork', 'UserTask_Timed')}
    ${flow('f2', 'Fork', 'UserTask_Untimed')}
    ${flow('f3', 'UserTask_Timed', 'End_Timed')}
    ${flow('f4', 'Timer_Late', 'End_Late')}
    ${flow('f5', 'UserTask_Untimed', 'End_Untimed')}`)) });
    const family = userTaskWorkers({ zeebe: client, db, logger: silentLogger, publicUrl: 'http://localhost:3000' }, { sweepIntervalMs: 300, sweep: { recheckAfterMs: 0 } });
    t.teardown(() => family.close());

    const instance = await client.createProcessInstance({ bpmnProcessId: 'timed-review', variables: {} });
    const timed = await eventually('the timed task cancelled by its timer', () => db('user_tasks').where({ process_instance_key: instance.processInstanceKey, element_id: 'UserTask_Timed', status: 'cancelled' }).first(), { timeoutMs: 10_000 });
    t.ok(timed.cancelled_at, 'the timer fired and a sweep noticed');
    const untimed = await db('user_tasks').where({ process_instance_key: instance.processInstanceKey, element_id: 'UserTask_Untimed' }).first();
    t.equal(untimed.status, 'open');
    t.ok(untimed.checked_at, 'it was asked about, and is alive');
    await t.resolves(client.completeJob({ jobKey: untimed.job_key, variables: {} }), 'being asked about did not disturb the live job');
  });
});
