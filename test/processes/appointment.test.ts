// The appointment journey on the embedded engine: the real shared diagram
// (processes/shared/appointment.bpmn) deployed, the real appointment, request
// and notification workers, and the citizen's moves and cancellations made
// through the worker-side functions the API calls (or through the API). The
// district office is open round the clock, so on the real clock the earliest
// slot's reminder is due at once and the process reaches its attendance wait.
import fs from 'node:fs';
import t from 'tap';
import type { Knex } from 'knex';
import type { ZBClient } from 'zeebe-node';
import { jalaliDateTime } from '../../platform/persian.ts';
import { moveBooking, freeSlots, type ChoiceDeps } from '../../domain/appointments/choices.ts';
import { recordAttendance } from '../../domain/appointments/attendance.ts';
import { appointmentWorkers, type AppointmentWorkerOptions } from '../../workers/appointment/index.ts';
import { notificationWorkers } from '../../workers/notification/index.ts';
import { requestWorkers } from '../../workers/request/index.ts';
import { startTestEngine } from '../engine/helpers.ts';
import { eventually } from '../helpers/eventually.ts';
import { openAroundTheClock } from '../helpers/offices.ts';
import { seedRequest, silentLogger, startVariables } from '../workers/helpers.ts';
import { signInCitizen, signInStaff, startTestApi } from '../api/helpers.ts';
import { deployStandIn, treePruningForm } from '../api/fixtures.ts';

t.setTimeout(240_000);

const diagram = fs.readFileSync(new URL('../../processes/shared/appointment.bpmn', import.meta.url));

interface Teardown { teardown(fn: () => unknown): void }

/** The diagram and the workers its steps need, on one engine and database. */
async function deployWithWorkers(t: Teardown, zeebe: ZBClient, db: Knex, options: AppointmentWorkerOptions = {}): Promise<void> {
  await zeebe.deployResource({ name: 'appointment.bpmn', process: diagram });
  const deps = { zeebe, db, logger: silentLogger, publicUrl: 'http://localhost:3000' };
  for (const family of [appointmentWorkers(deps, options), requestWorkers(deps), notificationWorkers(deps)]) t.teardown(() => family.close());
}

/** Runs the appointment process to its end; resolves with its variables. */
function runAppointment(zeebe: ZBClient, variables: Record<string, unknown>): Promise<{ variables: Record<string, unknown> }> {
  return zeebe.createProcessInstanceWithResult({
    bpmnProcessId: 'appointment', variables: { ...variables, dueDate: new Date(Date.now() + 7 * 86_400_000).toISOString() }, requestTimeout: 200_000,
  } as never) as unknown as Promise<{ variables: Record<string, unknown> }>;
}

/** The appointment of the request once the process has reminded the citizen of it (then it waits for attendance). */
const remindedOf = (db: Knex, requestId: string, appointmentId?: string) => eventually(
  'the reminded booking',
  () => db('appointments').where({ request_id: requestId, status: 'booked', ...(appointmentId ? { id: appointmentId } : {}) }).whereNotNull('reminded_at').first(),
  { timeoutMs: 60_000 },
);

/** The statuses the process recorded (API change events carry no element id). */
const statusesOf = async (db: Knex, requestId: string) =>
  (await db('request_events').where({ request_id: requestId }).whereNotNull('element_id').orderBy('id')).map((row) => row.kind as string);

const templatesOf = async (db: Knex, requestId: string) => (await db('notifications').where({ request_id: requestId }).orderBy('id')).map((row) => row.template as string);

/** The first free slot at least `days` Tehran days from now (the deps' clock) at district 12. */
async function slotFrom(deps: ChoiceDeps, days: number): Promise<Date> {
  const now = deps.now?.() ?? new Date();
  for (let offset = days; offset < days + 3; offset++) {
    const day = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Tehran' }).format(new Date(now.getTime() + offset * 86_400_000));
    const [slot] = (await freeSlots(deps, 12, day))!.slots;
    if (slot) return slot.startsAt;
  }
  throw new Error('no free slot');
}

