// A citizen's own choices about the office visit, for the API: the free
// slots of a day, moving the booking, cancelling it, and booking a slot of
// their choice once a cancelled booking left the request waiting. Each change
// tells the appointment process with a message.
//
// The row is the truth and the message follows it. A change is committed
// first and published after: a publish cannot be rolled back, and an engine
// outage must not lose a citizen's choice. The change's transaction also
// records it on the row as unannounced; the publish reads the row under a row
// lock, sends what the row says at that moment under a message id made from
// the row (appointment-booked:<id>, appointment-moved:<id>:<moves>,
// appointment-cancelled:<id>), and empties the unannounced list once the
// engine took every message in it. So:
//  - a retried call (the same slot again, a second cancel) finds its change
//    already made, answers success and publishes the same message again;
//    Zeebe answers ALREADY_EXISTS while the first one is buffered, which
//    publishOnce takes as done;
//  - two changes in a row reach the engine in the order of the row, each
//    carrying the row's state, so the process ends on the row's time;
//  - a crash (or an engine outage) between commit and publish leaves the
//    change unannounced (staff's attendance records in attendance.ts too),
//    and the workers' sweep (announceUnannounced) publishes it a few seconds
//    later. A booking still unannounced when the
//    citizen moves it is published before the move, so the process, which
//    waits for the booking first, hears both.
//
// Messages stay buffered for the rebooking window (14 days): the process may
// be between its waits (notifying, reminding, or stopped at an incident) when
// the citizen acts, and a message must still find it.
import type { Knex } from 'knex';
import type { ZBClient } from 'zeebe-node';
import { clock } from '../../platform/clock.ts';
import type { Logger } from '../../platform/logger.ts';
import { jalaliDateTime } from '../../platform/persian.ts';
import { appointmentRebookingDays } from '../../processes/catalogue/contract.ts';
import { publishOnce } from '../../platform/messages.ts';
import { isUniqueViolation, lockOffice, officeOf, scheduleOf, takenSlots, type AppointmentRow, type OfficeRow } from './office.ts';
import { bookingHorizonDays, freeSlotsOn, reminderTime, tehranDay, type Slot } from './slots.ts';

export interface ChoiceDeps {
  db: Knex;
  zeebe: Pick<ZBClient, 'publishMessage'>;
  now?: () => Date;
  /** A slot starts at least this long from now, so the citizen can get there (as for appointment.book). */
  leadMinutes?: number;
}

/** Who made the change, for the timeline: `citizen`, or `staff:<username>` acting for the citizen. */
export type Actor = string;

/** Why a choice was refused. */
export type Refusal =
  | { kind: 'request-closed' }
  | { kind: 'no-office' }
  /** Booking: the request is not waiting for a booking (status is not awaiting-appointment). */
  | { kind: 'not-awaiting' }
  /** Booking: the request already has a live booking at another time. */
  | { kind: 'already-booked'; appointment: AppointmentRow }
  /** Moving or cancelling: the request has no booking that is still to come. */
  | { kind: 'no-live-booking' }
  /** Not a slot the office offers now: off its hours or grid, a holiday, too soon, past the horizon. */
  | { kind: 'slot-unavailable' }
  /** Every counter of the slot is booked. */
  | { kind: 'slot-taken' };

export type Changed<K extends string> = { kind: K; appointment: AppointmentRow; office: OfficeRow; replayed: boolean };

export const messageTimeToLive = appointmentRebookingDays * 86_400_000;

/** The backstop index said two live bookings would share a counter and time. */
const isCounterTaken = (error: unknown) => isUniqueViolation(error) && (error as { constraint?: string }).constraint === 'appointments_counter_slot';

const defaults = (deps: ChoiceDeps) => ({ now: deps.now ?? clock.now, leadMinutes: deps.leadMinutes ?? 60 });

function earliestStart(deps: ChoiceDeps): Date {
  const { now, leadMinutes } = defaults(deps);
  return new Date(now().getTime() + leadMinutes * 60_000);
}

