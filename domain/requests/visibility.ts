// Who sees a request: a citizen their own; staff their district's.
import type { Knex } from 'knex';
import { ApiProblem } from '../../platform/problem.ts';
import type { RequestRow } from './rows.ts';

/** Who asks: a citizen (by account id), or staff with their role and district (none for city-wide staff). */
export type Viewer =
  | { kind: 'citizen'; sub: string }
  | { kind: 'staff'; role: string; districtId: number | null };

/** Sees every district's requests: city-wide staff, and 137 agents, who answer the whole city's calls. */
const citywide = (viewer: Viewer) => viewer.kind === 'staff' && (viewer.districtId === null || viewer.role === 'agent-137');

export const unknownRequest = () => new ApiProblem(404, 'unknown-request', 'There is no such request.', 'درخواستی با این کد رهگیری پیدا نشد.');

/**
 * Who sees a request: a citizen their own; staff their district's
 * (city-wide staff and 137 agents any). Everyone else gets the same 404 as
 * for a code that does not exist, so tracking codes cannot be probed.
 */
export function assertVisible(viewer: Viewer, row: { citizen_id: string; district_id: number }): void {
  if (viewer.kind === 'citizen') {
    if (row.citizen_id !== viewer.sub) throw unknownRequest();
    return;
  }
  if (!citywide(viewer) && viewer.districtId !== row.district_id) throw unknownRequest();
}

/** The requests a viewer may see (a citizen their own, staff their district's), newest first; `citizenId` narrows them to one citizen's. */
export async function requestsVisibleTo(
  db: Knex, viewer: Viewer, filter: { status?: string; serviceId?: string; citizenId?: string; limit: number },
): Promise<RequestRow[]> {
  const query = db<RequestRow>('requests').orderBy('created_at', 'desc').limit(filter.limit);
  if (viewer.kind === 'citizen') query.where({ citizen_id: viewer.sub });
  else if (!citywide(viewer)) query.where({ district_id: viewer.districtId! });
  if (filter.status) query.where({ status: filter.status });
  if (filter.serviceId) query.where({ service_id: filter.serviceId });
  if (filter.citizenId) query.where({ citizen_id: filter.citizenId });
  return query;
}
