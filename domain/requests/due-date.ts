// A request's due date: the catalogue's SLA in working days, counted from the
// request's filing rather than from now, so asking again answers the same
// date. The request keeps the first one, for the figures (SLA met or missed
// per request).
import type { Knex } from 'knex';
import { slaDueDate } from '../../platform/working-calendar.ts';
import type { RequestRow } from './rows.ts';

export async function recordDueDate(db: Knex, request: Pick<RequestRow, 'id' | 'created_at'>, slaWorkingDays: number): Promise<Date> {
  const due = await slaDueDate(db, request.created_at, slaWorkingDays);
  await db('requests').where({ id: request.id }).whereNull('due_at').update({ due_at: due });
  return due;
}
