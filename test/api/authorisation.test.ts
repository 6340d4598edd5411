// The authorisation matrix: for every route the API registers under /api, who
// gets in and who is turned away, as one table (one row per route, one column
// per caller). The routes come from the app's own OpenAPI document, so a new
// route without a row fails here, and so does a row whose route is gone.
//
// What is checked is the decision only: 401 (who are you), 403 (not you), 404
// (not yours: hidden, so tracking codes cannot be probed) or 'ok', which is
// any answer that is not one of those three and not a 5xx — a 409 or 422 means
// the caller got past the door. Every resource a row names exists, so a 404
// always means "hidden". No cell may ever answer 5xx.
//
// Three callers hold tokens that were good when issued: a clerk whose account
// an admin then withdrew, an analyst whose account was then deleted, and a
// citizen who then signed out everywhere. They get what anonymous gets,
// unless a row says otherwise: a token stands only while its account does.
import fs from 'node:fs';
import pino from 'pino';
import t from 'tap';
import { staffRoles, type Role } from '../../api/plugins/app/auth.ts';
import type { Logger } from '../../platform/logger.ts';
import { saveVersion } from '../../modeler/versions.ts';
import { userTaskWorkers } from '../../workers/user-tasks/index.ts';
import { createStaff, signInCitizen, startTestApi } from './helpers.ts';
import { deployStandIn, recordJobs, treePruningForm, until } from './fixtures.ts';

const ok = 'ok' as const;
type Outcome = typeof ok | 401 | 403 | 404;
type Cell = Outcome;

/** Citizen A owns the requests; B is another citizen; every staff role is of district 12 except otherClerk (district 5). */
type Caller = 'anonymous' | 'citizenA' | 'citizenB' | Role | 'otherClerk' | Ended;
/** Tokens issued before their account was withdrawn or deleted, or before a sign-out everywhere. */
type Ended = 'withdrawnClerk' | 'deletedAnalyst' | 'signedOutCitizen';
const ended: Ended[] = ['withdrawnClerk', 'deletedAnalyst', 'signedOutCitizen'];
/** `staff` is the default for district-12 staff roles the row does not name; `anonymous` for the ended tokens. */
type Expectation = Partial<Record<Caller | 'staff', Cell>>;

interface Data {
  request: string; cancellable: string; documentId: string; paymentId: string; gatewayToken: string; verificationCode: string;
  task12: string; task5: string; nationalCode: string; mobile: string; day: string; staffId: string;
}

interface Row {
  route: string;
  /** Which case of the route the row tries, when one route has several rows. */
  note?: string;
  url(d: Data): string;
  body?(d: Data): unknown;
  expect: Expectation;
}

const citizenA = { nationalCode: '0013542419', mobile: '09121234567' };
const citizenB = { nationalCode: '3974017844', mobile: '09351234567' };
const filing = { serviceId: 'tree-pruning', districtId: 12, form: treePruningForm, citizen: citizenA };
// A complaint is taken through every channel, so a clerk's or agent's filing meets the authorisation check, not a channel refusal.
const complaint = {
  serviceId: 'complaint', districtId: 12, citizen: citizenA,
  form: { citizenName: 'زهرا کریمی', ...citizenA, subject: 'چراغ معبر خاموش است', complaintAbout: 'service', details: 'دو هفته است که چراغ کوچه روشن نمی‌شود.', declaration: true },
};
const probeId = 'matrix-probe';
/** A time no office offers (midnight, in the past). */
const noSlot = '2026-01-01T00:00:00.000Z';
const probeDiagram = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="Defs_MatrixProbe" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="${probeId}" name="آزمون دسترسی" isExecutable="true">
    <bpmn:startEvent id="Start_Probe" /><bpmn:endEvent id="End_Probe" />
    <bpmn:sequenceFlow id="Flow_Probe" sourceRef="Start_Probe" targetRef="End_Probe" />
  </bpmn:process>
