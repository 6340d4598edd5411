// A request's office appointment. The appointment process books the earliest
// free slot; here the citizen sees it, lists the free slots of a day, moves
// the booking, cancels it, and books a slot of their choice when a cancelled
// booking left the request waiting (status awaiting-appointment). District
// staff record whether the citizen came. Each change is a domain function
// (domain/appointments/choices.ts, attendance.ts) that updates the row and
// tells the process with a message.
//
// Who may choose: the citizen whose request it is, and staff acting for a
// citizen who asks in person or on the phone: a clerk of the request's
// district (requestFor hides other districts' requests) and 137 agents, who
// already file requests for callers. It is safe because the change is the
// citizen's own kind of change (no staff-only power), each one is recorded on
// the timeline with who made it (`by`: citizen or staff:<username>), and the
// citizen is told the new time by SMS. Other staff roles get 403.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { DateTime } from 'luxon';
import { NotAnnounced } from '../../../../../domain/appointments/announcements.ts';
import { recordAttendance } from '../../../../../domain/appointments/attendance.ts';
import {
  bookChosenSlot, cancelBooking, freeSlots, lastBookableDay, moveBooking, type Changed, type Refusal,
} from '../../../../../domain/appointments/choices.ts';
import { appointmentWithOffice, latestAppointment, type AppointmentWithOffice } from '../../../../../domain/appointments/listings.ts';
import { tehranDay } from '../../../../../domain/appointments/slots.ts';
import { clock } from '../../../../../platform/clock.ts';
import { IRAN_TIME_ZONE, persianDigits } from '../../../../../platform/persian.ts';
import { claimsOf } from '../../../../plugins/app/auth.ts';
import { ApiProblem } from '../../../../plugins/app/problems.ts';
import { TrackingParams } from '../../../../schemas/requests.ts';
import { problems } from '../../../../schemas/problem.ts';
import { typed } from '../../../../schemas/type-provider.ts';

const AppointmentView = {
  type: 'object',
  required: ['id', 'startsAt', 'endsAt', 'status'],
  properties: {
    id: { type: 'string' }, startsAt: { type: 'string', format: 'date-time' }, endsAt: { type: 'string', format: 'date-time' },
    status: { type: 'string', description: 'booked, cancelled, attended or missed' }, officeName: { type: ['string', 'null'] }, counter: { type: ['integer', 'null'] },
  },
} as const;

const SlotView = {
  type: 'object',
  required: ['id', 'startsAt', 'endsAt', 'officeName'],
  properties: {
    id: { type: 'string', description: 'The slot\'s start as an ISO 8601 instant; send it back as slotId' },
    startsAt: { type: 'string', format: 'date-time' },
    endsAt: { type: 'string', format: 'date-time' },
    officeName: { type: 'string' },
  },
} as const;

const SlotQuery = {
  type: 'object',
  required: ['day'],
  properties: { day: { type: 'string', maxLength: 20, description: 'A Tehran calendar day as YYYY-MM-DD (Gregorian; Persian digits accepted), from today up to 30 days ahead' } },
} as const;

const SlotChoice = {
  type: 'object',
  required: ['slotId'],
  additionalProperties: false,
  properties: { slotId: { type: 'string', format: 'date-time', description: 'The id of a slot from GET …/appointment/slots' } },
} as const;

/** Citizens act for themselves; clerks and 137 agents for a citizen who asks them. */
const choosers = ['citizen', 'clerk', 'agent-137'] as const;

const refusals: Record<Refusal['kind'], [detail: string, detailFa: string]> = {
  'request-closed': ['The request is closed.', 'این درخواست بسته شده است و نوبت آن را نمی‌توان تغییر داد.'],
  'no-office': ['The district has no office that gives appointments.', 'دفتر این منطقه نوبت حضوری نمی‌دهد.'],
  'not-awaiting': ['The request is not waiting for a booking.', 'این درخواست اکنون منتظر رزرو نوبت نیست.'],
  'already-booked': ['The request already has a booking; move or cancel it.', 'برای این درخواست نوبت رزرو شده است؛ می‌توانید آن را تغییر دهید یا لغو کنید.'],
  'no-live-booking': ['The request has no booking to change.', 'این درخواست نوبت فعالی برای تغییر یا لغو ندارد.'],
  'slot-unavailable': ['That time is not a slot the office offers now.', 'این زمان برای نوبت‌دهی در دسترس نیست؛ زمان دیگری انتخاب کنید.'],
  'slot-taken': ['That slot was just taken.', 'این نوبت هم‌اکنون پر شد؛ زمان دیگری انتخاب کنید.'],
};

