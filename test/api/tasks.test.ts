// The task list against the engine and the user-task worker: a user task of
// a diagram an analyst deployed shows up with its Persian name for its
// candidate group only, is claimed by one person, and completes the engine
// job with the form's data validated; the list filters, sorts, pages and
// colours tasks by SLA for the workspace.
import fs from 'node:fs';
import pino from 'pino';
import t from 'tap';
import type { ZBClient } from 'zeebe-node';
import type { Knex } from 'knex';
import { recordFormDeployment, saveFormVersion } from '../../domain/process-design/forms.ts';
import { recordDeployment, saveVersion } from '../../domain/process-design/versions.ts';
import { userTaskWorkers } from '../../workers/user-tasks/index.ts';
import type { Logger } from '../../platform/logger.ts';
import { signInCitizen, signInStaff, startTestApi } from './helpers.ts';
import { treePruningForm } from './fixtures.ts';
import { bpmn, chain, flow, serviceTask, userTask } from '../helpers/diagrams.ts';
import { eventually } from '../helpers/eventually.ts';

const diagram = chain('task-list-test', [
  { id: 'UserTask_Decide', xml: userTask('UserTask_Decide', { name: 'بررسی و تصمیم', formId: 'task-approval', candidateGroups: '=[group]', dueDate: '=dueDate' }) },
  { id: 'Task_After', xml: serviceTask('Task_After', 'test.after-task') },
]);

/** Deploys a diagram the way the modeler does: saved as a version, deployed, the engine's key recorded on it. */
async function deployFromModeler(db: Knex, zeebe: ZBClient, processId: string, xml: string): Promise<void> {
  const saved = await saveVersion(db, { processId, xml, author: 'analyst-12' });
  const result = await zeebe.deployResource({ name: `${processId}.bpmn`, process: Buffer.from(xml) });
  const process = (result.deployments[0] as unknown as { process: { processDefinitionKey: string; version: number } }).process;
  await recordDeployment(db, { processId, version: saved.version, deployedBy: 'analyst-12', processDefinitionKey: String(process.processDefinitionKey), engineVersion: process.version });
}

const approvalForm = fs.readFileSync(new URL('../../processes/forms/task-approval.form', import.meta.url));