</bpmn:definitions>`;
const taskDiagram = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="Defs_MatrixTask" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="matrix-task" isExecutable="true">
    <bpmn:startEvent id="Start_Task" />
    <bpmn:userTask id="UserTask_Decide" name="بررسی و تصمیم">
      <bpmn:extensionElements>
        <zeebe:formDefinition formId="task-approval" />
        <zeebe:assignmentDefinition candidateGroups="=[group]" />
      </bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:endEvent id="End_Task" />
    <bpmn:sequenceFlow id="Flow_1" sourceRef="Start_Task" targetRef="UserTask_Decide" />
    <bpmn:sequenceFlow id="Flow_2" sourceRef="UserTask_Decide" targetRef="End_Task" />
  </bpmn:process>
</bpmn:definitions>`;


// Rows run top to bottom and callers left to right, so a row that changes
// something (claim, then complete, then unclaim) sees the rows before it.
const rows: Row[] = [
  // sign-in and the catalogue: open to all
  { route: 'POST /api/auth/citizen/code', url: () => '/api/auth/citizen/code', body: (d) => ({ nationalCode: d.nationalCode, mobile: d.mobile }), expect: { anonymous: ok, citizenA: ok, citizenB: ok, staff: ok, otherClerk: ok } },
  // A code is refused whoever asks when none is live (B's was used): no token stands in for the code.
  { route: 'POST /api/auth/citizen/token', url: () => '/api/auth/citizen/token', body: () => ({ ...citizenB, code: '000000' }), expect: { anonymous: 401, citizenA: 401, citizenB: 401, staff: 401, otherClerk: 401 } },
  { route: 'POST /api/auth/staff/token', url: () => '/api/auth/staff/token', body: () => ({ username: 'clerk-12', password: 'correct horse' }), expect: { anonymous: ok, citizenA: ok, citizenB: ok, staff: ok, otherClerk: ok } },
  { route: 'GET /api/auth/me', url: () => '/api/auth/me', expect: { anonymous: 401, citizenA: ok, citizenB: ok, staff: ok, otherClerk: ok } },
  { route: 'GET /api/services/', url: () => '/api/services/', expect: { anonymous: ok, citizenA: ok, citizenB: ok, staff: ok, otherClerk: ok } },
  { route: 'GET /api/services/{id}', url: () => '/api/services/tree-pruning', expect: { anonymous: ok, citizenA: ok, citizenB: ok, staff: ok, otherClerk: ok } },
  { route: 'GET /api/districts/', url: () => '/api/districts/', expect: { anonymous: ok, citizenA: ok, citizenB: ok, staff: ok, otherClerk: ok } },
  { route: 'GET /api/districts/{districtId}', url: () => '/api/districts/12', expect: { anonymous: ok, citizenA: ok, citizenB: ok, staff: ok, otherClerk: ok } },
  { route: 'PUT /api/districts/{districtId}/services/{serviceId}', url: () => '/api/districts/12/services/tree-pruning', body: () => ({ enabled: true }), expect: { anonymous: 401, citizenA: 403, citizenB: 403, staff: 403, admin: ok, otherClerk: 403 } },
  { route: 'GET /api/certificates/verify/{code}', url: (d) => `/api/certificates/verify/${d.verificationCode}`, expect: { anonymous: ok, citizenA: ok, citizenB: ok, staff: ok, otherClerk: ok } },

  // requests: the owner, the district's staff; another citizen or district finds nothing
  { route: 'POST /api/requests/', url: () => '/api/requests/', body: () => complaint, expect: { anonymous: 401, citizenA: ok, citizenB: ok, staff: 403, clerk: ok, 'agent-137': ok, otherClerk: 403 } },
  { route: 'GET /api/requests/', url: () => '/api/requests/', expect: { anonymous: 401, citizenA: ok, citizenB: ok, staff: ok, otherClerk: ok } },
  { route: 'GET /api/requests/{trackingCode}', url: (d) => `/api/requests/${d.request}`, expect: { anonymous: 401, citizenA: ok, citizenB: 404, staff: ok, otherClerk: 404 } },
  { route: 'POST /api/requests/{trackingCode}/resubmit', url: (d) => `/api/requests/${d.request}/resubmit`, body: () => ({ form: treePruningForm }), expect: { anonymous: 401, citizenA: ok, citizenB: 404, staff: 403, otherClerk: 404 } },
  { route: 'POST /api/requests/{trackingCode}/rating', url: (d) => `/api/requests/${d.request}/rating`, body: () => ({ score: 5 }), expect: { anonymous: 401, citizenA: ok, citizenB: 404, staff: 403, otherClerk: 404 } },
  { route: 'POST /api/requests/{trackingCode}/cancel', url: (d) => `/api/requests/${d.cancellable}/cancel`, expect: { anonymous: 401, citizenA: ok, citizenB: 404, staff: 403, otherClerk: 404 } },
  { route: 'POST /api/requests/{trackingCode}/documents/', url: (d) => `/api/requests/${d.request}/documents/?kind=photo`, expect: { anonymous: 401, citizenA: ok, citizenB: 404, staff: ok, otherClerk: 404 } },
  { route: 'GET /api/requests/{trackingCode}/documents/', url: (d) => `/api/requests/${d.request}/documents/`, expect: { anonymous: 401, citizenA: ok, citizenB: 404, staff: ok, otherClerk: 404 } },
  { route: 'GET /api/requests/{trackingCode}/documents/{documentId}', url: (d) => `/api/requests/${d.request}/documents/${d.documentId}`, expect: { anonymous: 401, citizenA: ok, citizenB: 404, staff: ok, otherClerk: 404 } },
  // After the download row: citizen A removes the document (their own upload), so nothing later may need it.
  { route: 'DELETE /api/requests/{trackingCode}/documents/{documentId}', url: (d) => `/api/requests/${d.request}/documents/${d.documentId}`, expect: { anonymous: 401, citizenA: ok, citizenB: 404, staff: 403, otherClerk: 403 } },
  { route: 'GET /api/requests/{trackingCode}/payments/', url: (d) => `/api/requests/${d.request}/payments/`, expect: { anonymous: 401, citizenA: ok, citizenB: 404, staff: ok, otherClerk: 404 } },
  { route: 'POST /api/requests/{trackingCode}/payments/', url: (d) => `/api/requests/${d.request}/payments/`, body: () => ({}), expect: { anonymous: 401, citizenA: ok, citizenB: 404, staff: 403, otherClerk: 403 } },
  { route: 'GET /api/payments/callback', url: (d) => `/api/payments/callback?token=${d.gatewayToken}`, expect: { anonymous: ok, citizenA: ok, citizenB: ok, staff: ok, otherClerk: ok } },
  { route: 'GET /api/payments/{paymentId}/receipt', url: (d) => `/api/payments/${d.paymentId}/receipt`, expect: { anonymous: 401, citizenA: ok, citizenB: 404, staff: ok, otherClerk: 404 } },
  { route: 'GET /api/requests/{trackingCode}/appointment/', url: (d) => `/api/requests/${d.request}/appointment/`, expect: { anonymous: 401, citizenA: ok, citizenB: 404, staff: ok, otherClerk: 404 } },
  // Choosing a slot: the citizen, and a clerk of the district or a 137 agent acting for them. A time that is
  // no slot is refused after the door (409), so the booking stays as it is until the cancel row.
  { route: 'GET /api/requests/{trackingCode}/appointment/slots', url: (d) => `/api/requests/${d.request}/appointment/slots?day=${d.day}`, expect: { anonymous: 401, citizenA: ok, citizenB: 404, staff: 403, clerk: ok, 'agent-137': ok, otherClerk: 404 } },
  { route: 'POST /api/requests/{trackingCode}/appointment/', url: (d) => `/api/requests/${d.request}/appointment/`, body: () => ({ slotId: noSlot }), expect: { anonymous: 401, citizenA: ok, citizenB: 404, staff: 403, clerk: ok, 'agent-137': ok, otherClerk: 404 } },
  { route: 'PUT /api/requests/{trackingCode}/appointment/', url: (d) => `/api/requests/${d.request}/appointment/`, body: () => ({ slotId: noSlot }), expect: { anonymous: 401, citizenA: ok, citizenB: 404, staff: 403, clerk: ok, 'agent-137': ok, otherClerk: 404 } },
  { route: 'POST /api/requests/{trackingCode}/appointment/attendance', url: (d) => `/api/requests/${d.request}/appointment/attendance`, body: () => ({ attended: true }), expect: { anonymous: 401, citizenA: 403, citizenB: 403, staff: 403, clerk: ok, manager: ok, otherClerk: 404 } },
  { route: 'DELETE /api/requests/{trackingCode}/appointment/', url: (d) => `/api/requests/${d.request}/appointment/`, expect: { anonymous: 401, citizenA: ok, citizenB: 404, staff: 403, clerk: ok, 'agent-137': ok, otherClerk: 404 } },
  { route: 'GET /api/requests/{trackingCode}/certificate/', url: (d) => `/api/requests/${d.request}/certificate/`, expect: { anonymous: 401, citizenA: ok, citizenB: 404, staff: ok, otherClerk: 404 } },

  // 137 look-ups and figures
  { route: 'GET /api/appointments/', url: (d) => `/api/appointments/?day=${d.day}`, expect: { anonymous: 401, citizenA: 403, citizenB: 403, staff: 403, clerk: ok, manager: ok, otherClerk: ok } },
  { route: 'GET /api/citizens/', url: (d) => `/api/citizens/?mobile=${d.mobile}`, expect: { anonymous: 401, citizenA: 403, citizenB: 403, staff: 403, 'agent-137': ok, clerk: ok, manager: ok, otherClerk: ok } },
  {
    route: 'GET /api/citizens/{nationalCode}/requests', url: (d) => `/api/citizens/${d.nationalCode}/requests`,
    expect: {
      anonymous: 401, citizenA: 403, citizenB: 403, staff: 403, 'agent-137': ok, clerk: ok, manager: ok,
      // A counter serves walk-ins from anywhere: the clerk finds who the citizen is, but none of another district's requests.
      otherClerk: ok,
    },
  },
  { route: 'GET /api/figures/', url: () => '/api/figures/', expect: { anonymous: 401, citizenA: 403, citizenB: 403, staff: 403, manager: ok, analyst: ok, admin: ok, otherClerk: 403 } },

  // tasks: the candidate group (district-12:clerk) only; the other district's clerk sees their own
  { route: 'GET /api/tasks/', url: () => '/api/tasks/', expect: { anonymous: 401, citizenA: 403, citizenB: 403, staff: ok, otherClerk: ok } },
  { route: 'GET /api/tasks/{jobKey}', url: (d) => `/api/tasks/${d.task12}`, expect: { anonymous: 401, citizenA: 403, citizenB: 403, staff: 404, clerk: ok, otherClerk: 404 } },
  { route: 'GET /api/tasks/{jobKey}', note: 'a district-5 task', url: (d) => `/api/tasks/${d.task5}`, expect: { anonymous: 401, citizenA: 403, citizenB: 403, staff: 404, otherClerk: ok } },
  { route: 'POST /api/tasks/{jobKey}/claim', url: (d) => `/api/tasks/${d.task12}/claim`, expect: { anonymous: 401, citizenA: 403, citizenB: 403, staff: 404, clerk: ok, otherClerk: 404 } },
  // The clerk has claimed it; an empty form is refused after the door (400).
  { route: 'POST /api/tasks/{jobKey}/complete', url: (d) => `/api/tasks/${d.task12}/complete`, body: () => ({ variables: {} }), expect: { anonymous: 401, citizenA: 403, citizenB: 403, staff: 404, clerk: ok, otherClerk: 404 } },
  {
    route: 'POST /api/tasks/{jobKey}/unclaim', url: (d) => `/api/tasks/${d.task12}/unclaim`,
    // The district's manager may hand a task back without seeing it in their list.
    expect: { anonymous: 401, citizenA: 403, citizenB: 403, staff: 404, clerk: ok, manager: ok, otherClerk: 404 },
  },

  // the modeler: anyone reads diagrams and forms; analysts save and deploy
  { route: 'GET /api/processes', url: () => '/api/processes', expect: { anonymous: ok, citizenA: ok, citizenB: ok, staff: ok, otherClerk: ok } },
  { route: 'GET /api/processes/element-templates', url: () => '/api/processes/element-templates', expect: { anonymous: ok, citizenA: ok, citizenB: ok, staff: ok, otherClerk: ok } },
  { route: 'GET /api/processes/{id}', url: () => '/api/processes/tree-pruning', expect: { anonymous: ok, citizenA: ok, citizenB: ok, staff: ok, otherClerk: ok } },
  { route: 'GET /api/processes/{id}/versions', url: () => `/api/processes/${probeId}/versions`, expect: { anonymous: ok, citizenA: ok, citizenB: ok, staff: ok, otherClerk: ok } },
  { route: 'GET /api/processes/{id}/versions/{version}', url: () => `/api/processes/${probeId}/versions/1`, expect: { anonymous: ok, citizenA: ok, citizenB: ok, staff: ok, otherClerk: ok } },
  { route: 'GET /api/processes/{id}/review', url: () => `/api/processes/${probeId}/review`, expect: { anonymous: ok, citizenA: ok, citizenB: ok, staff: ok, otherClerk: ok } },
  // Nothing of the probe is deployed yet: whoever may ask is answered (a 409 saying so).
  { route: 'GET /api/processes/{id}/migration', url: () => `/api/processes/${probeId}/migration`, expect: { anonymous: ok, citizenA: ok, citizenB: ok, staff: ok, otherClerk: ok } },
  { route: 'POST /api/processes/{id}/migration', url: () => `/api/processes/${probeId}/migration`, body: () => ({ mapping: [] }), expect: { anonymous: 401, citizenA: 403, citizenB: 403, staff: 403, analyst: ok, otherClerk: 403 } },
  { route: 'PUT /api/processes/{id}', url: () => `/api/processes/${probeId}`, body: () => ({ xml: probeDiagram }), expect: { anonymous: 401, citizenA: 403, citizenB: 403, staff: 403, analyst: ok, otherClerk: 403 } },
  { route: 'POST /api/processes/{id}/deploy', url: () => `/api/processes/${probeId}/deploy`, body: () => ({}), expect: { anonymous: 401, citizenA: 403, citizenB: 403, staff: 403, analyst: ok, otherClerk: 403 } },
  { route: 'GET /api/processes/forms/{formId}', url: () => '/api/processes/forms/task-approval', expect: { anonymous: ok, citizenA: ok, citizenB: ok, staff: ok, otherClerk: ok } },
  { route: 'PUT /api/processes/forms/{formId}', url: () => '/api/processes/forms/matrix-probe-form', body: () => ({ schema: JSON.stringify({ id: 'matrix-probe-form', components: [] }) }), expect: { anonymous: 401, citizenA: 403, citizenB: 403, staff: 403, analyst: ok, otherClerk: 403 } },

  // staff accounts: admins only; the account they change is a bystander's, so no caller's token ends here
  { route: 'GET /api/staff/', url: () => '/api/staff/', expect: { anonymous: 401, citizenA: 403, citizenB: 403, staff: 403, admin: ok, otherClerk: 403 } },
  { route: 'PATCH /api/staff/{staffId}', url: (d) => `/api/staff/${d.staffId}`, body: () => ({ active: false }), expect: { anonymous: 401, citizenA: 403, citizenB: 403, staff: 403, admin: ok, otherClerk: 403 } },
  { route: 'DELETE /api/staff/{staffId}/sessions', url: (d) => `/api/staff/${d.staffId}/sessions`, expect: { anonymous: 401, citizenA: 403, citizenB: 403, staff: 403, admin: ok, otherClerk: 403 } },
  // Last: signing out everywhere ends each caller's token.
  { route: 'DELETE /api/auth/sessions', url: () => '/api/auth/sessions', expect: { anonymous: 401, citizenA: ok, citizenB: ok, staff: ok, otherClerk: ok } },
];

