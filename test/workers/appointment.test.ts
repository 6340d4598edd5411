// Working-day due dates and appointment booking against real PostgreSQL.
import t from 'tap';
import { addWorkingDays } from '../../workers/sla/calendar.ts';
import { createSlaHandlers } from '../../workers/sla/handlers.ts';
import { cancelAppointment, createAppointmentHandlers, recordAttendance } from '../../workers/appointment/handlers.ts';
import { appointmentWorkers } from '../../workers/appointment/index.ts';
import { notificationWorkers } from '../../workers/notification/index.ts';
import { activate, eventually } from '../engine/helpers.ts';
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
    const [raw] = await eventually(async () => {
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
    const appointment = await eventually(() => db('appointments').where({ request_id: request.id }).first());
    await eventually(() => db('appointments').where({ id: appointment.id }).whereNotNull('reminded_at').first(), 15_000);
    t.ok(await recordAttendance({ db, zeebe: client }, appointment.id, false));
    t.ok(await recordAttendance({ db, zeebe: client }, appointment.id, false), 'recording the same no-show again is harmless');
    const outcome = await finished;
    t.equal(outcome.variables.result, 'missed');
    t.equal(outcome.variables.appointmentId, appointment.id);
    t.equal((await db('appointments').where({ request_id: request.id })).length, 1);
    t.equal((await db('appointments').where({ id: appointment.id }).first()).status, 'missed');
    const templates = (await db('notifications').where({ request_id: request.id })).map((row) => row.template).sort();
    t.same(templates, ['appointment-booked', 'appointment-reminder']);
  });
});