t.test('booked, moved while waiting for attendance, moved again while waiting for the reminder, attended', async (t) => {
  const { db, client } = await startTestEngine(t);
  await openAroundTheClock(db, 12);
  await deployWithWorkers(t, client, db);
  const request = await seedRequest(db, { districtId: 12 });
  const finished = runAppointment(client, startVariables(request));

  const booked = await remindedOf(db, request.id);
  t.same(await templatesOf(db, request.id), ['appointment-booked', 'appointment-reminder'], 'told and reminded of the earliest slot');
  t.equal((await db('requests').where({ id: request.id }).first()).status, 'appointment-booked', 'the request says it is booked');

  // Five days ahead: the new reminder is days away, so the process waits for it.
  const later = await slotFrom({ db, zeebe: client }, 5);
  t.match(await moveBooking({ db, zeebe: client }, request.id, later, 'citizen'), { kind: 'moved' });
  await eventually('the second booking notice', async () => (await templatesOf(db, request.id)).filter((template) => template === 'appointment-booked').length === 2, { timeoutMs: 30_000 });
  const told = await db('notifications').where({ request_id: request.id, template: 'appointment-booked' }).orderBy('id', 'desc').first();
  t.match(told.body, jalaliDateTime(later), 'the new time is told');

  const soon = await slotFrom({ db, zeebe: client }, 0);
  t.match(await moveBooking({ db, zeebe: client }, request.id, soon, 'citizen'), { kind: 'moved' });
  const moved = await remindedOf(db, request.id, booked.id);
  t.equal(moved.starts_at.toISOString(), soon.toISOString(), 'the same appointment at the new time, reminded');
  t.equal(moved.moves, 2);

  t.match(await recordAttendance({ db, zeebe: client }, booked.id, true), { kind: 'recorded' });
  const outcome = await finished;
  t.equal(outcome.variables.appointmentId, booked.id, 'attendance correlated by the same id');
  t.equal(outcome.variables.appointmentAt, soon.toISOString(), 'the process ends on the row\'s time');
  t.same(await templatesOf(db, request.id), ['appointment-booked', 'appointment-reminder', 'appointment-booked', 'appointment-booked', 'appointment-reminder'],
    'each move told once; the days-away reminder never sent');
  const reminder = await db('notifications').where({ request_id: request.id, template: 'appointment-reminder' }).orderBy('id', 'desc').first();
  t.match(reminder.body, jalaliDateTime(soon), 'the last reminder names the last time');
  t.same(await statusesOf(db, request.id), ['appointment-booked'], 'booked once; the moves keep the status');
});

t.test('booked, cancelled by the citizen, awaiting-appointment, booked again through the API, attended', async (t) => {
  const api = await startTestApi(t);
  const { app, db, zeebe } = api;
  await openAroundTheClock(db, 12);
  await deployStandIn(zeebe, 'tree-pruning');
  await deployWithWorkers(t, zeebe, db);
  const zahra = await signInCitizen(api, '0013542419', '09121234567');
  const clerk = await signInStaff(api, 'clerk-12', 'clerk', 12);
  const filed = (await app.inject({ method: 'POST', url: '/api/requests', headers: zahra, payload: { serviceId: 'tree-pruning', districtId: 12, form: treePruningForm } })).json();
  const base = `/api/requests/${filed.trackingCode}/appointment`;
  const finished = runAppointment(zeebe, {
    requestId: filed.id, trackingCode: filed.trackingCode, serviceId: 'tree-pruning', districtId: 12,
    citizen: { nationalCode: '0013542419', mobile: '09121234567', name: 'زهرا کریمی' },
  });

  const first = await remindedOf(db, filed.id);
  t.equal((await app.inject({ url: `/api/requests/${filed.trackingCode}`, headers: zahra })).json().status, 'appointment-booked', 'the citizen sees the booking');
  const cancelled = await app.inject({ method: 'DELETE', url: base, headers: zahra });
  t.equal(cancelled.statusCode, 200, cancelled.body);
  t.equal(cancelled.json().status, 'cancelled');
  await eventually('the request awaiting an appointment', async () => (await db('requests').where({ id: filed.id }).first()).status === 'awaiting-appointment', { timeoutMs: 30_000 });
  t.equal((await app.inject({ url: `/api/requests/${filed.trackingCode}`, headers: zahra })).json().status, 'awaiting-appointment', 'the process recorded the wait');

  const soon = await slotFrom({ db, zeebe }, 0);
  const day = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Tehran' }).format(soon);
  const offered = (await app.inject({ url: `${base}/slots?day=${day}`, headers: zahra })).json() as Array<{ id: string }>;
  t.equal(offered[0]!.id, soon.toISOString(), 'the API offers the same first slot');
  const booked = await app.inject({ method: 'POST', url: base, headers: zahra, payload: { slotId: offered[0]!.id } });
  t.equal(booked.statusCode, 201, booked.body);
  const second = await remindedOf(db, filed.id, booked.json().id);
  t.not(second.id, first.id, 'a new appointment');
  t.equal((await app.inject({ url: `/api/requests/${filed.trackingCode}`, headers: zahra })).json().status, 'appointment-booked', 'booked again');

  const attended = await app.inject({ method: 'POST', url: `${base}/attendance`, headers: clerk, payload: { attended: true } });
  t.equal(attended.statusCode, 200, attended.body);
  const outcome = await finished;
  t.equal(outcome.variables.appointmentId, second.id, 'the process took the new booking and its attendance');
  t.same(await templatesOf(db, filed.id), ['appointment-booked', 'appointment-reminder', 'appointment-booked', 'appointment-reminder']);
  const timeline = (await db('request_events').where({ request_id: filed.id }).orderBy('id')).map((event) => `${event.element_id ? 'status' : 'change'} ${event.kind}`);
  t.same(timeline.filter((entry) => / (appointment-|awaiting-appointment)/.test(entry)),
    ['status appointment-booked', 'change appointment-cancelled', 'status awaiting-appointment', 'change appointment-booked', 'status appointment-booked', 'change appointment-attended'],
    'the timeline: booked, cancelled, waiting, booked by the citizen, booked, came');
});