/** The last Tehran day a citizen may book on. */
export function lastBookableDay(now: Date): string {
  return tehranDay(new Date(now.getTime() + bookingHorizonDays * 86_400_000));
}

/**
 * The slots of a Tehran day (`YYYY-MM-DD`) at the district's office with at
 * least one free counter, from now plus the lead time on; none beyond the
 * booking horizon. Undefined when the district has no office.
 */
export async function freeSlots(deps: ChoiceDeps, districtId: number, day: string): Promise<{ office: OfficeRow; slots: Slot[] } | undefined> {
  const office = await officeOf(deps.db, districtId);
  if (!office) return undefined;
  if (day > lastBookableDay(defaults(deps).now())) return { office, slots: [] };
  const earliest = earliestStart(deps);
  const schedule = await scheduleOf(deps.db, office, earliest);
  return { office, slots: freeSlotsOn(schedule, day, earliest, await takenSlots(deps.db, office.id, earliest)) };
}

/** The free counter of the slot starting at `startsAt`, under the office lock; `except` is the caller's own booking. */
async function claimableSlot(deps: ChoiceDeps, trx: Knex.Transaction, office: OfficeRow, startsAt: Date, except?: string): Promise<Slot | 'slot-unavailable' | 'slot-taken'> {
  const earliest = earliestStart(deps);
  const day = tehranDay(startsAt);
  if (startsAt < earliest || day > lastBookableDay(defaults(deps).now())) return 'slot-unavailable';
  const schedule = await scheduleOf(trx, office, earliest);
  const same = (slot: Slot) => slot.startsAt.getTime() === startsAt.getTime();
  if (!freeSlotsOn(schedule, day, earliest, new Set()).some(same)) return 'slot-unavailable';
  return freeSlotsOn(schedule, day, earliest, await takenSlots(trx, office.id, earliest, except)).find(same) ?? 'slot-taken';
}

async function liveBooking(trx: Knex.Transaction, requestId: string): Promise<AppointmentRow | undefined> {
  return trx('appointments').where({ request_id: requestId, status: 'booked' }).orderBy('created_at', 'desc').forUpdate().first();
}

/** Changes of an appointment the process hears of; attendance is recorded by staff (attendance.ts). */
export type Announcement = 'booked' | 'moved' | 'cancelled' | 'attended' | 'missed';

/** Marks the change as owed to the process, in the change's own transaction. */
export async function oweAnnouncement(trx: Knex.Transaction, appointmentId: string, announcement: Announcement): Promise<void> {
  await trx('appointments').where({ id: appointmentId }).update({
    unannounced: trx.raw('case when ? = any(unannounced) then unannounced else array_append(unannounced, ?) end', [announcement, announcement]),
    unannounced_since: trx.raw('coalesce(unannounced_since, clock_now())'),
  });
}

/** Records the change on the timeline and as owed to the process, in the change's own transaction. */
async function recordChange(trx: Knex.Transaction, row: AppointmentRow, announcement: Announcement, dedupeKey: string, titleFa: string, actor: Actor): Promise<void> {
  await trx('request_events')
    .insert({ request_id: row.request_id, kind: `appointment-${announcement}`, dedupe_key: dedupeKey, data: { appointmentId: row.id, appointmentAt: row.starts_at.toISOString(), titleFa, by: actor } })
    .onConflict(['request_id', 'dedupe_key']).ignore();
  await oweAnnouncement(trx, row.id, announcement);
}

