// Working-day due dates and appointment booking against real PostgreSQL.
import t from 'tap';
import { addWorkingDays } from '../../platform/working-calendar.ts';
import { createSlaHandlers } from '../../workers/sla/handlers.ts';
import { recordAttendance } from '../../domain/appointments/attendance.ts';
import { cancelAppointment } from '../../domain/appointments/booking.ts';
import { createAppointmentHandlers } from '../../workers/appointment/handlers.ts';
import { announceUnannounced } from '../../domain/appointments/announcements.ts';
import { bookChosenSlot, cancelBooking, freeSlots, moveBooking } from '../../domain/appointments/choices.ts';
import { appointmentWorkers } from '../../workers/appointment/index.ts';
import { notificationWorkers } from '../../workers/notification/index.ts';
import { activate } from '../engine/helpers.ts';
import { eventually } from '../helpers/eventually.ts';
import { closeAtEnd, deployFixture, startTestEngine } from './engine.ts';
import { PermanentFault } from '../../workers/job.ts';
import { createTestDatabase } from '../helpers/database.ts';
import { jobOf, seedRequest, silentLogger, startVariables } from './helpers.ts';

t.test('working days: Thursday half, Friday closed, holidays skipped', async (t) => {
  const wednesday = new Date('2026-12-02T06:30:00Z'); // 10:00 Tehran
  t.equal(addWorkingDays(wednesday, 1, new Set()).toISOString(), '2026-12-05T11:00:00.000Z', 'Thu half + Sat -> Saturday 14:30');
  t.equal(addWorkingDays(wednesday, 0.5, new Set()).toISOString(), '2026-12-03T08:30:00.000Z', 'half a day -> Thursday 12:00');
  t.equal(addWorkingDays(wednesday, 1, new Set(['2026-12-05'])).toISOString(), '2026-12-06T11:00:00.000Z', 'holiday Saturday -> Sunday');
  const saturday = new Date('2026-11-28T06:30:00Z');
  t.equal(addWorkingDays(saturday, 5, new Set()).toISOString(), '2026-12-05T11:00:00.000Z', 'Sun..Wed = 4, Thu half, Sat completes');
});

t.test('sla.due-date counts from filing, so re-delivery answers the same date', async (t) => {
  const db = await createTestDatabase(t);
  const handlers = createSlaHandlers({ db, logger: silentLogger });
  const request = await seedRequest(db, { serviceId: 'tree-pruning' });
  await db('requests').where({ id: request.id }).update({ created_at: new Date('2026-12-02T06:30:00Z') });
  await db('holidays').insert({ day: '2026-12-05', jalali: '1405-09-14', name_fa: 'تعطیل آزمایشی' });
  const job = jobOf({ variables: startVariables(request) });
  const first = await handlers.dueDate(job) as { complete: { dueDate: string } };
  t.same(await handlers.dueDate(job), first);
  const { findService } = await import('../../processes/catalogue/index.ts');
  const expected = addWorkingDays(new Date('2026-12-02T06:30:00Z'), findService('tree-pruning')!.slaWorkingDays, new Set(['2026-12-05']));
  t.equal(first.complete.dueDate, expected.toISOString());
  t.equal((await db('requests').where({ id: request.id }).first('due_at')).due_at.toISOString(), expected.toISOString(), 'the request keeps its due date for the figures');
  await t.rejects(handlers.dueDate(jobOf({ variables: { ...startVariables(request), serviceId: 'nope' } })), PermanentFault);
});