t.test('attendance recorded before the process waits for it is kept until the process takes it', async (t) => {
  const { db, client } = await startTestEngine(t);
  await openAroundTheClock(db, 12);
  await deployWithWorkers(t, client, db, { sweepEveryMs: 1_000 });

  // Early: the booking is days away, so the process waits for its reminder; the citizen comes in today.
  const early = await seedRequest(db, { districtId: 12 });
  const earlyFinished = runAppointment(client, startVariables(early));
  const booked = await remindedOf(db, early.id);
  const later = await slotFrom({ db, zeebe: client }, 5);
  t.match(await moveBooking({ db, zeebe: client }, early.id, later, 'citizen'), { kind: 'moved' });
  await eventually('the second booking notice', async () => (await templatesOf(db, early.id)).filter((template) => template === 'appointment-booked').length === 2, { timeoutMs: 30_000 });
  t.match(await recordAttendance({ db, zeebe: client }, booked.id, false), { kind: 'too-early' }, 'no no-show before the time');
  t.match(await recordAttendance({ db, zeebe: client }, booked.id, true, 'staff:clerk-12'), { kind: 'recorded', replayed: false });
  t.equal((await earlyFinished).variables.appointmentId, booked.id, 'the process took it while waiting for the reminder');
  t.same(await templatesOf(db, early.id), ['appointment-booked', 'appointment-reminder', 'appointment-booked'], 'and never reminds of a visit made');
  t.match(await db('appointments').where({ id: booked.id }).first(), { status: 'attended', attendance_recorded_by: 'staff:clerk-12' });

  // Published long ago and run out before the process got there: the sweep tells it again while the request still waits.
  const held = await seedRequest(db, { districtId: 12 });
  const heldFinished = runAppointment(client, startVariables(held));
  const heldBooking = await remindedOf(db, held.id);
  const { engine: gone, client: orphan } = await startTestEngine(t);
  await gone.stop();
  await t.rejects(recordAttendance({ db, zeebe: orphan }, heldBooking.id, true), { name: 'NotAnnounced' });
  await db('appointments').where({ id: heldBooking.id })
    .update({ unannounced: [], unannounced_since: null, attendance_recorded_at: db.raw(`now() - interval '2 minutes'`) });
  t.equal((await heldFinished).variables.appointmentId, heldBooking.id, 'the sweep announced the attendance again and the process took it');
});