t.test('task list', async (t) => {
  const api = await startTestApi(t);
  const { app, db, zeebe } = api;
  await zeebe.deployResource({ name: 'task-approval.form', form: approvalForm });
  await deployFromModeler(db, zeebe, 'task-list-test', diagram);
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
  const task = await eventually('the stored user task', () => db('user_tasks').where({ request_id: filed.id }).first());
  const base = `/api/tasks/${task.job_key}`;

  const clerk = await signInStaff(api, 'clerk-12', 'clerk', 12);
  const colleague = await signInStaff(api, 'clerk-12b', 'clerk', 12);
  const clerk5 = await signInStaff(api, 'clerk-5', 'clerk', 5);
  const inspector = await signInStaff(api, 'inspector-12', 'inspector', 12);

  await t.test('only the candidate group sees it', async (t) => {
    const list = await app.inject({ url: '/api/tasks', headers: clerk });
    t.equal(list.statusCode, 200);
    t.match(list.json(), [{
      jobKey: task.job_key, name: 'بررسی و تصمیم', elementId: 'UserTask_Decide', formId: 'task-approval',
      trackingCode: filed.trackingCode, serviceId: 'tree-pruning', candidateGroups: ['district-12:clerk'], dueAt: '2026-12-01T10:00:00.000Z',
      sla: /^(ok|near|breached)$/,
    }]);
    t.equal(list.headers['x-total-count'], '1');
    const otherDistrict = await app.inject({ url: '/api/tasks', headers: clerk5 });
    t.same(otherDistrict.json(), [], 'another district');
    t.equal(otherDistrict.headers['x-total-count'], '0');
    t.same((await app.inject({ url: '/api/tasks', headers: inspector })).json(), [], 'another role');
    t.equal((await app.inject({ url: '/api/tasks', headers: citizen })).statusCode, 403, 'citizens have no task list');
    t.equal((await app.inject({ url: '/api/tasks' })).statusCode, 401);
    t.equal((await app.inject({ url: base, headers: clerk5 })).statusCode, 404);
  });

  await t.test('the task comes with its form and its request', async (t) => {
    const detail = (await app.inject({ url: base, headers: clerk })).json();
    t.match(detail, { name: 'بررسی و تصمیم', elementId: 'UserTask_Decide', formId: 'task-approval', sla: /^(ok|near|breached)$/ });
    t.equal(detail.forms[0].id, 'task-approval');
    t.equal(detail.forms[0].components[1].label, 'تصمیم', 'the repository\'s form, as no analyst has deployed another');
    t.match(detail.request, { trackingCode: filed.trackingCode, form: { treeCount: 3 }, documents: [], timeline: [{ kind: 'submitted' }] });
    const { variables: _variables, forms: _forms, request: _request, ...shown } = detail;
    const listed = (await app.inject({ url: '/api/tasks', headers: clerk })).json();
    t.same(listed, [shown], 'the list (JSON built by PostgreSQL) shows the task as the detail (built by the API) does, field for field');
  });

  await t.test('claim, hand back, complete with the form validated', async (t) => {
    const complete = (headers: Record<string, string>, variables: object) => app.inject({ method: 'POST', url: `${base}/complete`, headers, payload: { variables } });
    t.equal((await complete(clerk, { approvalDecision: 'approve' })).statusCode, 409, 'claim first');
    for (const [outsider, who] of [[inspector, 'another role'], [clerk5, 'another district']] as const) {
      t.equal((await app.inject({ method: 'POST', url: `${base}/claim`, headers: outsider })).statusCode, 404, `${who} may not take it`);
    }
    t.equal((await db('user_tasks').where({ job_key: task.job_key }).first('assignee')).assignee, null, 'nor did they');
    t.equal((await app.inject({ method: 'POST', url: `${base}/claim`, headers: clerk })).json().assignee, 'clerk-12');
    const claimedAt = async () => (await db('user_tasks').where({ job_key: task.job_key }).first('claimed_at')).claimed_at;
    t.ok(await claimedAt(), 'the claim is timed: waiting ends, handling starts');
    t.equal((await app.inject({ method: 'POST', url: `${base}/claim`, headers: colleague })).statusCode, 409, 'taken');
    t.equal((await app.inject({ method: 'POST', url: `${base}/unclaim`, headers: colleague })).statusCode, 403, 'not theirs to hand back');
    t.equal((await app.inject({ method: 'POST', url: `${base}/unclaim`, headers: clerk })).json().assignee, null);
    t.equal(await claimedAt(), null, 'handed back, it waits again');
    t.equal((await app.inject({ method: 'POST', url: `${base}/claim`, headers: clerk5 })).statusCode, 404, 'another district does not claim a free task');
    t.equal((await app.inject({ method: 'POST', url: `${base}/claim`, headers: inspector })).statusCode, 404, 'nor another role');
    t.equal(await claimedAt(), null, 'nobody outside the group took it');
    t.same((await app.inject({ url: '/api/tasks?unassigned=true', headers: colleague })).json().map((x: { jobKey: string }) => x.jobKey), [task.job_key]);
    await app.inject({ method: 'POST', url: `${base}/claim`, headers: clerk });
    t.same((await app.inject({ url: '/api/tasks?mine=true', headers: colleague })).json(), []);
    const manager = await signInStaff(api, 'manager-12', 'manager', 12);
    const manager5 = await signInStaff(api, 'manager-5', 'manager', 5);
    t.equal((await app.inject({ method: 'POST', url: `${base}/unclaim`, headers: manager5 })).statusCode, 404, 'another district\'s manager');
    t.equal((await app.inject({ url: base, headers: manager })).statusCode, 404, 'a manager does not work the clerks\' tasks');
    t.equal((await app.inject({ method: 'POST', url: `${base}/unclaim`, headers: manager })).json().assignee, null, 'but frees one a clerk holds');
    await app.inject({ method: 'POST', url: `${base}/claim`, headers: clerk });

    for (const [outsider, who] of [[inspector, 'another role'], [clerk5, 'another district']] as const) {
      t.equal((await complete(outsider, { approvalDecision: 'approve' })).statusCode, 404, `${who} may not complete it`);
    }
    t.equal((await complete(colleague, { approvalDecision: 'approve' })).statusCode, 409, 'nor a colleague who does not hold it');
    const invalid = await complete(clerk, { approvalDecision: 'return' });
    t.equal(invalid.statusCode, 400);
    t.equal(invalid.json().errors[0].path, '/body/variables/approvalReason');
    t.equal((await complete(clerk, { approvalDecision: 'maybe' })).statusCode, 400);
    const done = await complete(clerk, { approvalDecision: 'return', approvalReason: 'نقشه پیوست نشده است' });
    t.equal(done.statusCode, 200, done.body);
    const next = await eventually('the next step', () => after.find((v) => v.requestId === filed.id));
    t.match(next, { approvalDecision: 'return', approvalReason: 'نقشه پیوست نشده است' });
    t.match(await db('user_tasks').where({ job_key: task.job_key }).first(), {
      status: 'completed', completed_by: 'clerk-12', variables: { requestId: filed.id, approvalDecision: 'return' },
    }, 'the form\'s variables merged into the task\'s');
    t.equal((await complete(clerk, { approvalDecision: 'approve' })).statusCode, 409, 'once');
    t.same((await app.inject({ url: '/api/tasks', headers: clerk })).json(), [], 'gone from the list');
  });
});

