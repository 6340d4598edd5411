// Where each running request of a service waits, as a step of its catalogue
// entry: the staff task open for it (its form names the step), else what the
// citizen must do (pay, come to an appointment, correct). The engine keeps
// the exact position and offers no query for it (Zeebe's gateway has none),
// so the modeler's migration counts and proposes from this; the engine's
// migration itself is the judge and refuses an instance it cannot move.
import type { Knex } from 'knex';
import { taskForms } from '../../processes/catalogue/define.ts';
import type { StepKind } from '../../processes/catalogue/types.ts';

export interface RequestPosition {
  requestId: string;
  trackingCode: string;
  processInstanceKey: string;
  createdAt: Date;
  /** The step the request waits in; null between steps (a system task is running) or when nothing says. */
  step: StepKind | null;
}

const stepOfForm = new Map(Object.entries(taskForms).map(([step, form]) => [form, step as StepKind]));

/** What the citizen is waiting to do, by the request's latest status milestone. */
const waitingStatus: Record<string, StepKind | 'correction'> = {
  'awaiting-payment': 'payment',
  'awaiting-appointment': 'appointment',
  'appointment-booked': 'appointment',
  'awaiting-correction': 'correction',
};

/** The open, started requests of `serviceId` (created before `before` when given), each with the step it waits in. */
export async function requestPositions(db: Knex, serviceId: string, before?: Date): Promise<RequestPosition[]> {
  const query = db('requests as r')
    .where({ 'r.service_id': serviceId })
    .whereNull('r.closed_at')
    .whereNotNull('r.process_instance_key')
    .select('r.id', 'r.tracking_code', 'r.process_instance_key', 'r.status', 'r.created_at')
    // The staff task open now, and the last one done (a correction returns to the step that asked for it).
    .select(db.raw(`(select t.form_id from user_tasks t where t.request_id = r.id and t.status = 'open' order by t.created_at desc limit 1) as open_form`))
    .select(db.raw(`(select t.form_id from user_tasks t where t.request_id = r.id and t.status = 'completed' order by t.completed_at desc nulls last limit 1) as done_form`))
    .orderBy('r.created_at');
  if (before) query.where('r.created_at', '<', before);
  const rows = await query as Array<{ id: string; tracking_code: string; process_instance_key: string; status: string; created_at: Date; open_form: string | null; done_form: string | null }>;
  return rows.map((row) => {
    const waiting = waitingStatus[row.status];
    const step = stepOfForm.get(row.open_form ?? '')
      ?? (waiting === 'correction' ? stepOfForm.get(row.done_form ?? '') : waiting)
      ?? null;
    return { requestId: row.id, trackingCode: row.tracking_code, processInstanceKey: row.process_instance_key, createdAt: row.created_at, step };
  });
}