/** The message the row calls for now, or none (the row moved on: a later change has its own message). */
function messageOf(announcement: Announcement, row: AppointmentRow, now: Date) {
  const times = { appointmentAt: row.starts_at.toISOString(), reminderAt: reminderTime(row.starts_at, now).toISOString() };
  const common = { timeToLive: messageTimeToLive };
  switch (announcement) {
    case 'booked':
      return row.status === 'booked'
        ? { ...common, name: 'appointment-booked', correlationKey: row.request_id, messageId: `appointment-booked:${row.id}`, variables: { appointmentId: row.id, ...times } }
        : undefined;
    case 'moved':
      return row.status === 'booked' && row.moves > 0
        ? { ...common, name: 'appointment-moved', correlationKey: row.id, messageId: `appointment-moved:${row.id}:${row.moves}`, variables: times }
        : undefined;
    case 'cancelled':
      return row.status === 'cancelled'
        ? { ...common, name: 'appointment-cancelled', correlationKey: row.id, messageId: `appointment-cancelled:${row.id}`, variables: {} }
        : undefined;
    case 'attended':
    case 'missed':
      // Staff may record attendance before the process waits for it (the
      // citizen came early, the reminder is not due yet, the process is held at
      // an incident): the message is kept until the visit's time and the
      // rebooking window after it, and the sweep tells the process again while
      // its request still waits at the appointment (attendanceStillOwed).
      return row.status === announcement
        ? {
          name: `appointment-${announcement}`, correlationKey: row.id, messageId: `appointment-${announcement}:${row.id}`,
          timeToLive: Math.max(0, row.ends_at.getTime() - now.getTime()) + messageTimeToLive, variables: {},
        }
        : undefined;
  }
}

/** The change is committed but the engine did not take its message; the same call again, or the workers' sweep, publishes it. */
export class NotAnnounced extends Error {
  constructor(readonly appointmentId: string, cause: unknown) {
    super(`appointment ${appointmentId} changed, but its message was not published: ${(cause as Error).message}`, { cause });
    this.name = 'NotAnnounced';
  }
}

/**
 * Publishes what the row says now for each change it still owes the engine
 * and for `requested` (a retried call publishes again), then marks the row
 * announced. The row lock orders publishes like the changes. With
 * `skipLocked` (the sweep) a row someone is changing or announcing right now
 * is left to them; undefined then.
 */
export async function announce(deps: ChoiceDeps, appointmentId: string, requested?: Announcement, skipLocked = false): Promise<AppointmentRow | undefined> {
  return deps.db.transaction(async (trx) => {
    const query = trx('appointments').where({ id: appointmentId }).forUpdate();
    const row = (await (skipLocked ? query.skipLocked() : query).first()) as AppointmentRow | undefined;
    if (!row) return undefined;
    const owed = row.unannounced as Announcement[];
    const now = defaults(deps).now();
    for (const announcement of requested && !owed.includes(requested) ? [...owed, requested] : owed) {
      const message = messageOf(announcement, row, now);
      if (!message) continue;
      try {
        await publishOnce(deps.zeebe, message);
      } catch (error) {
        throw new NotAnnounced(appointmentId, error);
      }
    }
    if (owed.length === 0) return row;
    const [announced] = await trx('appointments').where({ id: appointmentId }).update({ unannounced: [], unannounced_since: null }).returning('*');
    return announced as AppointmentRow;
  });
}

export interface SweepDeps extends ChoiceDeps {
  logger: Pick<Logger, 'warn'>;
}

/**
 * The sweep for changes committed but never announced (the API crashed
 * between commit and publish, or the engine was unreachable): publishes every
 * change older than `olderThanMs` (younger ones are most likely being
 * announced by the call that made them). Stops at the first failure, since
 * the engine is then most likely away; the next sweep tries again. Answers
 * the ids it announced.
 */
export async function announceUnannounced(deps: SweepDeps, olderThanMs = 5_000, limit = 100): Promise<string[]> {
  const due = await deps.db('appointments').whereNotNull('unannounced_since')
    .where('unannounced_since', '<', deps.db.raw(`clock_now() - make_interval(secs => ?)`, [olderThanMs / 1000]))
    .orderBy('unannounced_since').limit(limit).pluck('id') as string[];
  const again = await attendanceStillOwed(deps.db, limit);
  const announced: string[] = [];
  for (const [id, requested] of [...due.map((id) => [id, undefined] as const), ...again.map((row) => [row.id, row.status] as const)]) {
    try {
      const row = await announce(deps, id, requested, true);
      if (row && !requested) announced.push(id);
    } catch (error) {
      if (!(error instanceof NotAnnounced)) throw error;
      deps.logger.warn({ err: error, appointmentId: id }, 'appointment change still not announced; the next sweep tries again');
      break;
    }
  }
  return announced;
}

