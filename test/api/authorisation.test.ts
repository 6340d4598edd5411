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
import t from 'tap';
import { staffRoles, type Role } from '../../api/plugins/app/auth.ts';
import { startTestApi } from './helpers.ts';
import { treePruningForm } from './fixtures.ts';
import { citizenB, complaint, ended, populate, probeDiagram, probeId, type Caller, type Data, type Ended } from './world.ts';

/** A time no office offers (midnight, in the past). */
const noSlot = '2026-01-01T00:00:00.000Z';

const ok = 'ok' as const;
type Outcome = typeof ok | 401 | 403 | 404;
type Cell = Outcome;

/** `staff` is the default for district-12 staff roles the row does not name; `anonymous` for the ended tokens. */
type Expectation = Partial<Record<Caller | 'staff', Cell>>;

interface Row {
  route: string;
  /** Which case of the route the row tries, when one route has several rows. */
  note?: string;
  url(d: Data): string;
  body?(d: Data): unknown;
  expect: Expectation;
}

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
  { route: 'GET /api/simulations/', url: () => '/api/simulations/', expect: { anonymous: 401, citizenA: 403, citizenB: 403, staff: 403, manager: ok, analyst: ok, admin: ok, otherClerk: 403 } },
  { route: 'GET /api/simulations/{id}', url: (d) => `/api/simulations/${d.simulation}`, expect: { anonymous: 401, citizenA: 403, citizenB: 403, staff: 403, manager: ok, analyst: ok, admin: ok, otherClerk: 403 } },

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
  // The plan names running requests by tracking code: analysts only (it was open to anyone).
  { route: 'GET /api/processes/{id}/migration', url: () => `/api/processes/${probeId}/migration`, expect: { anonymous: 401, citizenA: 403, citizenB: 403, staff: 403, analyst: ok, otherClerk: 403 } },
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

  const { tokens, data } = await populate(t, api);

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