const callers: Caller[] = ['anonymous', 'citizenA', 'citizenB', ...staffRoles, 'otherClerk', ...ended];

function expectedOf(row: Row, caller: Caller): Cell | undefined {
  const own = row.expect[caller];
  if (own !== undefined) return own;
  if (ended.includes(caller as Ended)) return row.expect.anonymous;
  return staffRoles.includes(caller as Role) ? row.expect.staff : undefined;
}

const withoutTrailingSlash = (route: string) => route.replace(/(.)\/$/, '$1');

/** `METHOD /path/{param}` for each route in Fastify's printRoutes tree (HEAD, which Fastify adds to every GET, left out). */
function routerRoutes(tree: string): string[] {
  const segments: string[] = [];
  const routes: string[] = [];
  for (const line of tree.split('\n')) {
    const branch = line.indexOf('── ');
    if (branch < 0) continue;
    const depth = (branch - 1) / 4;
    const [, segment, methods] = /^(.*?)(?: \(([A-Z, ]+)\))?$/.exec(line.slice(branch + 3))!;
    segments.length = depth;
    segments.push(segment!);
    const path = segments.join('').replace(/:(\w+)/g, '{$1}');
    for (const method of methods?.split(', ') ?? []) if (method !== 'HEAD') routes.push(`${method} ${path}`);
  }
  return routes;
}

