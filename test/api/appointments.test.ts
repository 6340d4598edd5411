// A request's appointment: the citizen sees it, lists free slots, moves or
// cancels the booking and books a slot of their choice (clerks and 137 agents
// may do it for them); district staff record whether the citizen came, once.
import t from 'tap';
import { DateTime } from 'luxon';
import { persianDigits } from '../../platform/persian.ts';
import { createAppointmentHandlers } from '../../workers/appointment/handlers.ts';
import { openAroundTheClock } from '../helpers/offices.ts';
import { jobOf, silentLogger } from '../workers/helpers.ts';
import { signInCitizen, signInStaff, startTestApi } from './helpers.ts';
import { treePruningForm } from './fixtures.ts';

t.test('appointments', async (t) => {
  const api = await startTestApi(t);
  const { app, db } = api;
  const zahra = await signInCitizen(api, '0013542419', '09121234567');
  const reza = await signInCitizen(api, '3974017844', '09351234567');
  const filed = (await app.inject({ method: 'POST', url: '/api/requests', headers: zahra, payload: { serviceId: 'tree-pruning', districtId: 12, form: treePruningForm } })).json();
  const base = `/api/requests/${filed.trackingCode}/appointment`;
  t.equal((await app.inject({ url: base, headers: zahra })).statusCode, 404, 'none booked yet');

  // What appointment.book does when the process reaches its appointment step.
  await db('appointments').insert({
    request_id: filed.id, district_id: 12, business_key: 'test:1', starts_at: '2026-12-01T06:00:00Z', ends_at: '2026-12-01T06:15:00Z',
  });
  t.match((await app.inject({ url: base, headers: zahra })).json(), { startsAt: '2026-12-01T06:00:00.000Z', status: 'booked' });
  t.equal((await app.inject({ url: base, headers: reza })).statusCode, 404);

  const attend = (headers: Record<string, string>, attended: boolean) => app.inject({ method: 'POST', url: `${base}/attendance`, headers, payload: { attended } });
  t.equal((await attend(zahra, true)).statusCode, 403, 'citizens do not record their own attendance');
  t.equal((await attend(await signInStaff(api, 'clerk-5', 'clerk', 5), true)).statusCode, 404, 'another district');
  const clerk = await signInStaff(api, 'clerk-12', 'clerk', 12);
  const recorded = await attend(clerk, true);
  t.equal(recorded.statusCode, 200, recorded.body);
  t.equal(recorded.json().status, 'attended');
  t.equal((await attend(clerk, true)).statusCode, 200, 'recording the same again is harmless');
  t.equal((await attend(clerk, false)).statusCode, 409, 'but it cannot be changed to missed');
});

