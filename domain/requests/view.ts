// A request as its status page shows it, in one round trip (a prepared
// statement: it is the API's hottest read), and its timeline.
import type { Knex } from 'knex';
import { isoTimestamp as iso, numbered, prepared } from '../../platform/prepared-statements.ts';
import type { Channel } from '../../processes/catalogue/index.ts';

/**
 * A request with everything its status page shows, in one round trip: the
 * timeline in order, the rating, and the open correction (only while the
 * request waits for one: the latest awaiting-correction milestone's reason).
 */
const requestViewSql = `
select r.id, r.tracking_code, r.service_id, r.district_id, r.channel, r.status, r.outcome, r.form, r.citizen_id,
       r.process_instance_key is not null as started,
       ${iso('r.created_at')} as created_at, ${iso('r.updated_at')} as updated_at, ${iso('r.closed_at')} as closed_at,
       (select json_build_object('score', g.score, 'comment', g.comment) from ratings g where g.request_id = r.id) as rating,
       case when r.status = 'awaiting-correction' then coalesce(
         (select json_build_object('note', e.data->>'reason', 'requestedAt', ${iso('e.at')})
            from request_events e where e.request_id = r.id and e.kind = 'awaiting-correction' order by e.id desc limit 1),
         json_build_object('note', null, 'requestedAt', ${iso('r.updated_at')})) end as correction,
       (select json_build_object('number', c.number, 'issuedAt', ${iso('c.issued_at')}, 'verificationCode', c.verification_code)
          from certificates c where c.request_id = r.id and c.revoked_at is null order by c.issued_at desc limit 1) as certificate,
       coalesce((select json_agg(json_build_object('kind', e.kind, 'elementId', e.element_id, 'data', e.data, 'at', ${iso('e.at')}) order by e.id)
                   from request_events e where e.request_id = r.id), '[]'::json) as timeline
  from requests r
 where r.tracking_code = ?`;
const requestViewStatement = numbered(requestViewSql);

export interface RequestView {
  id: string; tracking_code: string; service_id: string; district_id: number; channel: Channel; status: string; outcome: string | null;
  form: Record<string, unknown>; citizen_id: string; started: boolean; created_at: string; updated_at: string; closed_at: string | null;
  rating: { score: number; comment: string | null } | null;
  correction: { note: string | null; requestedAt: string } | null;
  certificate: { number: string; issuedAt: string; verificationCode: string } | null;
  timeline: Array<{ kind: string; elementId: string | null; data: Record<string, unknown>; at: string }>;
}

/** The request as its status page shows it, or undefined; the caller checks who may see it. */
export async function requestView(db: Knex, trackingCode: string): Promise<RequestView | undefined> {
  return (await prepared<RequestView>(db, 'request-view', requestViewStatement, [trackingCode]))[0];
}

/** The request's timeline, oldest first. */
export async function timelineOf(db: Knex, requestId: string) {
  return db('request_events').where({ request_id: requestId }).orderBy('id').select('kind', 'element_id', 'data', 'at');
}