function outcomeOf(status: number): Outcome | number {
  if (status >= 500) return status;
  return status === 401 || status === 403 || status === 404 ? status : ok;
}

t.test('authorisation matrix', async (t) => {
  const api = await startTestApi(t);
  const { app, db, zeebe } = api;

  // Given: one request of citizen A in district 12 with a document, a paid fee,
  // an appointment and a certificate; a second one to cancel; a clerk's task
  // about it; a task of district 5; a saved diagram version.
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
  const task12 = await until(() => db('user_tasks').where({ request_id: request.id }).first(), 'the district-12 task');
  const task5 = await until(() => db('user_tasks').whereRaw("candidate_groups @> '{district-5:clerk}'").first(), 'the district-5 task');
  await saveVersion(db, { processId: probeId, xml: probeDiagram, author: 'analyst-12' });

  const data: Data = {
    request: request.trackingCode, cancellable: cancellable.trackingCode, documentId: document.id, paymentId: payment.id, gatewayToken: 'matrix-token',
    verificationCode: 'ABCD-EFGH-JKLM', task12: task12.job_key, task5: task5.job_key, nationalCode: citizenA.nationalCode, mobile: citizenA.mobile,
    // Tomorrow in Tehran, a day the slots route accepts.
    day: new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Tehran' }).format(new Date(Date.now() + 86_400_000)),
    staffId: bystander,
  };

  await t.test('every route under /api has a row, and every row a route', async (t) => {
    const spec = (await app.inject({ url: '/docs/json' })).json() as { paths: Record<string, Record<string, unknown>> };
    const registered = Object.entries(spec.paths)
      .filter(([path]) => path.startsWith('/api/'))
      .flatMap(([path, operations]) => Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`))
      .sort();
    const covered = [...new Set(rows.map((row) => row.route))].sort();
    t.same(registered.filter((route) => !covered.includes(route)), [], 'routes without a row');
    t.same(covered.filter((route) => !registered.includes(route)), [], 'rows without a route');
    // The router itself, so a route hidden from the document cannot slip past the table.
    const documented = new Set(registered.map(withoutTrailingSlash));
    const routed = routerRoutes(app.printRoutes({ commonPrefix: false })).filter((route) => route.split(' ')[1]!.startsWith('/api/'));
    t.same(routed.filter((route) => !documented.has(withoutTrailingSlash(route))), [], 'routes the router has and the document does not');
  });

  await t.test('every row states every caller', async (t) => {
    const gaps = rows.flatMap((row) => callers.filter((caller) => expectedOf(row, caller) === undefined).map((caller) => `${row.route}: ${caller}`));
    t.same(gaps, []);
  });

  for (const [index, row] of rows.entries()) {
    const [method] = row.route.split(' ') as [string];
    await t.test(`${row.route}${row.note ? ` (${row.note})` : ''}`, async (t) => {
      const expected: Record<string, Outcome> = {};
      const actual: Record<string, Outcome | number> = {};
      const statuses: string[] = [];
      const faults: string[] = [];
      for (const [position, caller] of callers.entries()) {
        const response = await app.inject({
          method: method as 'GET',
          url: row.url(data),
          headers: tokens.get(caller),
          // Rate limits are per address; each caller has its own, so a limit never hides a decision.
          remoteAddress: `10.${index + 2}.0.${position + 1}`,
          ...(row.body ? { payload: row.body(data) as object } : {}),
        });
        statuses.push(`${caller} ${response.statusCode}`);
        if (response.statusCode >= 500) faults.push(`${caller}: ${response.statusCode} ${response.body}`);
        expected[caller] = expectedOf(row, caller)!;
        actual[caller] = outcomeOf(response.statusCode);
      }
      t.same(faults, [], 'no caller gets a 5xx');
      t.same(actual, expected, `each caller gets the decision the table states (${statuses.join(', ')})`);
    });
  }
});
