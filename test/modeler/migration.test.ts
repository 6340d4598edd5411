// Moving running requests to a new version through the engine's
// MigrateProcessInstance (sent by the one client factory, platform/zeebe.ts).
// A test diagram: 50 instances waiting at a service task, a staff task and a
// message move to a v2 with a renamed and an added step and finish there,
// each with the move on its timeline; those waiting at an element the mapping
// leaves out are refused whole, reported, and finish on v1. A real service,
// tree-felling-permit with its event subprocesses (the citizen's cancellation
// among them): requests filed through the API and worked by the real
// workers to four of its steps move through the modeler's route to a v2 with
// a renamed step and an added notice, keep listening for the cancellation,
// and finish on v2; those at the step the analyst leaves unmapped are
// reported, refused by the engine too, and finish on v1.
import fs from 'node:fs';
import pino from 'pino';
import t from 'tap';
import { migrateRequests } from '../../domain/process-design/migration.ts';
import { listDiagrams } from '../../processes/diagrams.ts';
import { freePort } from '../../platform/free-port.ts';
import type { Logger } from '../../platform/logger.ts';
import { startWorkers } from '../../workers/index.ts';
import { signInCitizen, signInStaff, startTestApi } from '../api/helpers.ts';
import { treePruningForm } from '../api/fixtures.ts';
import { nextErrandStep } from '../api/errand-steps.ts';
import { eventually } from '../helpers/eventually.ts';
import { deployServices } from '../helpers/services.ts';
import { activate, deploy, startTestEngine } from '../engine/helpers.ts';
import { bpmn, flow, message, serviceTask, userTask } from '../helpers/diagrams.ts';
import { editDiagram, insertTask, notificationTask } from '../processes/diagram-edits.ts';

const decision = (id: string) => userTask(id, { name: id, candidateGroups: 'district-12:clerk' });
const paid = `<bpmn:intermediateCatchEvent id="Catch_Paid"><bpmn:messageEventDefinition messageRef="Message_Paid" /></bpmn:intermediateCatchEvent>`;
const roots = message('Message_Paid', 'migration-paid', '=caseId');
const v1 = bpmn('bench-permit', `<bpmn:startEvent id="Start" />${serviceTask('Task_Check', 'migration.check')}${decision('UserTask_Decide')}${paid}<bpmn:endEvent id="End" />
  ${flow('F1', 'Start', 'Task_Check')}${flow('F2', 'Task_Check', 'UserTask_Decide')}${flow('F3', 'UserTask_Decide', 'Catch_Paid')}${flow('F4', 'Catch_Paid', 'End')}`, roots);
// v2 renames the decision and adds a fee step after it.
const v2 = bpmn('bench-permit', `<bpmn:startEvent id="Start" />${serviceTask('Task_Check', 'migration.check')}${decision('UserTask_Approve')}${serviceTask('Task_Fee', 'migration.fee')}${paid}<bpmn:endEvent id="End" />
  ${flow('F1', 'Start', 'Task_Check')}${flow('F2', 'Task_Check', 'UserTask_Approve')}${flow('F3', 'UserTask_Approve', 'Task_Fee')}${flow('F5', 'Task_Fee', 'Catch_Paid')}${flow('F4', 'Catch_Paid', 'End')}`, roots);

