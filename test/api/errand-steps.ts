// One step of whatever a running request waits for, done through the API as
// the person it waits for would: the staff member its open task belongs to
// claims it (an inspection is already the inspector's) and completes it with
// the happy path's answers, or the citizen pays at the sandbox gateway and
// comes back through the callback. Shared by the tests that drive real
// services from filing to closed.
import type { Role } from '../../api/plugins/app/auth.ts';
import type { TestApi } from './helpers.ts';

/** What each task form is completed with on the happy path. */
export const happyAnswers: Record<string, Record<string, unknown>> = {
  'task-document-check': { documentDecision: 'accept' },
  'task-inspection': { inspectionResult: 'pass', inspectionDate: '2026-12-01', inspectionNotes: 'خودرو سالم و مطابق مدارک است.' },
  'task-approval': { approvalDecision: 'approve' },
  'task-response': { responseDecision: 'answered', responseText: 'پرونده به مددکار محله سپرده شد.' },
};

export type StaffHeaders = Partial<Record<Role, { authorization: string }>>;

/**
 * Does the next staff task or payment of `requestId`; says what it did
 * ('task:<form>' or 'payment'), or null when neither waits now. A refused
 * step throws with the API's answer.
 */
export async function nextErrandStep({ app, db }: TestApi, staff: StaffHeaders, requestId: string, answers = happyAnswers): Promise<string | null> {
  const task = await db('user_tasks').where({ request_id: requestId, status: 'open' }).first();
  if (task) {
    const role = (task.assignee ? 'inspector' : (task.candidate_groups[0] as string).split(':')[1]) as Role;
    const headers = staff[role];
    if (!headers) throw new Error(`no ${role} signed in for ${task.name}`);
    if (!task.assignee) {
      const claimed = await app.inject({ method: 'POST', url: `/api/tasks/${task.job_key}/claim`, headers });
      if (claimed.statusCode !== 200) throw new Error(`${task.name}: claim by ${role} answered ${claimed.statusCode} ${claimed.body}`);
    }
    const done = await app.inject({ method: 'POST', url: `/api/tasks/${task.job_key}/complete`, headers, payload: { variables: answers[task.form_id] } });
    if (done.statusCode !== 200) throw new Error(`${task.name}: completion by ${role} answered ${done.statusCode} ${done.body}`);
    return `task:${task.form_id}`;
  }
  const payment = await db('payments').where({ request_id: requestId, status: 'pending' }).whereNotNull('gateway_token').first();
  if (payment) {
    const paid = await app.inject({ method: 'POST', url: `/sandbox-gateway/pay/${payment.gateway_token}`, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'action=pay' });
    const callback = new URL(paid.headers.location as string);
    if (callback.origin !== app.config.publicUrl) throw new Error(`the bank sent the citizen to ${callback.origin}, not back to ${app.config.publicUrl}`);
    const back = await app.inject({ url: `${callback.pathname}${callback.search}` });
    if (back.statusCode !== 303) throw new Error(`payment callback answered ${back.statusCode} ${back.body}`);
    return 'payment';
  }
  return null;
}