t.test('appointment.book', async (t) => {
  const db = await createTestDatabase(t);
  let now = new Date('2026-11-29T04:00:00Z'); // Sunday 07:30 Tehran
  const handlers = createAppointmentHandlers({ db, logger: silentLogger, now: () => now, leadMinutes: 60 });
  type Booked = { complete: { appointmentId: string; appointmentAt: string; reminderAt: string } };

  t.test('earliest free slot first, counters fill before the next slot, re-delivery books once', async (t) => {
    const request = await seedRequest(db);
    const job = jobOf({ variables: startVariables(request) });
    const first = await handlers.book(job) as Booked;
    t.equal(first.complete.appointmentAt, '2026-11-29T05:00:00.000Z', '08:30 Tehran, an hour after now');
    t.equal(first.complete.reminderAt, now.toISOString(), 'the day before has passed: remind at once');
    t.same(await handlers.book(job), first);
    const second = await handlers.book(jobOf({ variables: startVariables(request) })) as Booked;
    const third = await handlers.book(jobOf({ variables: startVariables(request) })) as Booked;
    t.equal(second.complete.appointmentAt, '2026-11-29T05:00:00.000Z', 'second counter, same slot');
    t.equal(third.complete.appointmentAt, '2026-11-29T05:20:00.000Z');

    t.ok(await cancelAppointment(db, first.complete.appointmentId));
    const fourth = await handlers.book(jobOf({ variables: startVariables(request) })) as Booked;
    t.equal(fourth.complete.appointmentAt, '2026-11-29T05:00:00.000Z', 'a cancelled slot is free again');
  });

  t.test('concurrent bookings never share a counter and slot', async (t) => {
    const request = await seedRequest(db, { districtId: 3 });
    const outcomes = await Promise.all(Array.from({ length: 8 }, () => handlers.book(jobOf({ variables: { ...startVariables(request), districtId: 3 } })))) as Booked[];
    const rows = await db('appointments').whereIn('id', outcomes.map((o) => o.complete.appointmentId));
    t.equal(new Set(rows.map((row) => `${row.starts_at.toISOString()}|${row.counter_number}`)).size, 8);
  });

  t.test('after Thursday noon the next slot is Saturday, or Sunday when Saturday is a holiday', async (t) => {
    now = new Date('2026-12-03T08:00:00Z'); // Thursday 11:30 Tehran
    const request = await seedRequest(db, { districtId: 5 });
    const saturday = await handlers.book(jobOf({ variables: { ...startVariables(request), districtId: 5 } })) as Booked;
    t.equal(saturday.complete.appointmentAt, '2026-12-05T04:00:00.000Z', 'Saturday 07:30 Tehran');
    t.equal(saturday.complete.reminderAt, '2026-12-04T05:30:00.000Z', 'Friday 09:00 Tehran');
    await db('holidays').insert({ day: '2026-12-05', jalali: '1405-09-14', name_fa: 'تعطیل آزمایشی' });
    const request2 = await seedRequest(db, { districtId: 6 });
    const sunday = await handlers.book(jobOf({ variables: { ...startVariables(request2), districtId: 6 } })) as Booked;
    t.equal(sunday.complete.appointmentAt, '2026-12-06T04:00:00.000Z');
  });

  t.test('the reminder is queued once and names the office', async (t) => {
    const request = await seedRequest(db, { districtId: 7 });
    const booked = await handlers.book(jobOf({ variables: { ...startVariables(request), districtId: 7 } })) as Booked;
    const remind = jobOf({ variables: { ...startVariables(request), appointmentId: booked.complete.appointmentId } });
    t.same(await handlers.remind(remind), { complete: { reminded: true } });
    await handlers.remind(remind);
    const rows = await db('notifications').where({ request_id: request.id });
    t.equal(rows.length, 1);
    t.match(rows[0].body, /یادآوری/);
    t.match(rows[0].body, /منطقه ۷/);
  });

  t.test('bad inputs', async (t) => {
    const request = await seedRequest(db);
    await t.rejects(handlers.book(jobOf({ variables: {} })), /requestId/);
    await t.rejects(handlers.book(jobOf({ variables: { ...startVariables(request), districtId: 99 } })), /no office/);
    await t.rejects(handlers.remind(jobOf({ variables: startVariables(request) })), /appointmentId/);
  });
});