/**
 * Attendance recorded a while ago whose request is still open and still at
 * the appointment (booked): its message was published, but the process has
 * not moved on, so it may have run out before the process got there. Zeebe
 * answers ALREADY_EXISTS while the first copy is still buffered, which costs
 * nothing; once it ran out a new copy goes. Checked every sweep, so attendance
 * is kept until the process takes it.
 */
export async function attendanceStillOwed(db: Knex, limit = 100, olderThanMs = 60_000): Promise<Array<{ id: string; status: 'attended' | 'missed' }>> {
  return db('appointments as a').join('requests as r', 'r.id', 'a.request_id')
    .whereIn('a.status', ['attended', 'missed'])
    .where('a.attendance_recorded_at', '<', db.raw(`clock_now() - make_interval(secs => ?)`, [olderThanMs / 1000]))
    .whereNull('r.closed_at').where('r.status', 'appointment-booked')
    .orderBy('a.attendance_recorded_at').limit(limit).select('a.id', 'a.status');
}

async function openRequest(trx: Knex.Transaction, requestId: string) {
  const request = await trx('requests').where({ id: requestId }).first();
  if (!request) throw new Error(`request ${requestId} does not exist`);
  return request as { id: string; district_id: number; status: string; closed_at: Date | null };
}

/**
 * Books the slot starting at `startsAt` for a request whose booking was
 * cancelled and which the process now holds waiting (status
 * awaiting-appointment). Asking again for the slot already booked this way
 * answers the same booking (replayed) and publishes appointment-booked again.
 */
export async function bookChosenSlot(deps: ChoiceDeps, requestId: string, startsAt: Date, actor: Actor): Promise<Changed<'booked'> | Refusal> {
  let outcome: Changed<'booked'> | Refusal;
  try {
    outcome = await deps.db.transaction(async (trx): Promise<Changed<'booked'> | Refusal> => {
      const request = await openRequest(trx, requestId);
      if (request.closed_at) return { kind: 'request-closed' };
      const office = await lockOffice(trx, request.district_id);
      if (!office) return { kind: 'no-office' };
      const live = await liveBooking(trx, requestId);
      if (live) {
        const same = live.starts_at.getTime() === startsAt.getTime() && live.business_key.startsWith('choice:');
        return same ? { kind: 'booked', appointment: live, office, replayed: true } : { kind: 'already-booked', appointment: live };
      }
      if (request.status !== 'awaiting-appointment') return { kind: 'not-awaiting' };
      const slot = await claimableSlot(deps, trx, office, startsAt);
      if (typeof slot === 'string') return { kind: slot };
      const [{ count }] = await trx('appointments').where({ request_id: requestId }).count<Array<{ count: string }>>('* as count');
      const [row] = await trx('appointments').insert({
        request_id: requestId, district_id: request.district_id, office_id: office.id, counter_number: slot.counter,
        // Numbered per request: two bookings racing past the checks meet on this key.
        business_key: `choice:${requestId}:${Number(count) + 1}`, starts_at: slot.startsAt, ends_at: slot.endsAt,
      }).returning('*');
      const appointment = row as AppointmentRow;
      await recordChange(trx, appointment, 'booked', `api:appointment-booked:${appointment.id}`, `نوبت ${jalaliDateTime(appointment.starts_at)} رزرو شد`, actor);
      return { kind: 'booked', appointment, office, replayed: false };
    });
  } catch (error) {
    if (isCounterTaken(error)) return { kind: 'slot-taken' };
    throw error;
  }
  if (outcome.kind !== 'booked') return outcome;
  // Past the buffer's lifetime the first message was either taken or the
  // process gave up waiting; a fresh copy could only mislead a later wait.
  const fresh = defaults(deps).now().getTime() < outcome.appointment.created_at.getTime() + messageTimeToLive;
  if (outcome.replayed && !fresh) return outcome;
  return { ...outcome, appointment: (await announce(deps, outcome.appointment.id, 'booked'))! };
}

