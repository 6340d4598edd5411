// Tests that run on the real clock need an office that has a slot soon
// whatever the day and hour: open every day, round the clock. Then the
// earliest slot is within two hours and its day-before reminder is already
// due, so the appointment process reaches its attendance wait at once.
import type { Knex } from 'knex';

export async function openAroundTheClock(db: Knex, districtId: number): Promise<void> {
  const office = await db('offices').where({ district_id: districtId }).first();
  await db('office_hours').where({ office_id: office.id }).delete();
  await db('office_hours').insert([0, 1, 2, 3, 4, 5, 6].map((weekday) => ({ office_id: office.id, weekday, opens_at: '00:00', closes_at: '23:59' })));
}