const scheduled = bpmn('task-list-sla', `
    <bpmn:startEvent id="Start_Sla" />
    <bpmn:exclusiveGateway id="Gateway_Dated" default="Flow_Undated" />
    ${userTask('UserTask_Dated', { name: 'کار با موعد', candidateGroups: 'district-12:clerk', dueDate: '=dueDate', followUpDate: '=followUpDate' })}
    ${userTask('UserTask_Undated', { name: 'کار بی‌موعد', candidateGroups: 'district-12:clerk' })}
    <bpmn:endEvent id="End_Dated" /><bpmn:endEvent id="End_Undated" />
    ${flow('Flow_0', 'Start_Sla', 'Gateway_Dated')}
    ${flow('Flow_Dated', 'Gateway_Dated', 'UserTask_Dated', '=dueDate != null')}
    ${flow('Flow_Undated', 'Gateway_Dated', 'UserTask_Undated')}
    ${flow('Flow_1', 'UserTask_Dated', 'End_Dated')}
    ${flow('Flow_2', 'UserTask_Undated', 'End_Undated')}`);

t.test('the workspace\'s list: filter by service and SLA, sort by due date or age, page with a total', async (t) => {
  const api = await startTestApi(t);
  const { app, db, zeebe } = api;
  await deployFromModeler(db, zeebe, 'task-list-sla', scheduled);
  const workers = userTaskWorkers({ zeebe, db, logger: pino({ level: 'silent' }) as Logger, publicUrl: app.config.publicUrl });
  t.teardown(() => workers.close());
  const clerk = await signInStaff(api, 'clerk-12', 'clerk', 12);
  const clerk5 = await signInStaff(api, 'clerk-5', 'clerk', 5);

  const hours = (n: number) => new Date(Date.now() + n * 3_600_000).toISOString();
  // Given four cases of one service, started in this order:
  const cases = {
    ok: { dueDate: hours(72), followUpDate: hours(48) },
    near: { dueDate: hours(72), followUpDate: hours(-1) },
    breached: { dueDate: hours(-1), followUpDate: hours(-25) },
    none: { dueDate: null, followUpDate: null },
  };
  const keys: Record<string, string> = {};
  for (const [label, dates] of Object.entries(cases)) {
    const started = await zeebe.createProcessInstance({ bpmnProcessId: 'task-list-sla', variables: { serviceId: 'tree-felling-permit', trackingCode: `T-${label}`, ...dates } as never });
    keys[label] = (await eventually(`the ${label} task`, () => db('user_tasks').where({ process_instance_key: started.processInstanceKey }).first())).job_key;
  }
  const list = async (query: string, headers = clerk) => {
    const response = await app.inject({ url: `/api/tasks?serviceId=tree-felling-permit&${query}`, headers });
    t.equal(response.statusCode, 200, response.body);
    return { labels: response.json().map((task: { trackingCode: string }) => task.trackingCode.slice(2)), tasks: response.json(), total: response.headers['x-total-count'] };
  };

  const byDue = await list('');
  t.same(byDue.labels, ['breached', 'ok', 'near', 'none'], 'soonest due first, equal due dates by age, no due date last');
  t.same(byDue.tasks.map((task: { sla: string }) => task.sla), ['breached', 'ok', 'near', 'none'], 'the SLA colour of each');
  t.match(byDue.tasks[3], { name: 'کار بی‌موعد', dueAt: null, followUpAt: null });
  t.equal(byDue.tasks[2].followUpAt, new Date(cases.near.followUpDate).toISOString());
  t.equal((await app.inject({ url: `/api/tasks/${keys.breached}`, headers: clerk })).json().sla, 'breached', 'one task says its SLA state too');
  t.same((await list('sort=created')).labels, ['ok', 'near', 'breached', 'none'], 'oldest first');
  t.same((await list('sla=near&sla=breached')).labels, ['breached', 'near'], 'only the SLA states asked for');
  t.same((await list('sla=none')).labels, ['none']);
  const page = await list('limit=2&offset=1');
  t.same(page.labels, ['ok', 'near']);
  t.equal(page.total, '4', 'the total counts beyond the page');
  const pastTheEnd = await list('limit=2&offset=10');
  t.same(pastTheEnd.labels, []);
  t.equal(pastTheEnd.total, '4');
  t.same((await list('')).labels.length, 4);
  t.same((await app.inject({ url: '/api/tasks?serviceId=tree-pruning', headers: clerk })).json(), [], 'another service');
  t.same((await list('', clerk5)).labels, [], 'another district sees none of them');
  t.equal((await list('', clerk5)).total, '0');

  await app.inject({ method: 'POST', url: `/api/tasks/${keys.near}/claim`, headers: clerk });
  t.same((await list('mine=true')).labels, ['near'], 'claimed by me');
  t.same((await list('unassigned=true')).labels, ['breached', 'ok', 'none']);

  for (const bad of ['sla=red', 'sort=name', 'limit=0', 'limit=201', 'offset=-1', 'serviceId=Tree%20Felling']) {
    const response = await app.inject({ url: `/api/tasks?${bad}`, headers: clerk });
    t.equal(response.statusCode, 400, `${bad} is refused`);
    t.match(response.json(), { status: 400, detailFa: String }, 'as a problem with a Persian message');
  }
});