/**
 * Moves the request's live booking to the slot starting at `startsAt`: the
 * same appointment (its id is what attendance correlates by) at a new time
 * and counter, reminded afresh. Moving to the time it already has answers
 * success (replayed) and publishes its last move again.
 */
export async function moveBooking(deps: ChoiceDeps, requestId: string, startsAt: Date, actor: Actor): Promise<Changed<'moved'> | Refusal> {
  let outcome: Changed<'moved'> | Refusal;
  try {
    outcome = await deps.db.transaction(async (trx): Promise<Changed<'moved'> | Refusal> => {
      const request = await openRequest(trx, requestId);
      if (request.closed_at) return { kind: 'request-closed' };
      const office = await lockOffice(trx, request.district_id);
      if (!office) return { kind: 'no-office' };
      const live = await liveBooking(trx, requestId);
      if (!live) return { kind: 'no-live-booking' };
      if (live.starts_at.getTime() === startsAt.getTime()) return { kind: 'moved', appointment: live, office, replayed: true };
      const slot = await claimableSlot(deps, trx, office, startsAt, live.id);
      if (typeof slot === 'string') return { kind: slot };
      const [row] = await trx('appointments').where({ id: live.id, status: 'booked' }).update({
        office_id: office.id, counter_number: slot.counter, starts_at: slot.startsAt, ends_at: slot.endsAt, reminded_at: null, moves: live.moves + 1,
      }).returning('*');
      const appointment = row as AppointmentRow;
      await recordChange(trx, appointment, 'moved', `api:appointment-moved:${appointment.id}:${appointment.moves}`, `نوبت به ${jalaliDateTime(appointment.starts_at)} جابه‌جا شد`, actor);
      return { kind: 'moved', appointment, office, replayed: false };
    });
  } catch (error) {
    if (isCounterTaken(error)) return { kind: 'slot-taken' };
    throw error;
  }
  if (outcome.kind !== 'moved') return outcome;
  return { ...outcome, appointment: (await announce(deps, outcome.appointment.id, 'moved'))! };
}

/**
 * Cancels the request's live booking; its counter is free at once. When the
 * latest booking is already cancelled, answers it (replayed) and publishes
 * appointment-cancelled again.
 */
export async function cancelBooking(deps: ChoiceDeps, requestId: string, actor: Actor): Promise<Changed<'cancelled'> | Refusal> {
  const outcome = await deps.db.transaction(async (trx): Promise<Changed<'cancelled'> | Refusal> => {
    const request = await openRequest(trx, requestId);
    if (request.closed_at) return { kind: 'request-closed' };
    const office = await officeOf(trx, request.district_id);
    if (!office) return { kind: 'no-office' };
    const live = await liveBooking(trx, requestId);
    if (!live) {
      const latest = (await trx('appointments').where({ request_id: requestId }).orderBy('created_at', 'desc').first()) as AppointmentRow | undefined;
      return latest?.status === 'cancelled' ? { kind: 'cancelled', appointment: latest, office, replayed: true } : { kind: 'no-live-booking' };
    }
    const [row] = await trx('appointments').where({ id: live.id, status: 'booked' }).update({ status: 'cancelled' }).returning('*');
    const appointment = row as AppointmentRow;
    await recordChange(trx, appointment, 'cancelled', `api:appointment-cancelled:${appointment.id}`, `نوبت ${jalaliDateTime(appointment.starts_at)} لغو شد`, actor);
    return { kind: 'cancelled', appointment, office, replayed: false };
  });
  if (outcome.kind !== 'cancelled') return outcome;
  return { ...outcome, appointment: (await announce(deps, outcome.appointment.id, 'cancelled'))! };
}
