// What a scale run must leave behind, read from PostgreSQL: every filing
// once, closed, paid once, checked once, certified once, each message sent
// once. Each check answers the requests that break it.
import type { Knex } from 'knex';

export interface Check { name: string; broken: string[] }

export async function checkRun(db: Knex, trackingCodes: string[]): Promise<Check[]> {
  const requests = db('requests').whereIn('tracking_code', trackingCodes);
  const ids = (await requests.clone().pluck('id')) as string[];
  const codesOf = async (sql: string) => ((await db.raw(sql, [ids])).rows as Array<{ tracking_code: string }>).map((row) => row.tracking_code);
  const perRequest = (from: string, condition: string, expected: string) => codesOf(`
    select r.tracking_code from requests r
    left join lateral (select count(*)::int as n from ${from} x where x.request_id = r.id ${condition}) c on true
    where r.id = any(?) and c.n ${expected}`);

  const filedBy = await db.raw(`select count(*)::int as n, count(distinct (citizen_id, idempotency_key))::int as keys from requests where citizen_id in (select citizen_id from requests where id = any(?))`, [ids]);
  const { n, keys } = filedBy.rows[0] as { n: number; keys: number };
  return [
    { name: 'every filing is one request', broken: ids.length === trackingCodes.length && n === keys && n === ids.length ? [] : [`${trackingCodes.length} filed, ${ids.length} found, ${n} rows for ${keys} idempotency keys`] },
    { name: 'every request closed, completed', broken: await codesOf(`select tracking_code from requests where id = any(?) and (closed_at is null or outcome is distinct from 'completed')`) },
    { name: 'one process instance: closed once', broken: await perRequest('request_events', `and x.kind = 'closed'`, '<> 1') },
    { name: 'one document check, completed', broken: await perRequest('user_tasks', `and x.status = 'completed'`, '<> 1') },
    { name: 'no task left open or listed twice', broken: await perRequest('user_tasks', '', '<> 1') },
    { name: 'paid exactly once', broken: await perRequest('payments', `and x.status = 'paid'`, '<> 1') },
    { name: 'no payment reversed or doubled', broken: await perRequest('payments', `and x.status in ('reversed', 'pending', 'created')`, '<> 0') },
    { name: 'one certificate', broken: await perRequest('certificates', '', '<> 1') },
    { name: 'each message sent once', broken: await codesOf(`
      select distinct r.tracking_code from notifications x join requests r on r.id = x.request_id
      where r.id = any(?) group by r.tracking_code, x.template, x.channel having count(*) > 1`) },
    { name: 'every message delivered', broken: await codesOf(`
      select distinct r.tracking_code from notifications x join requests r on r.id = x.request_id
      where r.id = any(?) and x.status <> 'sent'`) },
  ];
}

/** Messages per request, to print: the same for every request when nothing is doubled. */
export async function messagesPerRequest(db: Knex, trackingCodes: string[]): Promise<Record<string, number>> {
  const { rows } = await db.raw(`
    select n, count(*)::int as requests from (
      select r.id, count(x.id)::int as n from requests r left join notifications x on x.request_id = r.id
      where r.tracking_code = any(?) group by r.id) per group by n order by n`, [trackingCodes]);
  return Object.fromEntries((rows as Array<{ n: number; requests: number }>).map((row) => [`${row.n} messages`, row.requests]));
}
