// The world the authorisation matrix and the fuzz test call into: citizen A
// with a request in district 12 (a document, a paid fee, an appointment, a
// certificate), a second request to cancel, a clerk's task about it, a task
// of district 5, a saved diagram version, a signed-in caller for every staff
// role of district 12 and a clerk of district 5, and three callers whose
// tokens were good when issued: a clerk since withdrawn, an analyst since
// deleted, a citizen since signed out everywhere.
import fs from 'node:fs';
import pino from 'pino';
import type { Test } from 'tap';
import { staffRoles, type Role } from '../../api/plugins/app/auth.ts';
import type { Logger } from '../../platform/logger.ts';
import { saveVersion } from '../../domain/process-design/versions.ts';
import { userTaskWorkers } from '../../workers/user-tasks/index.ts';
import { createStaff, signInCitizen, type TestApi } from './helpers.ts';
import { chain, userTask } from '../helpers/diagrams.ts';
import { eventually } from '../helpers/eventually.ts';
import { deployStandIn, recordJobs, treePruningForm } from './fixtures.ts';

/** Citizen A owns the requests; B is another citizen; every staff role is of district 12 except otherClerk (district 5). */
export type Caller = 'anonymous' | 'citizenA' | 'citizenB' | Role | 'otherClerk' | Ended;
/** Tokens issued before their account was withdrawn or deleted, or before a sign-out everywhere. */
export type Ended = 'withdrawnClerk' | 'deletedAnalyst' | 'signedOutCitizen';
export const ended: Ended[] = ['withdrawnClerk', 'deletedAnalyst', 'signedOutCitizen'];

/** Values of the world a request can name. */
export interface Data {
  request: string; cancellable: string; documentId: string; paymentId: string; gatewayToken: string; verificationCode: string;
  task12: string; task5: string; nationalCode: string; mobile: string; day: string; staffId: string; simulation: string;
}

export const citizenA = { nationalCode: '0013542419', mobile: '09121234567' };
export const citizenB = { nationalCode: '3974017844', mobile: '09351234567' };
const filing = { serviceId: 'tree-pruning', districtId: 12, form: treePruningForm, citizen: citizenA };
// A complaint is taken through every channel, so a clerk's or agent's filing meets the authorisation check, not a channel refusal.
export const complaint = {
  serviceId: 'complaint', districtId: 12, citizen: citizenA,
  form: { citizenName: 'زهرا کریمی', ...citizenA, subject: 'چراغ معبر خاموش است', complaintAbout: 'service', details: 'دو هفته است که چراغ کوچه روشن نمی‌شود.', declaration: true },
};
export const probeId = 'matrix-probe';
export const probeDiagram = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="Defs_MatrixProbe" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="${probeId}" name="آزمون دسترسی" isExecutable="true">
    <bpmn:startEvent id="Start_Probe" /><bpmn:endEvent id="End_Probe" />
    <bpmn:sequenceFlow id="Flow_Probe" sourceRef="Start_Probe" targetRef="End_Probe" />
  </bpmn:process>
