import t from 'tap';
import { createTestDatabase } from './helpers/database.ts';
import { migrateToLatest } from '../platform/database.ts';

t.test('every migration rolls back and applies again', async (t) => {
  const db = await createTestDatabase(t);
  const tablesNow = async () =>
    (await db('pg_tables').where({ schemaname: 'public' }).pluck('tablename')).filter((name) => !name.startsWith('knex_')).sort();

  const migrated = await tablesNow();
  t.ok(migrated.includes('requests'), 'the template is migrated');

  await db.migrate.rollback(undefined, true);
  t.same(await tablesNow(), [], 'rolling everything back leaves no table');
  const [, pending] = (await db.migrate.list()) as [unknown[], unknown[]];
  t.ok(pending.length > 0, 'all migrations are pending again');

  await migrateToLatest(db);
  t.same(await tablesNow(), migrated, 'migrating again gives the same tables');
});

t.test('the districts are Mashhad\'s thirteen and Samen, with district 12 the pilot', async (t) => {
  const db = await createTestDatabase(t);
  const districts = await db('districts').orderBy('id');
  t.equal(districts.length, 14);
  t.same(districts.filter((d) => d.is_pilot).map((d) => d.id), [12]);
  t.equal(districts[13].name_fa, 'منطقه ثامن');
});

t.test('the schema keeps its invariants', async (t) => {
  const db = await createTestDatabase(t);
  const [citizen] = await db('citizens').insert({ national_code: '0013542419', mobile: '09121234567' }).returning('id');
  const request = { tracking_code: 'T-1', service_id: 'tree-pruning', district_id: 12, channel: 'portal', citizen_id: citizen.id };
  await db('requests').insert(request);
  await t.rejects(db('requests').insert({ ...request, tracking_code: 'T-2', channel: 'fax' }), /requests_channel_known/, 'an unknown channel is refused');
  await t.rejects(db('requests').insert(request), /unique/, 'a tracking code is unique');
  const [{ id }] = await db('requests').select('id');
  await t.rejects(
    db('payments').insert({ request_id: id, business_key: 'k', amount: 0, gateway: 'sandbox' }),
    /payments_amount_positive/,
    'a payment of zero rials is refused',
  );
  await t.rejects(db('ratings').insert({ request_id: id, score: 6 }), /ratings_score_range/, 'a rating above 5 is refused');
  await db('request_events').insert({ request_id: id, kind: 'received', dedupe_key: 'a' });
  await t.rejects(db('request_events').insert({ request_id: id, kind: 'received', dedupe_key: 'a' }), /unique/, 'a re-delivered milestone is recorded once');
  const [{ name }] = await db('citizens').insert({ national_code: '3974017844', mobile: '09121234568', name: 'زهرا کریمی' }).returning('name');
  t.equal(name, 'زهرا کریمی', 'Persian text round-trips (UTF-8 cluster)');
});

t.test('every role the catalogue gives tasks to, and every staff role the API knows, is in the roles table', async (t) => {
  const db = await createTestDatabase(t);
  const { roles } = await import('../processes/catalogue/types.ts');
  const { staffRoles } = await import('../api/plugins/app/auth.ts');
  const known = new Set(await db('roles').pluck('id'));
  for (const role of new Set([...roles, ...staffRoles])) t.ok(known.has(role), `${role} is a role`);
});
