// Every job type the diagrams use has a worker; and a request's life runs
// through the engine with all families registered in workers/index.ts,
// including an inspection that fails while the district has no inspector
// and recovers once one is added.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import t from 'tap';
import { allJobTypes } from '../../processes/catalogue/contract.ts';
import { thrownByWorkers } from '../../processes/catalogue/errors.ts';
import { startWorkers } from '../../workers/index.ts';
import { completeUserTask } from '../../domain/user-tasks/completion.ts';
import { eventually } from '../helpers/eventually.ts';
import { deployFixture, startTestEngine } from './engine.ts';
import { seedRequest, silentLogger, startVariables } from './helpers.ts';

const processesDirectory = new URL('../../processes/', import.meta.url);

/** Job types of every diagram under processes/ (service diagrams and shared called processes). */
async function diagramJobTypes(): Promise<Map<string, string[]>> {
  const files: string[] = [];
  for (const dir of ['', 'shared/']) {
    for (const name of await readdir(new URL(dir, processesDirectory))) if (name.endsWith('.bpmn')) files.push(path.join(dir, name));
  }
  const used = new Map<string, string[]>();
  for (const file of files) {
    const xml = await readFile(new URL(file, processesDirectory), 'utf8');
    const types = [...xml.matchAll(/zeebe:taskDefinition\s+type="([^"]+)"/g)].map((match) => match[1]!);
    // Job-worker user tasks (no zeebe:userTask marker) become io.camunda.zeebe:userTask jobs.
    if (/<bpmn:userTask\b/.test(xml) && !/<zeebe:userTask\b/.test(xml)) types.push('io.camunda.zeebe:userTask');
    for (const type of types) used.set(type, [...(used.get(type) ?? []), file]);
  }
  return used;
}

t.test('the registry', async (t) => {
  const { db, client } = await startTestEngine(t);
  const running = startWorkers({ zeebe: client, db, logger: silentLogger, publicUrl: 'http://localhost:3000' });
  t.teardown(() => running.stop());

  t.test('every job type used in processes/ has a worker', async (t) => {
    const used = await diagramJobTypes();
    t.ok(used.size > 5, 'diagrams found');
    for (const [type, files] of used) t.ok(running.jobTypes.includes(type), `${type} (used in ${files.slice(0, 3).join(', ')}) has a worker`);
  });

  t.test('every job type of the contract has a worker, and only those', async (t) => {
    t.same([...running.jobTypes].sort(), [...allJobTypes].sort());
    for (const type of Object.keys(thrownByWorkers)) t.ok(running.jobTypes.includes(type));
  });

  t.test('a request runs through the engine: inspection fails without inspectors, recovers, then approval, certificate, close', async (t) => {
    await deployFixture(client, 'flow.bpmn');
    const request = await seedRequest(db, { serviceId: 'building-permit', districtId: 12, form: { floorArea: 90 } });
    await client.createProcessInstance({ bpmnProcessId: 'workers-flow-test', variables: startVariables(request, { floorArea: 90 }) as never });

    const notice = await eventually('the received notice', () => db('notifications').where({ request_id: request.id, template: 'request-received' }).first(), { timeoutMs: 10_000 });
    t.match(notice.body, /ثبت شد/);
    // No inspector in district 12 yet: the job fails and waits for its back-off.
    await eventually('the assignment failed into its back-off', () => db('engine_jobs').where({ type: 'inspection.assign', state: 'backoff' }).first(), { timeoutMs: 10_000 });
    t.equal((await db('inspection_visits').where({ request_id: request.id })).length, 0);
    await db('staff').insert({ username: 'inspector-12', display_name: 'بازدیدکننده ۱۲', role_id: 'inspector', district_id: 12, password_hash: 'x' });

    const inspect = await eventually('the inspection task', () => db('user_tasks').where({ request_id: request.id, element_id: 'UserTask_Inspect' }).first(), { timeoutMs: 15_000 });
    t.equal(inspect.assignee, 'inspector-12');
    t.same(inspect.candidate_groups, ['district-12:inspector']);
    const received = await db('request_events').where({ request_id: request.id, kind: 'received' });
    t.equal(received.length, 1);
    t.ok(inspect.due_at, 'the due date from sla.due-date reaches the task');
    t.equal(inspect.due_at.toISOString(), inspect.variables.dueDate);

    await completeUserTask({ db, zeebe: client }, { jobKey: inspect.job_key, variables: { inspectionResult: 'pass' }, completedBy: 'inspector-12' });
    t.match(await db('inspection_visits').where({ request_id: request.id }).first(), { status: 'done', result: 'pass' }, 'findings close the visit');
    const approve = await eventually('the approval task', () => db('user_tasks').where({ request_id: request.id, element_id: 'UserTask_Approve' }).first(), { timeoutMs: 10_000 });
    t.same(approve.candidate_groups, ['district-12:urban-planning-deputy']);
    await completeUserTask({ db, zeebe: client }, { jobKey: approve.job_key, variables: { decision: 'approve' }, completedBy: 'deputy-12' });

    const closed = await eventually('the closed request', () => db('requests').where({ id: request.id, status: 'closed' }).first(), { timeoutMs: 10_000 });
    t.equal(closed.outcome, 'completed');
    const certificate = await db('certificates').where({ request_id: request.id }).first();
    t.match(certificate.number, /^12-\d{4}-000001$/);
    t.equal((await db('user_tasks').where({ request_id: request.id, status: 'completed' })).length, 2);
    await t.rejects(completeUserTask({ db, zeebe: client }, { jobKey: approve.job_key, variables: {}, completedBy: 'x' }), /not open/);
    await eventually('the notice sent', () => db('notifications').where({ id: notice.id, status: 'sent' }).first(), { timeoutMs: 5_000 });
  });

  t.test('a task whose instance was cancelled cannot be completed and is marked cancelled', async (t) => {
    const request = await seedRequest(db, { serviceId: 'building-permit', districtId: 12 });
    const instance = await client.createProcessInstance({ bpmnProcessId: 'workers-flow-test', variables: startVariables(request) as never });
    const task = await eventually('the inspection task', () => db('user_tasks').where({ request_id: request.id, element_id: 'UserTask_Inspect' }).first(), { timeoutMs: 15_000 });
    await client.cancelProcessInstance(instance.processInstanceKey);
    await t.rejects(completeUserTask({ db, zeebe: client }, { jobKey: task.job_key, variables: {}, completedBy: 'inspector-12' }), /ended by its process/);
    t.equal((await db('user_tasks').where({ job_key: task.job_key }).first()).status, 'cancelled');
  });
});
