// A citizen's own choices about the office visit, for the API: the free
// slots of a day, moving the booking, cancelling it, and booking a slot of
// their choice once a cancelled booking left the request waiting. Each change
// is committed with the message it owes the appointment process, then
// published (announcements.ts).
import type { Knex } from 'knex';
import { clock } from '../../platform/clock.ts';
import { jalaliDateTime } from '../../platform/persian.ts';
import { announce, messageTimeToLive, recordChange, type Actor, type AnnounceDeps } from './announcements.ts';
import { isUniqueViolation, lockOffice, officeOf, scheduleOf, takenSlots, type AppointmentRow, type OfficeRow } from './office.ts';
import { bookingHorizonDays, freeSlotsOn, tehranDay, type Slot } from './slots.ts';

export interface ChoiceDeps extends AnnounceDeps {
  /** A slot starts at least this long from now, so the citizen can get there (as for appointment.book). */
  leadMinutes?: number;
}

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

async function openRequest(trx: Knex.Transaction, requestId: string) {
  const request = await trx('requests').where({ id: requestId }).first();
  if (!request) throw new Error(`request ${requestId} does not exist`);
  return request as { id: string; district_id: number; status: string; closed_at: Date | null };
}

interface AtOffice { request: Awaited<ReturnType<typeof openRequest>>; office: OfficeRow; live: AppointmentRow | undefined }

/**
 * Runs a booking or a move holding the office's lock, with the request's
 * live booking; a closed request, a district without an office and a
 * counter the backstop index finds taken meanwhile are refused here.
 */
async function changeAtOffice<T>(deps: ChoiceDeps, requestId: string, change: (trx: Knex.Transaction, at: AtOffice) => Promise<T | Refusal>): Promise<T | Refusal> {
  try {
    return await deps.db.transaction(async (trx): Promise<T | Refusal> => {
      const request = await openRequest(trx, requestId);
      if (request.closed_at) return { kind: 'request-closed' };
      const office = await lockOffice(trx, request.district_id);
      if (!office) return { kind: 'no-office' };
      return change(trx, { request, office, live: await liveBooking(trx, requestId) });
    });
  } catch (error) {
    if (isCounterTaken(error)) return { kind: 'slot-taken' };
    throw error;
  }
}

/**
 * Books the slot starting at `startsAt` for a request whose booking was
 * cancelled and which the process now holds waiting (status
 * awaiting-appointment). Asking again for the slot already booked this way
 * answers the same booking (replayed) and publishes appointment-booked again.
 */
export async function bookChosenSlot(deps: ChoiceDeps, requestId: string, startsAt: Date, actor: Actor): Promise<Changed<'booked'> | Refusal> {
  const outcome = await changeAtOffice(deps, requestId, async (trx, { request, office, live }): Promise<Changed<'booked'> | Refusal> => {
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
  const outcome = await changeAtOffice(deps, requestId, async (trx, { office, live }): Promise<Changed<'moved'> | Refusal> => {
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