</bpmn:definitions>`;
const taskDiagram = chain('matrix-task', [
  { id: 'UserTask_Decide', xml: userTask('UserTask_Decide', { name: 'بررسی و تصمیم', formId: 'task-approval', candidateGroups: '=[group]' }) },
]);



export interface World { tokens: Map<Caller, Record<string, string>>; data: Data }

export async function populate(t: Test, api: TestApi): Promise<World> {
  const { app, db, zeebe } = api;
  await deployStandIn(zeebe, 'tree-pruning');
  await deployStandIn(zeebe, 'complaint');
  recordJobs(t, zeebe);
  await zeebe.deployResource({ name: 'task-approval.form', form: fs.readFileSync(new URL('../../processes/forms/task-approval.form', import.meta.url)) });
  await zeebe.deployResource({ name: 'matrix-task.bpmn', process: Buffer.from(taskDiagram) });
  const workers = userTaskWorkers({ zeebe, db, logger: pino({ level: 'silent' }) as Logger, publicUrl: app.config.publicUrl });
  t.teardown(() => workers.close());

  const tokens = new Map<Caller, Record<string, string>>([['anonymous', {}]]);
  const a = await signInCitizen(api, citizenA.nationalCode, citizenA.mobile);
  tokens.set('citizenA', { authorization: a.authorization });
  tokens.set('citizenB', { authorization: (await signInCitizen(api, citizenB.nationalCode, citizenB.mobile)).authorization });
  // Staff sign in through the route, each from its own address: the sign-in
  // limit (20 per address per 10 minutes) is smaller than the number of roles.
  const staffAccounts: Array<[Caller, string, Role, number]> = [
    ...staffRoles.map((role): [Caller, string, Role, number] => [role, `${role}-12`, role, 12]),
    ['otherClerk', 'clerk-5', 'clerk', 5],
    ['withdrawnClerk', 'clerk-12-withdrawn', 'clerk', 12],
    ['deletedAnalyst', 'analyst-12-deleted', 'analyst', 12],
  ];
  for (const [index, [caller, username, role, districtId]] of staffAccounts.entries()) {
    await createStaff(db, username, role, districtId);
    const signedIn = await app.inject({ method: 'POST', url: '/api/auth/staff/token', remoteAddress: `10.0.1.${index + 1}`, payload: { username, password: 'correct horse' } });
    t.equal(signedIn.statusCode, 200, `${username} signs in`);
    tokens.set(caller, { authorization: `Bearer ${signedIn.json().token}` });
  }

  // Then their accounts end: withdrawn by an admin, deleted, signed out everywhere.
  const admin = tokens.get('admin')!;
  const withdrawnId = (await db('staff').where({ username: 'clerk-12-withdrawn' }).first('id')).id;
  t.equal((await app.inject({ method: 'PATCH', url: `/api/staff/${withdrawnId}`, headers: admin, payload: { active: false } })).statusCode, 200, 'the clerk is withdrawn');
  await db('staff').where({ username: 'analyst-12-deleted' }).delete();
  const c = await signInCitizen(api, '4721016352', '09131234567');
  t.equal((await app.inject({ method: 'DELETE', url: '/api/auth/sessions', headers: { authorization: c.authorization } })).statusCode, 204, 'citizen C signs out everywhere');
  tokens.set('signedOutCitizen', { authorization: c.authorization });
  // A bystander's account for the admin rows to change.
  await createStaff(db, 'matrix-bystander', 'inspector', 12);
  const bystander = (await db('staff').where({ username: 'matrix-bystander' }).first('id')).id;

  const file = async () => {
    const response = await app.inject({ method: 'POST', url: '/api/requests', headers: tokens.get('citizenA'), payload: filing });
    t.equal(response.statusCode, 201, response.body);
    return response.json() as { id: string; trackingCode: string };
  };
  const request = await file();
  const cancellable = await file();
  const [document] = await db('documents').insert({
    request_id: request.id, kind: 'photo', filename: 'tree.png', content_type: 'image/png', size: 3, sha256: 'a'.repeat(64), content: Buffer.from('png'), uploaded_by: a.id,
  }).returning('id');
  const [payment] = await db('payments').insert({
    request_id: request.id, business_key: 'matrix:payment', amount: 500_000, status: 'paid', gateway: 'sandbox', gateway_token: 'matrix-token', reference: 'RRN-1', paid_at: db.fn.now(),
  }).returning('id');
  await db('appointments').insert({ request_id: request.id, district_id: 12, business_key: 'matrix:appointment', starts_at: new Date(Date.now() + 86_400_000), ends_at: new Date(Date.now() + 87_600_000) });
  await db('certificates').insert({
    request_id: request.id, business_key: 'matrix:certificate', service_id: 'tree-pruning', district_id: 12, jalali_year: 1405, serial: 1,
    number: '12-1405-000001', verification_code: 'ABCD-EFGH-JKLM', holder_name: 'زهرا کریمی', holder_national_code: citizenA.nationalCode, pdf: Buffer.from('%PDF-1.4'),
  });
  await zeebe.createProcessInstance({ bpmnProcessId: 'matrix-task', variables: { requestId: request.id, trackingCode: request.trackingCode, group: 'district-12:clerk' } });
  await zeebe.createProcessInstance({ bpmnProcessId: 'matrix-task', variables: { group: 'district-5:clerk' } });
  const task12 = await eventually('the district-12 task', () => db('user_tasks').where({ request_id: request.id }).first());
  const task5 = await eventually('the district-5 task', () => db('user_tasks').whereRaw("candidate_groups @> '{district-5:clerk}'").first());
  await saveVersion(db, { processId: probeId, xml: probeDiagram, author: 'analyst-12' });
  const [simulation] = await db('simulation_reports').insert({
    district_id: 12, days: 1, simulated_from: '2027-01-02T00:00:00Z', simulated_to: '2027-01-03T00:00:00Z', requests: 0, report: {},
  }).returning('id');

  const data: Data = {
    request: request.trackingCode, cancellable: cancellable.trackingCode, documentId: document.id, paymentId: payment.id, gatewayToken: 'matrix-token',
    verificationCode: 'ABCD-EFGH-JKLM', task12: task12.job_key, task5: task5.job_key, nationalCode: citizenA.nationalCode, mobile: citizenA.mobile,
    // Tomorrow in Tehran, a day the slots route accepts.
    day: new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Tehran' }).format(new Date(Date.now() + 86_400_000)),
    staffId: bystander, simulation: simulation.id,
  };

  return { tokens, data };
}
