// Fair inspector assignment and approval routing against real PostgreSQL.
import t from 'tap';
import type { Knex } from 'knex';
import { finishInspectionVisit } from '../../domain/inspections/visits.ts';
import { createInspectionHandlers } from '../../workers/inspection/handlers.ts';
import { createApprovalHandlers } from '../../workers/approval/handlers.ts';
import { PermanentFault } from '../../workers/job.ts';
import { createTestDatabase } from '../helpers/database.ts';
import { jobOf, seedRequest, silentLogger, startVariables } from './helpers.ts';

async function addInspector(db: Knex, username: string, districtId: number, active = true) {
  await db('staff').insert({ username, display_name: username, role_id: 'inspector', district_id: districtId, password_hash: 'x', active });
}

type Assigned = { complete: { inspectorId: string; inspectionVisitId: string } };

t.test('inspection.assign', async (t) => {
  const db = await createTestDatabase(t);
  const handlers = createInspectionHandlers({ db, logger: silentLogger });
  await addInspector(db, 'insp-a', 4);
  await addInspector(db, 'insp-b', 4);
  await addInspector(db, 'insp-c', 4);
  await addInspector(db, 'insp-away', 4, false);
  await addInspector(db, 'insp-other', 5);
  const request = await seedRequest(db, { districtId: 4 });
  const assign = async () => ((await handlers.assign(jobOf({ variables: { ...startVariables(request), districtId: 4 } }))) as Assigned).complete;

  t.test('round-robin among equals, never inactive or other districts, re-delivery assigns once', async (t) => {
    const job = jobOf({ variables: { ...startVariables(request), districtId: 4 } });
    const first = (await handlers.assign(job) as Assigned).complete;
    t.same((await handlers.assign(job) as Assigned).complete, first);
    const next = [await assign(), await assign()];
    t.same([first.inspectorId, ...next.map((a) => a.inspectorId)].sort(), ['insp-a', 'insp-b', 'insp-c']);
    t.equal((await db('inspection_visits')).length, 3);
  });

  t.test('least open visits first', async (t) => {
    // Everyone has one open visit; b finishes theirs, so b is next even though a and c were assigned earlier.
    const visitOfB = await db('inspection_visits as v').join('staff as s', 's.id', 'v.inspector_id').where('s.username', 'insp-b').select('v.id').first();
    t.ok(await finishInspectionVisit(db, visitOfB.id, { result: 'pass', notes: 'بدون مشکل' }));
    t.equal((await assign()).inspectorId, 'insp-b');
  });

  t.test('concurrent assignments spread evenly', async (t) => {
    const district = 8;
    await addInspector(db, 'insp-8a', district);
    await addInspector(db, 'insp-8b', district);
    const req = await seedRequest(db, { districtId: district });
    const outcomes = await Promise.all(Array.from({ length: 6 }, () => handlers.assign(jobOf({ variables: { ...startVariables(req), districtId: district } })))) as Assigned[];
    const counts = new Map<string, number>();
    for (const o of outcomes) counts.set(o.complete.inspectorId, (counts.get(o.complete.inspectorId) ?? 0) + 1);
    t.same(Object.fromEntries(counts), { 'insp-8a': 3, 'insp-8b': 3 });
  });

  t.test('a district without inspectors fails for retry', async (t) => {
    const req = await seedRequest(db, { districtId: 9 });
    await t.rejects(handlers.assign(jobOf({ variables: { ...startVariables(req), districtId: 9 } })), /no active inspector/);
  });
});

t.test('approval.route names the catalogue approver in the district', async (t) => {
  const db = await createTestDatabase(t);
  const handlers = createApprovalHandlers({ db, logger: silentLogger });
  const request = await seedRequest(db, { serviceId: 'building-permit', districtId: 12 });
  t.same(await handlers.route(jobOf({ variables: startVariables(request) })), { complete: { approvalGroup: 'district-12:urban-planning-deputy' } });
  await t.rejects(handlers.route(jobOf({ variables: { ...startVariables(request), serviceId: 'unknown' } })), PermanentFault);
  const { services } = await import('../../processes/catalogue/index.ts');
  const withoutApprover = services.find((service) => !service.approver)!;
  await t.rejects(handlers.route(jobOf({ variables: { ...startVariables(request), serviceId: withoutApprover.id } })), /no approver/);
});