function refused(outcome: Refusal): ApiProblem {
  const [detail, detailFa] = refusals[outcome.kind];
  return new ApiProblem(409, outcome.kind, detail, detailFa);
}

const badDay = (detail: string, messageFa: string) =>
  new ApiProblem(400, 'invalid-input', detail, messageFa, [{ path: '/query/day', message: detail, messageFa }]);

/** The day asked for, checked: a real date, not past, within the booking horizon. */
function dayOf(text: string, now: Date): string {
  const day = DateTime.fromFormat(text, 'yyyy-MM-dd', { zone: IRAN_TIME_ZONE });
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text) || !day.isValid) {
    throw badDay('day must be a date as YYYY-MM-DD.', 'روز را به شکل سال-ماه-روز میلادی بنویسید، مانند ۲۰۲۶-۱۲-۰۱.');
  }
  if (text < tehranDay(now)) throw badDay('day is in the past.', 'این روز گذشته است؛ روزی از امروز به بعد انتخاب کنید.');
  if (text > lastBookableDay(now)) {
    throw badDay('day is more than 30 days ahead.', `نوبت تا ${persianDigits(30)} روز آینده داده می‌شود؛ روز نزدیک‌تری انتخاب کنید.`);
  }
  return text;
}

export default async function appointmentRoutes(fastify: FastifyInstance) {
  const app = typed(fastify);
  const deps = { db: app.db, zeebe: app.zeebe };

  const view = (row: AppointmentWithOffice) =>
    ({ id: row.id, startsAt: row.starts_at, endsAt: row.ends_at, status: row.status, officeName: row.office_name ?? null, counter: row.counter_number ?? null });
  /** The appointment a change answers with, as it stands after the change. */
  const viewOf = async (appointmentId: string) => view((await appointmentWithOffice(app.db, appointmentId))!);

  const current = async (requestId: string) => {
    const row = await latestAppointment(app.db, requestId);
    if (!row) throw new ApiProblem(404, 'no-appointment', 'This request has no appointment.', 'برای این درخواست نوبتی گرفته نشده است.');
    return view(row);
  };

  const actorOf = (request: FastifyRequest) => {
    const claims = claimsOf(request);
    return claims.kind === 'citizen' ? 'citizen' : `staff:${claims.username}`;
  };

  /**
   * The outcome of a change, or the problem that explains why there was none.
   * A change the engine did not take yet is still a success: it is committed
   * with the message it owes, and the workers' sweep publishes it shortly.
   */
  async function changed<K extends string>(run: () => Promise<Changed<K> | Refusal>): Promise<{ appointmentId: string; replayed: boolean }> {
    let outcome: Changed<K> | Refusal;
    try {
      outcome = await run();
    } catch (error) {
      if (!(error instanceof NotAnnounced)) throw error;
      app.log.warn({ err: error }, 'appointment changed; its message waits for the sweep');
      return { appointmentId: error.appointmentId, replayed: false };
    }
    if ('appointment' in outcome && 'replayed' in outcome) return { appointmentId: outcome.appointment.id, replayed: outcome.replayed };
    throw refused(outcome as Refusal);
  }

  app.get('/', {
    config: { normalise: ['params'] },
    onRequest: app.allow('citizen', 'staff'),
    schema: {
      tags: ['appointments'], summary: 'The request\'s appointment at the district office', security: [{ bearer: [] }],
      params: TrackingParams, response: { 200: AppointmentView, ...problems(401, 404) },
    },
  }, async (request) => current((await app.requestFor(request, request.params.trackingCode)).id));

  app.get('/slots', {
    config: { normalise: ['params', 'query'] },
    onRequest: app.allow(...choosers),
    schema: {
      tags: ['appointments'], summary: 'Free slots of a day at the office of the request\'s district (citizen; clerks and 137 agents for them)', security: [{ bearer: [] }],
      params: TrackingParams, querystring: SlotQuery,
      response: { 200: { type: 'array', items: SlotView }, ...problems(401, 403, 404, 409) },
    },
  }, async (request) => {
    const row = await app.requestFor(request, request.params.trackingCode);
    const day = dayOf(request.query.day, clock.now());
    const free = await freeSlots(deps, row.district_id, day);
    if (!free) throw refused({ kind: 'no-office' });
    return free.slots.map((slot) => ({ id: slot.startsAt.toISOString(), startsAt: slot.startsAt, endsAt: slot.endsAt, officeName: free.office.name_fa }));
  });

  app.post('/', {
    config: { normalise: ['params', 'body'] },
    onRequest: app.allow(...choosers),
    schema: {
      tags: ['appointments'],
      summary: 'Book a slot of the citizen\'s choice while the request waits for one (status awaiting-appointment); the same slot again answers the same booking',
      security: [{ bearer: [] }], params: TrackingParams, body: SlotChoice,
      response: { 200: AppointmentView, 201: AppointmentView, ...problems(401, 403, 404, 409) },
    },
  }, async (request, reply) => {
    const row = await app.requestFor(request, request.params.trackingCode);
    const booked = await changed(() => bookChosenSlot(deps, row.id, new Date(request.body.slotId), actorOf(request)));
    return reply.code(booked.replayed ? 200 : 201).send(await viewOf(booked.appointmentId));
  });

  app.put('/', {
    config: { normalise: ['params', 'body'] },
    onRequest: app.allow(...choosers),
    schema: {
      tags: ['appointments'], summary: 'Move the live booking to another free slot (same appointment, new time)', security: [{ bearer: [] }],
      params: TrackingParams, body: SlotChoice, response: { 200: AppointmentView, ...problems(401, 403, 404, 409) },
    },
  }, async (request) => {
    const row = await app.requestFor(request, request.params.trackingCode);
    return viewOf((await changed(() => moveBooking(deps, row.id, new Date(request.body.slotId), actorOf(request)))).appointmentId);
  });

  app.delete('/', {
    config: { normalise: ['params'] },
    onRequest: app.allow(...choosers),
    schema: {
      tags: ['appointments'], summary: 'Cancel the live booking; the request then waits for a new one (status awaiting-appointment)', security: [{ bearer: [] }],
      params: TrackingParams, response: { 200: AppointmentView, ...problems(401, 403, 404, 409) },
    },
  }, async (request) => {
    const row = await app.requestFor(request, request.params.trackingCode);
    return viewOf((await changed(() => cancelBooking(deps, row.id, actorOf(request)))).appointmentId);
  });

  app.post('/attendance', {
    config: { normalise: ['params'] },
    onRequest: app.allow('clerk', 'manager'),
    schema: {
      tags: ['appointments'], summary: 'Record whether the citizen came (district staff)', security: [{ bearer: [] }],
      params: TrackingParams,
      body: { type: 'object', required: ['attended'], additionalProperties: false, properties: { attended: { type: 'boolean' } } },
      response: { 200: AppointmentView, ...problems(401, 403, 404, 409) },
    },
  }, async (request) => {
    const row = await app.requestFor(request, request.params.trackingCode);
    const appointment = await current(row.id);
    const outcome = await recordAttendance({ db: app.db, zeebe: app.zeebe }, appointment.id, request.body.attended, actorOf(request)).catch((error) => {
      // Committed with the message it owes; the workers' sweep publishes it.
      if (error instanceof NotAnnounced) return { kind: 'recorded' as const };
      throw error;
    });
    if (outcome.kind === 'settled') {
      throw new ApiProblem(409, 'appointment-settled', `The appointment is ${appointment.status}.`, 'وضعیت این نوبت پیش‌تر ثبت شده است.');
    }
    if (outcome.kind === 'too-early') {
      throw new ApiProblem(409, 'appointment-not-yet', 'A no-show can be recorded once the appointment\'s time has come.', 'هنوز زمان این نوبت نرسیده است؛ «حاضر نشد» را پس از زمان نوبت ثبت کنید.');
    }
    return current(row.id);
  });
}
