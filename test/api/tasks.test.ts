// The task list against the engine and the user-task worker: a user task of
// a deployed diagram shows up for its candidate group only, is claimed by one
// person, and completes the engine job with the form's data validated.
import fs from 'node:fs';
import pino from 'pino';
import t from 'tap';
import { userTaskWorkers } from '../../workers/user-tasks/index.ts';
import type { Logger } from '../../platform/logger.ts';
import { signInCitizen, signInStaff, startTestApi } from './helpers.ts';
import { treePruningForm, until, waitFor } from './fixtures.ts';

const diagram = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="Defs_TaskTest" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="task-list-test" isExecutable="true">
    <bpmn:startEvent id="Start_Test" />
    <bpmn:userTask id="UserTask_Decide" name="بررسی و تصمیم">
      <bpmn:extensionElements>
        <zeebe:formDefinition formId="task-approval" />
        <zeebe:assignmentDefinition candidateGroups="=[group]" />
        <zeebe:taskSchedule dueDate="=dueDate" />
      </bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:serviceTask id="Task_After"><bpmn:extensionElements><zeebe:taskDefinition type="test.after-task" /></bpmn:extensionElements></bpmn:serviceTask>
    <bpmn:endEvent id="End_Test" />
    <bpmn:sequenceFlow id="Flow_1" sourceRef="Start_Test" targetRef="UserTask_Decide" />
    <bpmn:sequenceFlow id="Flow_2" sourceRef="UserTask_Decide" targetRef="Task_After" />
    <bpmn:sequenceFlow id="Flow_3" sourceRef="Task_After" targetRef="End_Test" />
  </bpmn:process>
</bpmn:definitions>`;

t.test('task list', async (t) => {
  const api = await startTestApi(t);
  const { app, db, zeebe } = api;
  await zeebe.deployResource({ name: 'task-approval.form', form: fs.readFileSync(new URL('../../processes/forms/task-approval.form', import.meta.url)) });
  await zeebe.deployResource({ name: 'task-list-test.bpmn', process: Buffer.from(diagram) });
  const workers = userTaskWorkers({ zeebe, db, logger: pino({ level: 'silent' }) as Logger, publicUrl: app.config.publicUrl });
  t.teardown(() => workers.close());
  const after: Array<Record<string, unknown>> = [];
  const afterWorker = zeebe.createWorker({ taskType: 'test.after-task', taskHandler: (job) => { after.push(job.variables); return job.complete(); } });
  t.teardown(() => afterWorker.close(1_000).catch(() => undefined));

  const citizen = await signInCitizen(api, '0013542419', '09121234567');
  const filed = (await app.inject({ method: 'POST', url: '/api/requests', headers: citizen, payload: { serviceId: 'tree-pruning', districtId: 12, form: treePruningForm } })).json();
  await zeebe.createProcessInstance({
    bpmnProcessId: 'task-list-test',
    variables: { requestId: filed.id, trackingCode: filed.trackingCode, serviceId: 'tree-pruning', group: 'district-12:clerk', dueDate: '2026-12-01T10:00:00Z' },
  });
  const task = await until(() => db('user_tasks').where({ request_id: filed.id }).first(), 'the stored user task');
  const base = `/api/tasks/${task.job_key}`;

  const clerk = await signInStaff(api, 'clerk-12', 'clerk', 12);
  const colleague = await signInStaff(api, 'clerk-12b', 'clerk', 12);
  const clerk5 = await signInStaff(api, 'clerk-5', 'clerk', 5);
  const inspector = await signInStaff(api, 'inspector-12', 'inspector', 12);

  await t.test('only the candidate group sees it', async (t) => {
    const list = await app.inject({ url: '/api/tasks', headers: clerk });
    t.equal(list.statusCode, 200);
    t.match(list.json(), [{ jobKey: task.job_key, name: 'UserTask_Decide', trackingCode: filed.trackingCode, candidateGroups: ['district-12:clerk'], dueAt: '2026-12-01T10:00:00.000Z' }]);
    t.same((await app.inject({ url: '/api/tasks', headers: clerk5 })).json(), [], 'another district');
    t.same((await app.inject({ url: '/api/tasks', headers: inspector })).json(), [], 'another role');
    t.equal((await app.inject({ url: '/api/tasks', headers: citizen })).statusCode, 403, 'citizens have no task list');
    t.equal((await app.inject({ url: '/api/tasks' })).statusCode, 401);
    t.equal((await app.inject({ url: base, headers: clerk5 })).statusCode, 404);
  });

  await t.test('the task comes with its form and its request', async (t) => {
    const detail = (await app.inject({ url: base, headers: clerk })).json();
    t.equal(detail.forms[0].id, 'task-approval');
    t.match(detail.request, { trackingCode: filed.trackingCode, form: { treeCount: 3 }, documents: [], timeline: [{ kind: 'submitted' }] });
  });

  await t.test('claim, hand back, complete with the form validated', async (t) => {
    const complete = (headers: Record<string, string>, variables: object) => app.inject({ method: 'POST', url: `${base}/complete`, headers, payload: { variables } });
    t.equal((await complete(clerk, { approvalDecision: 'approve' })).statusCode, 409, 'claim first');
    t.equal((await app.inject({ method: 'POST', url: `${base}/claim`, headers: clerk })).json().assignee, 'clerk-12');
    t.equal((await app.inject({ method: 'POST', url: `${base}/claim`, headers: colleague })).statusCode, 409, 'taken');
    t.equal((await app.inject({ method: 'POST', url: `${base}/unclaim`, headers: colleague })).statusCode, 403, 'not theirs to hand back');
    t.equal((await app.inject({ method: 'POST', url: `${base}/unclaim`, headers: clerk })).json().assignee, null);
    t.same((await app.inject({ url: '/api/tasks?unassigned=true', headers: colleague })).json().map((x: { jobKey: string }) => x.jobKey), [task.job_key]);
    await app.inject({ method: 'POST', url: `${base}/claim`, headers: clerk });
    t.same((await app.inject({ url: '/api/tasks?mine=true', headers: colleague })).json(), []);

    const invalid = await complete(clerk, { approvalDecision: 'return' });
    t.equal(invalid.statusCode, 400);
    t.equal(invalid.json().errors[0].path, '/body/variables/approvalReason');
    t.equal((await complete(clerk, { approvalDecision: 'maybe' })).statusCode, 400);
    const done = await complete(clerk, { approvalDecision: 'return', approvalReason: 'نقشه پیوست نشده است' });
    t.equal(done.statusCode, 200, done.body);
    const next = await waitFor(() => after.find((v) => v.requestId === filed.id), 'the next step');
    t.match(next, { approvalDecision: 'return', approvalReason: 'نقشه پیوست نشده است' });
    t.match(await db('user_tasks').where({ job_key: task.job_key }).first(), { status: 'completed', completed_by: 'clerk-12' });
    t.equal((await complete(clerk, { approvalDecision: 'approve' })).statusCode, 409, 'once');
    t.same((await app.inject({ url: '/api/tasks', headers: clerk })).json(), [], 'gone from the list');
  });
});
