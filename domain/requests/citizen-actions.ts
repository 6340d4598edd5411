// What a citizen may do to their request after filing it: send a
// correction while the process waits for one, withdraw it while it is open,
// rate it once it is closed. Each change is recorded on the timeline; the
// process hears of it by message.
import type { Knex } from 'knex';
import type { ZBClient } from 'zeebe-node';
import { clockNow } from '../../platform/clock.ts';
import { publishOnce } from '../../platform/messages.ts';
import { ApiProblem } from '../../platform/problem.ts';
import { checkForm, type FilingCatalogue } from './filing.ts';
import type { RequestRow } from './rows.ts';

export interface ActionDeps { db: Knex; zeebe: Pick<ZBClient, 'publishMessage'> }

/**
 * Sends corrected data to the process waiting for it (message
 * request-resubmitted, by requestId), only while the request waits for a
 * correction. The status moves on in the same transaction, so a second
 * resubmit finds nothing to correct; the message is published before the
 * commit, so an engine that cannot take it leaves the request waiting for
 * the citizen to try again.
 */
export async function resubmit(deps: ActionDeps & { catalogue: FilingCatalogue }, row: RequestRow, submitted: Record<string, unknown>): Promise<void> {
  const { db, zeebe } = deps;
  const form = checkForm(deps.catalogue, row.service_id, submitted);
  await db.transaction(async (trx) => {
    const moved = await trx('requests').where({ id: row.id, status: 'awaiting-correction' }).whereNull('closed_at')
      .update({ status: 'under-review', form: JSON.stringify(form), updated_at: clockNow(trx) });
    if (moved === 0) {
      throw new ApiProblem(409, 'not-awaiting-correction', 'The request is not waiting for a correction.',
        'این درخواست منتظر اصلاح نیست؛ اکنون نمی‌توانید اصلاحیه بفرستید.');
    }
    const [{ n }] = await trx('request_events').where({ request_id: row.id, kind: 'resubmitted' }).count<{ n: string }[]>('* as n');
    const count = Number(n) + 1;
    await trx('request_events').insert({ request_id: row.id, kind: 'resubmitted', dedupe_key: `api:resubmitted:${count}`, data: {} });
    await zeebe.publishMessage({
      name: 'request-resubmitted', correlationKey: row.id, messageId: `request-resubmitted:${row.id}:${count}`,
      // Buffered briefly: a correction sent as the process reaches its wait still arrives.
      timeToLive: 600_000, variables: { form },
    });
  });
}

/**
 * Withdraws a request. Unstarted, it closes at once (and is never
 * started); started, the process hears request-cancelled and winds up.
 */
export async function cancel(deps: ActionDeps, row: RequestRow): Promise<'closed' | 'requested'> {
  const { db, zeebe } = deps;
  const closedNow = await db('requests')
    .where({ id: row.id })
    .whereNull('process_instance_key')
    .whereNull('closed_at')
    // wall clock: leases
    .andWhere((q) => q.whereNull('start_leased_until').orWhere('start_leased_until', '<', db.fn.now()))
    .update({ status: 'closed', outcome: 'cancelled', closed_at: clockNow(db), updated_at: clockNow(db) });
  await db('request_events').insert({ request_id: row.id, kind: 'cancel-requested', dedupe_key: 'api:cancel-requested', data: {} })
    .onConflict(['request_id', 'dedupe_key']).ignore();
  if (closedNow) return 'closed';
  // A cancel sent again (a double tap, a retry) is the same message: already told is success.
  await publishOnce(zeebe, {
    name: 'request-cancelled', correlationKey: row.id, messageId: `request-cancelled:${row.id}`, timeToLive: 600_000, variables: {},
  });
  return 'requested';
}

export async function rate(db: Knex, row: RequestRow, score: number, comment: string | undefined): Promise<void> {
  if (!row.closed_at) {
    throw new ApiProblem(409, 'not-closed', 'A request is rated once it is closed.', 'پس از بسته شدن درخواست می‌توانید به آن امتیاز دهید.');
  }
  const [inserted] = await db('ratings').insert({ request_id: row.id, score, comment: comment ?? null }).onConflict('request_id').ignore().returning('request_id');
  if (!inserted) throw new ApiProblem(409, 'already-rated', 'This request is already rated.', 'به این درخواست پیش‌تر امتیاز داده‌اید.');
}
