// What staff and citizens read about appointments: a request's latest
// appointment with its office's name, and the counter's day.
import type { Knex } from 'knex';
import type { AppointmentRow } from './office.ts';

export type AppointmentWithOffice = AppointmentRow & { office_name: string | null };

/** The request's most recent appointment (live or not), or undefined. */
export async function latestAppointment(db: Knex, requestId: string): Promise<AppointmentWithOffice | undefined> {
  return db('appointments as a').leftJoin('offices as o', 'o.id', 'a.office_id')
    .where('a.request_id', requestId).orderBy('a.created_at', 'desc')
    .first('a.*', 'o.name_fa as office_name');
}

/** One appointment with its office's name. */
export async function appointmentWithOffice(db: Knex, appointmentId: string): Promise<AppointmentWithOffice | undefined> {
  return db('appointments as a').leftJoin('offices as o', 'o.id', 'a.office_id')
    .where('a.id', appointmentId).first('a.*', 'o.name_fa as office_name');
}

/**
 * A district's appointments between `from` and `to` (a Tehran day), in time
 * and counter order, with who is coming for what; cancelled bookings left out.
 */
export async function counterDay(db: Knex, districtId: number, from: Date, to: Date) {
  return db('appointments as a')
    .join('requests as r', 'r.id', 'a.request_id')
    .join('citizens as c', 'c.id', 'r.citizen_id')
    .leftJoin('offices as o', 'o.id', 'a.office_id')
    .where('a.district_id', districtId).whereNot('a.status', 'cancelled')
    .where('a.starts_at', '>=', from).where('a.starts_at', '<', to)
    .orderBy([{ column: 'a.starts_at' }, { column: 'a.counter_number' }])
    .limit(1000)
    .select('a.id', 'a.starts_at', 'a.ends_at', 'a.status', 'a.counter_number', 'a.attendance_recorded_at', 'a.attendance_recorded_by',
      'r.tracking_code', 'r.service_id', 'r.status as request_status', 'c.name', 'c.national_code', 'c.mobile', 'o.name_fa as office_name');
}