t.test('appointments through the engine', async (t) => {
  const { db, client } = await startTestEngine(t);
  await deployFixture(client, 'appointment.bpmn');
  const run = (variables: Record<string, unknown>) =>
    client.createProcessInstanceWithResult({ bpmnProcessId: 'workers-appointment-test', variables, requestTimeout: 30_000 } as never) as unknown as Promise<{ variables: Record<string, unknown> }>;

  t.test('a booking job re-delivered after a worker crash books once; a no-show is recorded', async (t) => {
    const request = await seedRequest(db, { districtId: 10 });
    const finished = run(startVariables(request));
    // A worker takes the job, books, and dies before completing it.
    const [raw] = await eventually('the booking job', async () => {
      const jobs = await activate(client, 'appointment.book', 1, 1_000, [], 1_000);
      return jobs.length > 0 ? jobs : undefined;
    });
    const crashed = createAppointmentHandlers({ db, logger: silentLogger });
    await crashed.book({
      jobKey: raw!.key, processInstanceKey: raw!.processInstanceKey, elementInstanceKey: raw!.elementInstanceKey, elementId: raw!.elementId,
      bpmnProcessId: raw!.bpmnProcessId, retries: raw!.retries, headers: raw!.customHeaders, variables: raw!.variables,
    });
    // The engine hands the job out again after its timeout; the real workers finish it.
    closeAtEnd(t, appointmentWorkers({ zeebe: client, db, logger: silentLogger, publicUrl: 'http://localhost:3000' }));
    closeAtEnd(t, notificationWorkers({ zeebe: client, db, logger: silentLogger, publicUrl: 'http://localhost:3000' }));
    const appointment = await eventually('the booking', () => db('appointments').where({ request_id: request.id }).first());
    await eventually('the reminder', () => db('appointments').where({ id: appointment.id }).whereNotNull('reminded_at').first(), { timeoutMs: 15_000 });
    t.match(await recordAttendance({ db, zeebe: client }, appointment.id, false), { kind: 'too-early' }, 'a no-show is not known before the booked time');
    const afterStart = { db, zeebe: client, now: () => new Date(appointment.starts_at.getTime() + 60_000) };
    t.match(await recordAttendance(afterStart, appointment.id, false), { kind: 'recorded', replayed: false });
    t.match(await recordAttendance(afterStart, appointment.id, false), { kind: 'recorded', replayed: true }, 'recording the same no-show again is harmless');
    const outcome = await finished;
    t.equal(outcome.variables.result, 'missed');
    t.equal(outcome.variables.appointmentId, appointment.id);
    t.equal((await db('appointments').where({ request_id: request.id })).length, 1);
    t.equal((await db('appointments').where({ id: appointment.id }).first()).status, 'missed');
    const templates = (await db('notifications').where({ request_id: request.id })).map((row) => row.template).sort();
    t.same(templates, ['appointment-booked', 'appointment-reminder']);
  });
});

