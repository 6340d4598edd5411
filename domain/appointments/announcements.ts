// What the appointment process is told, and when. The row is the truth and
// the message follows it. A change (a citizen's choice in choices.ts, staff's
// attendance in attendance.ts) is committed first and published after: a
// publish cannot be rolled back, and an engine outage must not lose a
// citizen's choice. The change's transaction also records it on the row as
// unannounced; the publish reads the row under a row lock, sends what the row
// says at that moment under a message id made from the row
// (appointment-booked:<id>, appointment-moved:<id>:<moves>,
// appointment-cancelled:<id>), and empties the unannounced list once the
// engine took every message in it. So:
//  - a retried call (the same slot again, a second cancel) finds its change
//    already made, answers success and publishes the same message again;
//    Zeebe answers ALREADY_EXISTS while the first one is buffered, which
//    publishOnce takes as done;
//  - two changes in a row reach the engine in the order of the row, each
//    carrying the row's state, so the process ends on the row's time;
//  - a crash (or an engine outage) between commit and publish leaves the
//    change unannounced, and the workers' sweep (announceUnannounced)
//    publishes it a few seconds later. A booking still unannounced when the
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
import { publishOnce } from '../../platform/messages.ts';
import { appointmentRebookingDays } from '../../processes/catalogue/contract.ts';
import type { AppointmentRow } from './office.ts';
import { reminderTime } from './slots.ts';

export interface AnnounceDeps {
  db: Knex;
  zeebe: Pick<ZBClient, 'publishMessage'>;
  now?: () => Date;
}

/** Who made the change, for the timeline: `citizen`, or `staff:<username>` acting for the citizen. */
export type Actor = string;

export const messageTimeToLive = appointmentRebookingDays * 86_400_000;

/** Changes of an appointment the process hears of; attendance is recorded by staff (attendance.ts). */
export type Announcement = 'booked' | 'moved' | 'cancelled' | 'attended' | 'missed';

/** Marks the change as owed to the process, in the change's own transaction. */
async function oweAnnouncement(trx: Knex.Transaction, appointmentId: string, announcement: Announcement): Promise<void> {
  await trx('appointments').where({ id: appointmentId }).update({
    unannounced: trx.raw('case when ? = any(unannounced) then unannounced else array_append(unannounced, ?) end', [announcement, announcement]),
    unannounced_since: trx.raw('coalesce(unannounced_since, clock_now())'),
  });
}

/** Records the change on the timeline and as owed to the process, in the change's own transaction. */
export async function recordChange(trx: Knex.Transaction, row: AppointmentRow, announcement: Announcement, dedupeKey: string, titleFa: string, actor: Actor): Promise<void> {
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
export async function announce(deps: AnnounceDeps, appointmentId: string, requested?: Announcement, skipLocked = false): Promise<AppointmentRow | undefined> {
  return deps.db.transaction(async (trx) => {
    const query = trx('appointments').where({ id: appointmentId }).forUpdate();
    const row = (await (skipLocked ? query.skipLocked() : query).first()) as AppointmentRow | undefined;
    if (!row) return undefined;
    const owed = row.unannounced as Announcement[];
    const now = (deps.now ?? clock.now)();
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

export interface SweepDeps extends AnnounceDeps {
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