t.test('50 instances at various elements move to v2 and finish there; the unmapped ones are refused and finish on v1', async (t) => {
  const { client, db } = await startTestEngine(t);
  const definitionKey = async (xml: string) => String((await deploy(client, xml, 'bench-permit.bpmn')).deployments[0]!.process!.processDefinitionKey);
  await definitionKey(v1);
  const [citizen] = await db('citizens').insert({ national_code: '0013542419', mobile: '09121234567' }).returning('id');
  const instances: string[] = [];
  const requests = [];
  for (let index = 0; index < 50; index++) {
    const instance = String((await client.createProcessInstance({ bpmnProcessId: 'bench-permit', variables: { caseId: `case-${index}` } })).processInstanceKey);
    const [request] = await db('requests').insert({
      tracking_code: `BENCH-${index}`, service_id: 'bench-permit', district_id: 12, channel: 'portal', citizen_id: citizen.id, process_instance_key: instance,
    }).returning('id');
    instances.push(instance);
    requests.push({ requestId: request.id as string, trackingCode: `BENCH-${index}`, processInstanceKey: instance });
  }
  // 20 stay at the check (its job activated by a worker), 15 wait at the decision, 15 for the payment message.
  const checks = await activate(client, 'migration.check', 50, -1, [], 600_000);
  t.equal(checks.length, 50);
  for (const job of checks.slice(20)) await client.completeJob({ jobKey: job.key, variables: {} });
  const decisions = await eventually('the 30 decision jobs', async () => {
    const jobs = await activate(client, 'io.camunda.zeebe:userTask', 30, -1, [], 600_000);
    return jobs.length === 30 ? jobs : undefined;
  });
  for (const job of decisions.slice(15)) await client.completeJob({ jobKey: job.key, variables: {} });
  const atMessage = new Set(decisions.slice(15).map((job) => String(job.processInstanceKey)));

  const target = await definitionKey(v2);
  // The analyst maps the renamed decision; nobody maps the payment wait.
  const mappingInstructions = [{ sourceElementId: 'Task_Check', targetElementId: 'Task_Check' }, { sourceElementId: 'UserTask_Decide', targetElementId: 'UserTask_Approve' }];
  // Every request goes to the engine, the ones at the payment wait too: the engine is the judge.
  const planned = requests.map((request) => ({ ...request, elementId: 'Task_Check', targetElementId: 'Task_Check', reasonFa: null }));
  const move = () => migrateRequests(db, client, { planned, mapping: mappingInstructions, target: { processDefinitionKey: target, version: 2, engineVersion: 2 }, by: 'maryam' });
  const results = await move();
  const refusedResults = results.filter((result) => !result.migrated);
  for (const result of refusedResults) {
    t.match(result.reasonFa, /\u2068Catch_Paid\u2069 است و برای آن جایی در نسخهٔ تازه تعیین نشده است/, 'refused (FAILED_PRECONDITION), said in Persian');
    t.match(result.detail, "'Catch_Paid'", "with the engine's reason naming the unmapped element");
  }
  const refused = refusedResults.map((result) => planned.find((request) => request.requestId === result.requestId)!.processInstanceKey);
  t.same(new Set(refused), atMessage, 'exactly the 15 at the unmapped element are refused');
  const timeline = await db('request_events').where({ kind: 'migrated' });
  t.equal(timeline.length, 35, "each moved request's timeline says so");
  t.match(timeline[0], { element_id: 'Task_Check', data: { titleFa: 'به نسخهٔ ۲ فرایند منتقل شد', version: 2, by: 'maryam' } });

  // The moved ones finish on v2: the same check and decision jobs complete, then v2's fee step runs.
  for (const job of checks.slice(0, 20)) await client.completeJob({ jobKey: job.key, variables: {} });
  const approvals = await eventually('the 20 approval jobs', async () => {
    const jobs = await activate(client, 'io.camunda.zeebe:userTask', 20, -1, [], 600_000);
    return jobs.length === 20 ? jobs : undefined;
  });
  t.ok(approvals.every((job) => job.elementId === 'UserTask_Approve'), 'instances moved at the check reach the renamed decision of v2');
  for (const job of [...decisions.slice(0, 15), ...approvals]) await client.completeJob({ jobKey: job.key, variables: {} });
  const fees = await eventually('v2\'s 35 fee jobs', async () => {
    const jobs = await activate(client, 'migration.fee', 35, -1);
    return jobs.length === 35 ? jobs : undefined;
  });
  t.same(new Set(fees.map((job) => String(job.processInstanceKey))), new Set(instances.filter((instance) => !atMessage.has(instance))), "v2's added step runs for all 35 moved instances");
  for (const job of fees) await client.completeJob({ jobKey: job.key, variables: {} });
  t.same(await activate(client, 'migration.fee', 50, -1), [], 'and for no other');

  // Everyone is paid; all 50 finish, the refused ones on v1 without a fee.
  for (let index = 0; index < 50; index++) await client.publishMessage({ name: 'migration-paid', correlationKey: `case-${index}`, variables: {}, timeToLive: 60_000 });
  // The engine's own table says which instances still run (Zeebe's gateway has no query).
  await eventually('all 50 instances to finish', async () => (await db('engine_process_instances').whereIn('key', instances).count<Array<{ count: string }>>('* as count'))[0]!.count === '0');
  t.same(await db('engine_process_instances').whereIn('key', instances), [], 'all 50 finished');
});