t.test('a citizen chooses: free slots of a day, move, cancel, book a slot of their choice', async (t) => {
  const api = await startTestApi(t);
  const { app, db } = api;
  await openAroundTheClock(db, 12);
  const zahra = await signInCitizen(api, '0013542419', '09121234567');
  const reza = await signInCitizen(api, '3974017844', '09351234567');
  const clerk = await signInStaff(api, 'clerk-12', 'clerk', 12);
  const otherClerk = await signInStaff(api, 'clerk-5', 'clerk', 5);
  const agent = await signInStaff(api, 'agent-137-12', 'agent-137', 12);
  const manager = await signInStaff(api, 'manager-12', 'manager', 12);
  const filed = (await app.inject({ method: 'POST', url: '/api/requests', headers: zahra, payload: { serviceId: 'tree-pruning', districtId: 12, form: treePruningForm } })).json();
  const base = `/api/requests/${filed.trackingCode}/appointment`;
  const tehran = (days: number) => DateTime.now().setZone('Asia/Tehran').plus({ days }).toISODate()!;
  const slotsOf = (headers: Record<string, string>, day: string) => app.inject({ url: `${base}/slots?day=${encodeURIComponent(day)}`, headers });
  const choose = (method: 'POST' | 'PUT', headers: Record<string, string>, slotId: string) => app.inject({ method, url: base, headers, payload: { slotId } });
  const cancel = (headers: Record<string, string>) => app.inject({ method: 'DELETE', url: base, headers });

  // Given the process booked the earliest slot (the worker's own code) …
  const worker = createAppointmentHandlers({ db, logger: silentLogger });
  const bookedByProcess = await worker.book(jobOf({ variables: { requestId: filed.id, districtId: 12 } })) as { complete: { appointmentId: string } };
  const appointmentId = bookedByProcess.complete.appointmentId;

  t.test('free slots: a day in Persian digits; refused for a malformed, past or too distant day', async (t) => {
    const tomorrow = await slotsOf(zahra, persianDigits(tehran(1)));
    t.equal(tomorrow.statusCode, 200, tomorrow.body);
    t.ok(tomorrow.json().length > 0, 'slots tomorrow');
    const slots = (await slotsOf(zahra, tehran(2))).json() as Array<{ id: string; startsAt: string; endsAt: string; officeName: string }>;
    t.equal(slots.length, 71, 'round the clock: 00:00 to 23:20 in 20-minute slots');
    t.equal(slots[0]!.id, slots[0]!.startsAt, 'a slot\'s id is its start');
    t.equal(new Date(slots[0]!.endsAt).getTime() - new Date(slots[0]!.startsAt).getTime(), 20 * 60_000);
    t.equal(slots[0]!.officeName, 'دفتر خدمات الکترونیک منطقه ۱۲');
    t.equal(DateTime.fromISO(slots[0]!.startsAt).setZone('Asia/Tehran').toISODate(), tehran(2), 'on the day asked for, Tehran time');
    t.equal((await slotsOf(zahra, tehran(30))).statusCode, 200, '30 days ahead is the last bookable day');
    for (const [day, why] of [['1405-09-10', 'not a Gregorian date'], ['2026-02-31', 'no such date'], ['tomorrow', 'not a date'], [tehran(-1), 'the past'], [tehran(31), 'beyond 30 days']] as const) {
      const refused = await slotsOf(zahra, day);
      t.equal(refused.statusCode, 400, `${why}: 400`);
      t.equal(refused.json().errors?.[0]?.path, '/query/day', why);
      t.match(refused.json().errors?.[0]?.messageFa, /[\u0600-\u06FF]/, `${why}: a Persian reason`);
    }
    t.equal((await app.inject({ url: `${base}/slots`, headers: zahra })).statusCode, 400, 'day is required');
    t.equal((await slotsOf(reza, tehran(1))).statusCode, 404, 'another citizen\'s request is hidden');
    t.equal((await slotsOf(otherClerk, tehran(1))).statusCode, 404, 'another district\'s clerk');
    t.equal((await slotsOf(manager, tehran(1))).statusCode, 403, 'a manager does not book for citizens');
    t.equal((await slotsOf(clerk, tehran(1))).statusCode, 200, 'the district\'s clerk, for a citizen at the counter');
    t.equal((await slotsOf(agent, tehran(1))).statusCode, 200, 'a 137 agent, for a caller');
    t.equal((await app.inject({ url: `${base}/slots?day=${tehran(1)}` })).statusCode, 401);
  });

  t.test('move: the same appointment at the chosen time; refusals', async (t) => {
    const [first, second] = (await slotsOf(zahra, tehran(2))).json() as Array<{ id: string }>;
    const moved = await choose('PUT', zahra, first!.id);
    t.equal(moved.statusCode, 200, moved.body);
    t.match(moved.json(), { id: appointmentId, startsAt: first!.id, status: 'booked', officeName: 'دفتر خدمات الکترونیک منطقه ۱۲' });
    t.equal((await choose('PUT', zahra, first!.id)).statusCode, 200, 'the same move again is success');
    const byAgent = await choose('PUT', agent, second!.id);
    t.equal(byAgent.statusCode, 200, byAgent.body);
    const events = await db('request_events').where({ request_id: filed.id, kind: 'appointment-moved' }).orderBy('id');
    t.same(events.map((event) => event.data.by), ['citizen', 'staff:agent-137-12'], 'the timeline says who moved it');

    // Both counters of the first slot held by another request.
    const other = (await app.inject({ method: 'POST', url: '/api/requests', headers: reza, payload: { serviceId: 'tree-pruning', districtId: 12, form: treePruningForm } })).json();
    for (const n of [1, 2]) {
      await db('appointments').insert({ request_id: other.id, district_id: 12, office_id: (await db('offices').where({ district_id: 12 }).first()).id, counter_number: n, business_key: `test:full:${n}`, starts_at: first!.id, ends_at: new Date(new Date(first!.id).getTime() + 20 * 60_000), status: 'attended' });
    }
    const taken = await choose('PUT', zahra, first!.id);
    t.equal(taken.statusCode, 409);
    t.match(taken.json(), { type: 'urn:shahrdari:problem:slot-taken', detailFa: /زمان دیگری/ });
    const offGrid = new Date(new Date(second!.id).getTime() + 5 * 60_000).toISOString();
    t.match((await choose('PUT', zahra, offGrid)).json(), { status: 409, type: 'urn:shahrdari:problem:slot-unavailable' });
    const past = await choose('PUT', zahra, new Date(Date.now() - 86_400_000).toISOString());
    t.match(past.json(), { status: 409, type: 'urn:shahrdari:problem:slot-unavailable' });
    const malformed = await choose('PUT', zahra, 'فردا');
    t.equal(malformed.statusCode, 400);
    t.equal(malformed.json().errors[0].path, '/body/slotId');
    t.equal((await choose('PUT', reza, second!.id)).statusCode, 404);
    t.equal((await choose('PUT', manager, second!.id)).statusCode, 403);
    t.equal((await choose('PUT', otherClerk, second!.id)).statusCode, 404);
    t.equal((await app.inject({ method: 'PUT', url: base, payload: { slotId: second!.id } })).statusCode, 401);
  });

  t.test('book: only while the request waits for a booking and has none', async (t) => {
    const [slot] = (await slotsOf(zahra, tehran(3))).json() as Array<{ id: string }>;
    const live = await choose('POST', zahra, slot!.id);
    t.equal(live.statusCode, 409);
    t.match(live.json(), { type: 'urn:shahrdari:problem:already-booked', detailFa: /تغییر دهید یا لغو کنید/ });

    const cancelled = await cancel(zahra);
    t.equal(cancelled.statusCode, 200, cancelled.body);
    t.match(cancelled.json(), { id: appointmentId, status: 'cancelled' });
    t.match((await cancel(zahra)).json(), { id: appointmentId, status: 'cancelled' }, 'cancelling again answers the same');
    t.match((await choose('PUT', zahra, slot!.id)).json(), { status: 409, type: 'urn:shahrdari:problem:no-live-booking' });

    const early = await choose('POST', zahra, slot!.id);
    t.match(early.json(), { status: 409, type: 'urn:shahrdari:problem:not-awaiting' }, 'before the process waits for a booking');
    // What Task_RecordAwaitingAppointment records when the process hears the cancellation.
    await db('requests').where({ id: filed.id }).update({ status: 'awaiting-appointment' });
    t.equal((await choose('POST', reza, slot!.id)).statusCode, 404);
    t.equal((await choose('POST', manager, slot!.id)).statusCode, 403);
    const booked = await choose('POST', zahra, slot!.id);
    t.equal(booked.statusCode, 201, booked.body);
    t.match(booked.json(), { startsAt: slot!.id, status: 'booked' });
    t.not(booked.json().id, appointmentId, 'a new appointment');
    const again = await choose('POST', zahra, slot!.id);
    t.equal(again.statusCode, 200, 'the same booking again');
    t.equal(again.json().id, booked.json().id);
    t.match((await choose('POST', zahra, new Date(new Date(slot!.id).getTime() + 20 * 60_000).toISOString())).json(), { status: 409, type: 'urn:shahrdari:problem:already-booked' });
    t.match((await app.inject({ url: base, headers: zahra })).json(), { id: booked.json().id, status: 'booked' }, 'GET shows the new booking');
  });

  t.test('a clerk cancels for the citizen at the counter; nothing changes once the request is closed', async (t) => {
    const cancelled = await cancel(clerk);
    t.equal(cancelled.statusCode, 200, cancelled.body);
    t.match((await db('request_events').where({ request_id: filed.id, kind: 'appointment-cancelled' }).orderBy('id', 'desc').first()).data, { by: 'staff:clerk-12' });
    await db('requests').where({ id: filed.id }).update({ status: 'closed', closed_at: db.fn.now() });
    const [slot] = (await slotsOf(zahra, tehran(4))).json() as Array<{ id: string }>;
    for (const [name, response] of [['book', await choose('POST', zahra, slot!.id)], ['move', await choose('PUT', zahra, slot!.id)], ['cancel', await cancel(zahra)]] as const) {
      t.match(response.json(), { status: 409, type: 'urn:shahrdari:problem:request-closed', detailFa: /بسته شده/ }, name);
    }
  });
});
