// Staff at the counter record whether the citizen came. The record is the
// row's truth at once (status attended or missed, when and by whom, a line on
// the timeline), committed with the message it owes the process; the message
// is kept until the process takes it, whenever that is (announcements.ts): staff
// may record it before the process waits for it, or long after.
import type { Knex } from 'knex';
import type { ZBClient } from 'zeebe-node';
import { clock } from '../../platform/clock.ts';
import { jalaliDateTime } from '../../platform/persian.ts';
import { announce, recordChange, type Actor } from './announcements.ts';
import type { AppointmentRow } from './office.ts';

export type AttendanceOutcome =
  | { kind: 'recorded'; appointment: AppointmentRow; replayed: boolean }
  /** Already recorded the other way, or the booking was cancelled. */
  | { kind: 'settled'; appointment: AppointmentRow }
  /** "Did not come" before the booked time has come. */
  | { kind: 'too-early'; appointment: AppointmentRow }
  | { kind: 'unknown' };

/**
 * Records that the citizen came (`attended`) or did not. The same record
 * again answers success (replayed) and publishes again; the other one after
 * it is refused (settled). A `NotAnnounced` thrown after the commit means the
 * workers' sweep publishes it.
 */
export async function recordAttendance(
  deps: { db: Knex; zeebe: Pick<ZBClient, 'publishMessage'>; now?: () => Date },
  appointmentId: string,
  attended: boolean,
  actor: Actor = 'staff',
): Promise<AttendanceOutcome> {
  const status = attended ? 'attended' : 'missed';
  const now = (deps.now ?? clock.now)();
  const outcome = await deps.db.transaction(async (trx): Promise<AttendanceOutcome> => {
    const row = (await trx('appointments').where({ id: appointmentId }).forUpdate().first()) as AppointmentRow | undefined;
    if (!row) return { kind: 'unknown' };
    if (row.status === status) return { kind: 'recorded', appointment: row, replayed: true };
    if (row.status !== 'booked') return { kind: 'settled', appointment: row };
    if (!attended && now < row.starts_at) return { kind: 'too-early', appointment: row };
    const [updated] = await trx('appointments').where({ id: appointmentId })
      .update({ status, attendance_recorded_at: now, attendance_recorded_by: actor }).returning('*');
    const appointment = updated as AppointmentRow;
    const titleFa = attended ? `شهروند در نوبت ${jalaliDateTime(appointment.starts_at)} حاضر شد` : `شهروند در نوبت ${jalaliDateTime(appointment.starts_at)} حاضر نشد`;
    await recordChange(trx, appointment, status, `api:appointment-${status}:${appointment.id}`, titleFa, actor);
    return { kind: 'recorded', appointment, replayed: false };
  });
  if (outcome.kind !== 'recorded') return outcome;
  return { ...outcome, appointment: (await announce(deps, appointmentId, status)) ?? outcome.appointment };
}