t.test('a form version an analyst deployed from the modeler is the one the task shows and validates', async (t) => {
  const api = await startTestApi(t);
  const { app, db, zeebe } = api;
  // The analyst drops the reason field: a returned request needs no reason in this version.
  const changed = JSON.parse(approvalForm.toString());
  changed.components = changed.components.filter((component: { key?: string }) => component.key !== 'approvalReason');
  const schema = JSON.stringify(changed);
  await zeebe.deployResource({ name: 'task-approval.form', form: approvalForm });
  const saved = await saveFormVersion(db, { formId: 'task-approval', schema, author: 'analyst-12' });
  const deployed = await zeebe.deployResource({ name: 'task-approval.form', form: Buffer.from(schema) });
  const form = (deployed.deployments[0] as unknown as { form: { formKey: string; version: number } }).form;
  await recordFormDeployment(db, { formId: 'task-approval', version: saved.version, formKey: String(form.formKey), engineVersion: form.version });
  await deployFromModeler(db, zeebe, 'task-list-test', diagram);
  const workers = userTaskWorkers({ zeebe, db, logger: pino({ level: 'silent' }) as Logger, publicUrl: app.config.publicUrl });
  t.teardown(() => workers.close());

  await zeebe.createProcessInstance({ bpmnProcessId: 'task-list-test', variables: { group: 'district-12:clerk', dueDate: '2026-12-01T10:00:00Z' } });
  const task = await eventually('the stored user task', () => db('user_tasks').where({ element_id: 'UserTask_Decide' }).first());
  t.match(task, { form_id: 'task-approval', form_key: String(form.formKey) });
  const clerk = await signInStaff(api, 'clerk-12', 'clerk', 12);
  const detail = (await app.inject({ url: `/api/tasks/${task.job_key}`, headers: clerk })).json();
  t.same(detail.forms[0].components.map((component: { key?: string }) => component.key).filter(Boolean), ['approvalDecision'], 'the deployed version, not the file');
  await app.inject({ method: 'POST', url: `/api/tasks/${task.job_key}/claim`, headers: clerk });
  const done = await app.inject({ method: 'POST', url: `/api/tasks/${task.job_key}/complete`, headers: clerk, payload: { variables: { approvalDecision: 'return' } } });
  t.equal(done.statusCode, 200, 'no reason asked, as that version asks none');
});