t.test('a citizen\'s choices: free slots, move, cancel, book a chosen slot', async (t) => {
  // A real engine takes the messages; a second publish with the same id answering ALREADY_EXISTS shows the first is buffered.
  const { db, client } = await startTestEngine(t);
  const now = new Date('2026-11-29T04:00:00Z'); // Sunday 07:30 Tehran
  const deps = { db, zeebe: client, now: () => now, leadMinutes: 60 };
  const book = createAppointmentHandlers({ db, logger: silentLogger, now: () => now, leadMinutes: 60 });
  type Booked = { complete: { appointmentId: string; appointmentAt: string } };
  const bookedBy = async (districtId: number) => {
    const request = await seedRequest(db, { districtId });
    const booked = await book.book(jobOf({ variables: { ...startVariables(request), districtId } })) as Booked;
    return { request, appointmentId: booked.complete.appointmentId, appointmentAt: booked.complete.appointmentAt };
  };
  const buffered = (name: string, correlationKey: string, messageId: string) =>
    client.publishMessage({ name, correlationKey, messageId, timeToLive: 1_000, variables: {} });
  const starts = (slots: Array<{ startsAt: Date }>) => slots.map((slot) => slot.startsAt.toISOString());

  t.test('free slots of a day: opening hours, lead time, counters, Fridays and holidays', async (t) => {
    const today = await freeSlots(deps, 1, '2026-11-29');
    t.equal(today!.office.name_fa, 'دفتر خدمات الکترونیک منطقه ۱');
    t.equal(starts(today!.slots)[0], '2026-11-29T05:00:00.000Z', 'from 08:30 Tehran: an hour after now');
    t.equal(today!.slots.length, 18, '08:30 to 14:10 in 20-minute slots');
    t.same(today!.slots.map((slot) => slot.endsAt.getTime() - slot.startsAt.getTime()), today!.slots.map(() => 20 * 60_000));
    t.equal((await freeSlots(deps, 1, '2026-11-30'))!.slots.length, 21, 'a whole Monday: 07:30 to 14:10');
    t.equal((await freeSlots(deps, 1, '2026-12-03'))!.slots.at(-1)!.startsAt.toISOString(), '2026-12-03T08:00:00.000Z', 'Thursday closes at noon: last slot 11:30');
    t.same((await freeSlots(deps, 1, '2026-12-04'))!.slots, [], 'Friday: closed');
    t.same((await freeSlots(deps, 1, '2026-11-28'))!.slots, [], 'yesterday: nothing');
    t.same((await freeSlots(deps, 1, '2026-12-30'))!.slots, [], 'past the 30-day horizon');
    await db('holidays').insert({ day: '2026-12-01', jalali: '1405-09-10', name_fa: 'تعطیل آزمایشی' });
    t.same((await freeSlots(deps, 1, '2026-12-01'))!.slots, [], 'a holiday');
    await db('holidays').where({ day: '2026-12-01' }).delete();
    // Both counters of 08:30 booked: the slot is no longer offered; one counter left still is.
    await bookedBy(1);
    t.equal(starts((await freeSlots(deps, 1, '2026-11-29'))!.slots)[0], '2026-11-29T05:00:00.000Z', 'one counter still free');
    await bookedBy(1);
    t.equal(starts((await freeSlots(deps, 1, '2026-11-29'))!.slots)[0], '2026-11-29T05:20:00.000Z', 'both taken: the slot is gone');
    t.equal(await freeSlots(deps, 99, '2026-11-29'), undefined, 'no office in the district');
  });

  t.test('move: same appointment at the chosen time, reminder reset, one message per move, retries publish the same', async (t) => {
    const { request, appointmentId } = await bookedBy(2);
    await db('appointments').where({ id: appointmentId }).update({ reminded_at: db.fn.now() });
    const target = new Date('2026-11-30T06:00:00Z'); // Monday 09:30 Tehran
    const moved = await moveBooking(deps, request.id, target, 'citizen');
    t.match(moved, { kind: 'moved', replayed: false });
    const row = await db('appointments').where({ id: appointmentId }).first();
    t.equal(row.starts_at.toISOString(), target.toISOString());
    t.equal(row.ends_at.toISOString(), '2026-11-30T06:20:00.000Z');
    t.equal(row.moves, 1);
    t.equal(row.reminded_at, null, 'reminded again for the new time');
    t.same([row.unannounced, row.unannounced_since], [[], null], 'published, so nothing is owed to the engine');
    t.equal((await db('appointments').where({ request_id: request.id })).length, 1, 'no second row');
    await t.rejects(buffered('appointment-moved', appointmentId, `appointment-moved:${appointmentId}:1`), /ALREADY_EXISTS|already/i, 'appointment-moved published');
    const event = await db('request_events').where({ request_id: request.id, kind: 'appointment-moved' }).first();
    t.match(event.data, { appointmentId, appointmentAt: target.toISOString(), by: 'citizen', titleFa: /جابه‌جا شد/ });

    const again = await moveBooking(deps, request.id, target, 'citizen');
    t.match(again, { kind: 'moved', replayed: true }, 'the same move again is success');
    t.equal((await db('appointments').where({ id: appointmentId }).first()).moves, 1);
    t.equal((await db('request_events').where({ request_id: request.id, kind: 'appointment-moved' })).length, 1);

    const back = await moveBooking(deps, request.id, new Date('2026-11-29T06:00:00Z'), 'staff:agent-137-12');
    t.match(back, { kind: 'moved', replayed: false });
    await t.rejects(buffered('appointment-moved', appointmentId, `appointment-moved:${appointmentId}:2`), /ALREADY_EXISTS|already/i, 'a second move has its own message');
  });

  t.test('move refusals: taken, not a slot, no live booking, closed request', async (t) => {
    const first = await bookedBy(4);
    const second = await bookedBy(4);
    const third = await bookedBy(4);
    t.equal(third.appointmentAt, '2026-11-29T05:20:00.000Z');
    t.match(await moveBooking(deps, third.request.id, new Date(first.appointmentAt), 'citizen'), { kind: 'slot-taken' }, 'both counters of 08:30 are held');
    for (const [when, why] of [
      ['2026-11-29T05:05:00Z', 'off the 20-minute grid'], ['2026-11-29T04:00:00Z', 'sooner than the lead time'], ['2026-12-04T06:00:00Z', 'a Friday'],
      ['2026-11-29T11:00:00Z', 'after closing'], ['2027-01-10T06:00:00Z', 'past the horizon'],
    ] as const) {
      t.match(await moveBooking(deps, third.request.id, new Date(when), 'citizen'), { kind: 'slot-unavailable' }, why);
    }
    t.equal((await db('appointments').where({ id: third.appointmentId }).first()).starts_at.toISOString(), third.appointmentAt, 'refusals change nothing');
    await cancelAppointment(db, second.appointmentId);
    t.match(await moveBooking(deps, second.request.id, new Date('2026-11-30T06:00:00Z'), 'citizen'), { kind: 'no-live-booking' });
    await db('requests').where({ id: first.request.id }).update({ status: 'closed', closed_at: db.fn.now() });
    t.match(await moveBooking(deps, first.request.id, new Date('2026-11-30T06:00:00Z'), 'citizen'), { kind: 'request-closed' });
  });

  t.test('two moves racing for the last counter of a slot: one wins, the other hears slot-taken', async (t) => {
    const holder = await bookedBy(8);
    const a = await bookedBy(8);
    const b = await bookedBy(8);
    t.equal(holder.appointmentAt, a.appointmentAt, 'holder and a share 08:30 on two counters');
    await moveBooking(deps, a.request.id, new Date('2026-11-30T06:00:00Z'), 'citizen');
    const outcomes = await Promise.all([a, b].map(({ request }) => moveBooking(deps, request.id, new Date(holder.appointmentAt), 'citizen')));
    t.same(outcomes.map((outcome) => outcome.kind).sort(), ['moved', 'slot-taken']);
    t.equal(await db('appointments').where({ starts_at: new Date(holder.appointmentAt), status: 'booked', office_id: (await db('offices').where({ district_id: 8 }).first()).id }).count('* as n').first().then((row) => Number(row!.n)), 2);
  });

  t.test('cancel frees the counter and tells the process once; book a chosen slot only while the request waits for one', async (t) => {
    const { request, appointmentId, appointmentAt } = await bookedBy(9);
    t.match(await bookChosenSlot(deps, request.id, new Date('2026-11-30T06:00:00Z'), 'citizen'), { kind: 'already-booked' }, 'a live booking: move it instead');
    const cancelled = await cancelBooking(deps, request.id, 'citizen');
    t.match(cancelled, { kind: 'cancelled', replayed: false, appointment: { id: appointmentId, status: 'cancelled' } });
    await t.rejects(buffered('appointment-cancelled', appointmentId, `appointment-cancelled:${appointmentId}`), /ALREADY_EXISTS|already/i, 'appointment-cancelled published');
    t.match(await cancelBooking(deps, request.id, 'citizen'), { kind: 'cancelled', replayed: true }, 'cancelling again answers the same');
    t.match(await moveBooking(deps, request.id, new Date('2026-11-30T06:00:00Z'), 'citizen'), { kind: 'no-live-booking' });

    t.match(await bookChosenSlot(deps, request.id, new Date(appointmentAt), 'citizen'), { kind: 'not-awaiting' }, 'until the process records awaiting-appointment');
    await db('requests').where({ id: request.id }).update({ status: 'awaiting-appointment' });
    t.match(await bookChosenSlot(deps, request.id, new Date('2026-11-29T05:10:00Z'), 'citizen'), { kind: 'slot-unavailable' });
    const booked = await bookChosenSlot(deps, request.id, new Date(appointmentAt), 'citizen');
    t.match(booked, { kind: 'booked', replayed: false }, 'the cancelled slot is free again');
    const newId = (booked as { appointment: { id: string } }).appointment.id;
    t.not(newId, appointmentId, 'a new appointment');
    const row = await db('appointments').where({ id: newId }).first();
    t.equal(row.starts_at.toISOString(), appointmentAt);
    t.match(row.business_key, /^choice:/);
    await t.rejects(buffered('appointment-booked', request.id, `appointment-booked:${newId}`), /ALREADY_EXISTS|already/i, 'appointment-booked published');
    t.match(await bookChosenSlot(deps, request.id, new Date(appointmentAt), 'citizen'), { kind: 'booked', replayed: true, appointment: { id: newId } }, 'the same booking again');
    t.match(await bookChosenSlot(deps, request.id, new Date('2026-11-30T06:00:00Z'), 'citizen'), { kind: 'already-booked' }, 'another slot while booked');
    t.equal((await db('appointments').where({ request_id: request.id, status: 'booked' })).length, 1);
    t.same((await db('request_events').where({ request_id: request.id }).whereLike('kind', 'appointment-%').orderBy('id')).map((event) => event.kind),
      ['appointment-cancelled', 'appointment-booked']);
  });

  t.test('a change the engine did not hear is kept; the same call again publishes it', async (t) => {
    const { request, appointmentId } = await bookedBy(11);
    // A real client whose engine is gone.
    const { engine: gone, client: orphan } = await startTestEngine(t);
    await gone.stop();
    const target = new Date('2026-11-30T06:00:00Z');
    await t.rejects(moveBooking({ ...deps, zeebe: orphan }, request.id, target, 'citizen'), { name: 'NotAnnounced', appointmentId });
    const kept = await db('appointments').where({ id: appointmentId }).first();
    t.equal(kept.starts_at.toISOString(), target.toISOString(), 'the row is the truth');
    t.same(kept.unannounced, ['moved'], 'and owes the engine its move');
    t.ok(kept.unannounced_since, 'since the commit');
    t.match(await moveBooking(deps, request.id, target, 'citizen'), { kind: 'moved', replayed: true });
    await t.rejects(buffered('appointment-moved', appointmentId, `appointment-moved:${appointmentId}:1`), /ALREADY_EXISTS|already/i, 'published by the retry');
    t.same((await db('appointments').where({ id: appointmentId }).first()).unannounced, [], 'the retry cleared the debt');
  });

  t.test('the sweep publishes what no call announced, the booking before the move, once the engine is back', async (t) => {
    const { request, appointmentId } = await bookedBy(13);
    await cancelBooking(deps, request.id, 'citizen');
    await db('requests').where({ id: request.id }).update({ status: 'awaiting-appointment' });
    const { engine: gone, client: orphan } = await startTestEngine(t);
    await gone.stop();
    const away = { ...deps, zeebe: orphan };
    const first = new Date('2026-11-30T06:00:00Z');
    await t.rejects(bookChosenSlot(away, request.id, first, 'citizen'), { name: 'NotAnnounced' });
    const chosen = await db('appointments').where({ request_id: request.id, status: 'booked' }).first();
    t.not(chosen.id, appointmentId);
    const later = new Date('2026-11-30T06:40:00Z');
    await t.rejects(moveBooking(away, request.id, later, 'citizen'), { name: 'NotAnnounced' });
    t.same((await db('appointments').where({ id: chosen.id }).first()).unannounced, ['booked', 'moved'], 'both changes owed, in order');

    const warnings: unknown[] = [];
    const logger = { warn: (...args: unknown[]) => { warnings.push(args); } };
    t.same(await announceUnannounced({ ...away, logger }, 0), [], 'the engine still away: nothing announced');
    t.equal(warnings.length, 1, 'one warning: the sweep stops at the first failure');
    t.same(await announceUnannounced({ ...deps, logger }, 60_000), [], 'changes younger than the grace are left to their call');
    t.same((await db('appointments').where({ id: chosen.id }).first()).unannounced, ['booked', 'moved']);

    t.same(await announceUnannounced({ ...deps, logger }, 0), [chosen.id]);
    const swept = await db('appointments').where({ id: chosen.id }).first();
    t.same([swept.unannounced, swept.unannounced_since], [[], null], 'announced');
    await t.rejects(buffered('appointment-booked', request.id, `appointment-booked:${chosen.id}`), /ALREADY_EXISTS|already/i, 'appointment-booked published');
    await t.rejects(buffered('appointment-moved', chosen.id, `appointment-moved:${chosen.id}:1`), /ALREADY_EXISTS|already/i, 'appointment-moved published');
    t.same(await announceUnannounced({ ...deps, logger }, 0), [], 'nothing left for the next sweep');
  });

  t.test('attendance recorded while the engine was away is owed too, and swept', async (t) => {
    const { appointmentId } = await bookedBy(14);
    const { engine: gone, client: orphan } = await startTestEngine(t);
    await gone.stop();
    await t.rejects(recordAttendance({ db, zeebe: orphan }, appointmentId, true), { name: 'NotAnnounced', appointmentId });
    t.match(await db('appointments').where({ id: appointmentId }).first(), { status: 'attended', unannounced: ['attended'] });
    t.same(await announceUnannounced({ ...deps, logger: silentLogger }, 0), [appointmentId]);
    t.same((await db('appointments').where({ id: appointmentId }).first()).unannounced, []);
    await t.rejects(buffered('appointment-attended', appointmentId, `appointment-attended:${appointmentId}`), /ALREADY_EXISTS|already/i, 'appointment-attended published');
    t.match(await recordAttendance(deps, appointmentId, false), { kind: 'settled' }, 'a no-show after attendance is refused');
  });
});