// Four steps times this many requests: 52, as issue 18 asks (about 50); the file took 30 s beside a CI run's npm ci, 98 s at load 25.
const perStep = 13;

t.test('a real service with event subprocesses: its running requests move to v2 through the route and finish there with the real workers; those at the step left unmapped stay on v1', async (t) => {
  // The payment worker asks the sandbox bank, which the API serves, for the payment link: it listens.
  const port = await freePort();
  const api = await startTestApi(t, {}, { PORT: String(port) });
  const { app, db, zeebe } = api;
  const logger = pino({ level: 'silent' }) as Logger;
  await app.listen({ host: app.config.HOST, port });
  await deployServices(zeebe, logger, ['tree-felling-permit']);
  const workers = startWorkers({ zeebe, db, logger, publicUrl: app.config.publicUrl });
  t.teardown(() => workers.stop());
  const roles = ['clerk', 'inspector', 'manager'] as const;
  const staff = Object.fromEntries(await Promise.all(roles.map(async (role) => [role, await signInStaff(api, `${role}-12`, role, 12)] as const)));
  const analyst = await signInStaff(api, 'maryam', 'analyst', null);
  const zahra = await signInCitizen(api, treePruningForm.nationalCode, treePruningForm.mobile);
  const form = {
    citizenName: 'زهرا کریمی', nationalCode: treePruningForm.nationalCode, mobile: treePruningForm.mobile, postalCode: '9184713456',
    renewalCode: '12-345-6', address: 'مشهد، بلوار پیروزی، کوچه ۱۲', treeCount: 2, fellingReason: 'hazard', declaration: true,
  };

  // Requests of tree-felling-permit, brought to four of its steps: a quarter each at the document check,
  // the field inspection, the district manager's approval and the citizen's payment.
  const positions = ['task-document-check', 'task-inspection', 'task-approval', 'payment'] as const;
  const filed = await Promise.all(Array.from({ length: 4 * perStep }, async (_, index) => {
    const response = await app.inject({ method: 'POST', url: '/api/requests', headers: zahra, payload: { serviceId: 'tree-felling-permit', districtId: 12, form } });
    if (response.statusCode !== 201) throw new Error(`filing answered ${response.statusCode}: ${response.body}`);
    return { ...(response.json() as { id: string; trackingCode: string }), at: positions[index % 4]! };
  }));
  const waitingAt = async (requestId: string) => {
    const task = await db('user_tasks').where({ request_id: requestId, status: 'open' }).first('form_id');
    if (task) return task.form_id as string;
    const payment = await db('payments').where({ request_id: requestId, status: 'pending' }).whereNotNull('gateway_token').first('id');
    return payment ? 'payment' : undefined;
  };
  // One driver walks the list in turns (a poller each would take the pool the workers and the engine need).
  const drive = async (what: string, reached: (request: (typeof filed)[number], at: string | undefined) => Promise<boolean>) => {
    const left = new Set(filed);
    await eventually(what, async () => {
      for (const request of [...left]) {
        const at = await waitingAt(request.id);
        if (await reached(request, at)) left.delete(request);
        else if (at) await nextErrandStep(api, staff, request.id);
      }
      return left.size === 0;
    }, { timeoutMs: 120_000, intervalMs: 250 }).catch(async (error) => {
      const stuck = await Promise.all([...left].map(async (request) => ({
        at: request.at, ...(await db('requests').where({ id: request.id }).first('tracking_code', 'status')),
        payments: await db('payments').where({ request_id: request.id }).pluck('status'),
        moved: (await db('request_events').where({ request_id: request.id, kind: 'migrated' })).length,
      })));
      const incidents = await db('engine_incidents').select('element_id', 'error_message').limit(5).catch(() => []);
      throw new Error(`${(error as Error).message}: ${JSON.stringify({ stuck, incidents })}`);
    });
  };
  await drive('the requests at their steps', async (request, at) => at === request.at);
  // The planner places a payer by the request's milestone, which the workers record beside the payment link.
  const payers = filed.filter((request) => request.at === 'payment').map((request) => request.id);
  await eventually('the payers awaiting payment', async () => (await db('requests').whereIn('id', payers).where({ status: 'awaiting-payment' })).length === perStep);

  // v2: the inspection step's element renamed, a notice added after it.
  const v2 = await editDiagram(fs.readFileSync(listDiagrams().find((diagram) => diagram.id === 'tree-felling-permit')!.file, 'utf8'));
  v2.find('Call_FieldInspection')!.element.id = 'Call_SiteVisit';
  insertTask(v2, 'Call_SiteVisit', notificationTask(v2, 'Task_NotifyVisited', 'اطلاع بازدید', 'request-received'));
  t.equal((await app.inject({ method: 'PUT', url: '/api/processes/tree-felling-permit', headers: analyst, payload: { xml: await v2.toXML() } })).statusCode, 201);
  const deployed = await app.inject({ method: 'POST', url: '/api/processes/tree-felling-permit/deploy', headers: analyst, payload: { comment: 'بازدید با اطلاع' } });
  t.equal(deployed.statusCode, 200, deployed.body);
  const v2Key = deployed.json().version.processDefinitionKey as string;

  t.equal((await app.inject({ url: '/api/processes/tree-felling-permit/migration', headers: staff.clerk })).statusCode, 403, 'a clerk may not read the plan: it lists running requests');
  const view = (await app.inject({ url: '/api/processes/tree-felling-permit/migration', headers: analyst })).json();
  t.equal(view.requests.length, 4 * perStep, 'all are running on the version before');
  const row = (id: string) => view.rows.find((candidate: { id: string }) => candidate.id === id);
  t.match(row('Call_DocumentCheck'), { kind: 'wait', count: perStep, proposed: 'Call_DocumentCheck' }, 'same id maps to itself');
  t.match(row('Call_FieldInspection'), { kind: 'wait', count: perStep, proposed: null }, 'the renamed step is left for the analyst');
  t.match(row('Call_Approval'), { kind: 'wait', count: perStep, proposed: 'Call_Approval' });
  t.match(row('Call_Payment'), { kind: 'wait', count: perStep, proposed: 'Call_Payment' });
  t.match(row('Start_Cancelled'), { kind: 'event', type: 'bpmn:StartEvent', trigger: 'request-cancelled (=requestId)', count: 4 * perStep, proposed: 'Start_Cancelled' },
    "the citizen's cancellation, which every running request listens to, keeps listening");
  t.notOk(row('Start_Rejected'), 'an error start event has nothing to carry over');

  // The analyst maps the renamed step, and keeps the requests at the payment on v1 (their fee was quoted there).
  const mapping = view.rows
    .filter((candidate: { id: string; proposed: string | null }) => candidate.proposed && candidate.id !== 'Call_Payment')
    .map((candidate: { id: string; proposed: string }) => ({ sourceElementId: candidate.id, targetElementId: candidate.proposed }));
  mapping.push({ sourceElementId: 'Call_FieldInspection', targetElementId: 'Call_SiteVisit' });
  const moved = await app.inject({ method: 'POST', url: '/api/processes/tree-felling-permit/migration', headers: analyst, payload: { mapping } });
  t.equal(moved.statusCode, 200, moved.body);
  const results = moved.json().results as Array<{ requestId: string; migrated: boolean; reasonFa: string | null; detail: string | null }>;
  const atPayment = new Set(filed.filter((request) => request.at === 'payment').map((request) => request.id));
  t.same(new Set(results.filter((result) => !result.migrated).map((result) => result.requestId)), atPayment, 'exactly those at the unmapped payment are reported');
  for (const result of results.filter((candidate) => !candidate.migrated)) t.match(result.reasonFa, /«پرداخت هزینه».*جایی در نسخهٔ تازه تعیین نشده/);
  t.equal(results.filter((result) => result.migrated).length, 3 * perStep, 'the others moved');

  // Sent to the engine anyway, the ones at the payment are refused by the engine itself, untouched.
  const instanceOf = async (requestId: string) => {
    const { process_instance_key: key } = await db('requests').where({ id: requestId }).first('process_instance_key');
    return { key: String(key), instance: await db('engine_process_instances').where({ key }).first() };
  };
  const stayed = filed.filter((request) => atPayment.has(request.id));
  const forced = await Promise.all(stayed.map(async (request) => ({
    requestId: request.id, trackingCode: request.trackingCode, processInstanceKey: (await instanceOf(request.id)).key,
    elementId: 'Call_Payment', targetElementId: 'Call_Payment', reasonFa: null,
  })));
  const refused = await migrateRequests(db, zeebe, { planned: forced, mapping, target: { processDefinitionKey: v2Key, version: 1, engineVersion: 2 }, by: 'maryam' });
  for (const result of refused) {
    t.match(result, { migrated: false, reasonFa: /«?\u2068Call_Payment\u2069.*جایی در نسخهٔ تازه تعیین نشده/, detail: /no mapping instruction defined for active element with id 'Call_Payment'/ }, 'the engine refuses, and says why in Persian');
  }
  for (const request of filed) {
    const { instance } = await instanceOf(request.id);
    const events = await db('request_events').where({ request_id: request.id, kind: 'migrated' });
    if (atPayment.has(request.id)) {
      t.not(String(instance.process_definition_key), v2Key, `${request.trackingCode} left on v1`);
      t.equal(events.length, 0, 'nothing on its timeline');
    } else {
      t.equal(String(instance.process_definition_key), v2Key, `${request.trackingCode} on v2`);
      t.equal(events.length, 1, 'the move is on its timeline');
    }
  }
  const timeline = (await app.inject({ url: `/api/requests/${filed[1]!.trackingCode}`, headers: zahra })).json().timeline as Array<{ kind: string; elementId?: string; data?: Record<string, unknown> }>;
  t.match(timeline.find((event) => event.kind === 'migrated'), { data: { titleFa: 'به نسخهٔ ۱ فرایند منتقل شد', from: 'Call_FieldInspection', to: 'Call_SiteVisit', by: 'maryam' } },
    "the request's own timeline says it moved, from where to where");

  // The citizen withdraws one moved request and one left on v1: the cancellation event subprocess answers on both versions.
  const withdrawn = [filed[0]!, filed[3]!];
  for (const request of withdrawn) {
    t.equal((await app.inject({ method: 'POST', url: `/api/requests/${request.trackingCode}/cancel`, headers: zahra })).statusCode, 202);
  }

  await eventually('the two withdrawals closed', async () => (await db('requests').whereIn('id', withdrawn.map((request) => request.id)).whereNotNull('closed_at')).length === 2);
  // Everyone else is worked to the end by the real workers, staff and the citizen paying.
  await drive('all closed', async (request) => Boolean((await db('requests').where({ id: request.id }).first('closed_at')).closed_at));
  const outcomes = await db('requests').whereIn('id', filed.map((request) => request.id)).select('id', 'outcome');
  for (const { id, outcome } of outcomes) {
    t.equal(outcome, withdrawn.some((request) => request.id === id) ? 'cancelled' : 'completed', `closed ${outcome}`);
  }
  // v2's added notice ran for exactly the moved requests that had not reached it (at the document check or the inspection).
  const notices = await db('notifications').whereIn('request_id', filed.map((request) => request.id)).where({ template: 'request-received', channel: 'sms' })
    .groupBy('request_id').select('request_id').count<Array<{ request_id: string; count: string }>>('* as count');
  const twice = new Set(notices.filter((notice) => notice.count === '2').map((notice) => notice.request_id));
  t.same(twice, new Set(filed.filter((request) => (request.at === 'task-document-check' || request.at === 'task-inspection') && request !== filed[0]).map((request) => request.id)),
    "v2's added step ran for the moved requests before it, and for none left on v1");
  t.same(await db('engine_process_instances').whereIn('key', await db('requests').whereIn('id', filed.map((request) => request.id)).pluck('process_instance_key')), [], 'all their instances finished');
});