t.test('two bookings race for the last counters of a slot: the loser hears SLOT_TAKEN and the process books the next slot', async (t) => {
  const { db, client } = await startTestEngine(t);
  await openAroundTheClock(db, 12);
  // One clock for the test and the booking worker: on the real clock a
  // 20-minute boundary passing between here and the booking would move the
  // earliest slot away from the one the rival holds.
  const frozen = new Date();
  const now = () => frozen;
  await deployWithWorkers(t, client, db, { now });
  const request = await seedRequest(db, { districtId: 12 });
  const rival = await seedRequest(db, { districtId: 12 });
  const office = await db('offices').where({ district_id: 12 }).first();
  const earliest = await slotFrom({ db, zeebe: client, now }, 0);

  // Given another booking of both counters of that slot is under way, outside the office lock (not yet committed) …
  const other = await db.transaction();
  await other('appointments').insert([1, 2].map((counter) => ({
    request_id: rival.id, district_id: 12, office_id: office.id, counter_number: counter, business_key: `rival:${counter}`,
    starts_at: earliest, ends_at: new Date(earliest.getTime() + 20 * 60_000),
  })));
  // … when the process books, it sees the slot free and waits on the unique index;
  const finished = runAppointment(client, startVariables(request));
  await eventually('the process waiting on the unique index', async () => {
    const [{ waiting }] = (await db.raw(`select count(*)::int as waiting from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`)).rows;
    return waiting > 0;
  }, { timeoutMs: 30_000 });
  // then the rival commits first: the process's insert fails, SLOT_TAKEN loops back, and it books the next slot.
  await other.commit();
  const booked = await remindedOf(db, request.id);
  t.equal(booked.starts_at.toISOString(), new Date(earliest.getTime() + 20 * 60_000).toISOString(), 'the next slot');
  t.equal((await db('appointments').where({ request_id: request.id })).length, 1, 'one booking for the request');
  t.match(await recordAttendance({ db, zeebe: client }, booked.id, true), { kind: 'recorded' });
  t.equal((await finished).variables.appointmentId, booked.id);
});

t.test('a move committed while the engine was unreachable is announced by the workers\' sweep, and the process follows it', async (t) => {
  const { db, client } = await startTestEngine(t);
  await openAroundTheClock(db, 12);
  await deployWithWorkers(t, client, db, { sweepEveryMs: 1_000 });
  const request = await seedRequest(db, { districtId: 12 });
  const finished = runAppointment(client, startVariables(request));
  const booked = await remindedOf(db, request.id);

  // The API's publish fails as if the process had died after the commit: a real client whose engine is gone.
  const { engine: gone, client: orphan } = await startTestEngine(t);
  await gone.stop();
  // The next slot after the booked one (today, or tomorrow late at night): its reminder is due at once, so the process goes on to wait for attendance.
  let later: Date | undefined;
  for (let offset = 0; !later && offset < 2; offset++) {
    const day = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Tehran' }).format(new Date(booked.starts_at.getTime() + offset * 86_400_000));
    later = (await freeSlots({ db, zeebe: client }, 12, day))!.slots.find((slot) => slot.startsAt > booked.starts_at)?.startsAt;
  }
  if (!later) throw new Error('no slot after the booked one');
  await t.rejects(moveBooking({ db, zeebe: orphan }, request.id, later, 'citizen'), { name: 'NotAnnounced', appointmentId: booked.id });
  t.same((await db('appointments').where({ id: booked.id }).first()).unannounced, ['moved'], 'the row owes the process its move');

  // No call retries; the sweep of the running workers publishes it once it is a few seconds old.
  await eventually('the second booking notice', async () => (await templatesOf(db, request.id)).filter((template) => template === 'appointment-booked').length === 2, { timeoutMs: 30_000 });
  const told = await db('notifications').where({ request_id: request.id, template: 'appointment-booked' }).orderBy('id', 'desc').first();
  t.match(told.body, jalaliDateTime(later), 'the process told the citizen the new time');
  t.same((await db('appointments').where({ id: booked.id }).first()).unannounced, [], 'announced');
  t.equal((await remindedOf(db, request.id, booked.id)).starts_at.toISOString(), later.toISOString(), 'reminded of the new time');

  t.match(await recordAttendance({ db, zeebe: client }, booked.id, true), { kind: 'recorded' });
  const outcome = await finished;
  t.equal(outcome.variables.appointmentAt, later.toISOString(), 'the process ends on the row\'s time');
});
