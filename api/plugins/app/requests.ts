// Requests on the instance: filing, starting the process instance, reading
// status and timeline, and what a citizen may do to their request — each a
// domain function (domain/requests/) bound to this app's database, engine
// client and catalogue — and `requestFor`, the request a caller may see.
import fp from 'fastify-plugin';
import type { FastifyBaseLogger, FastifyRequest } from 'fastify';
import type { Knex } from 'knex';
import type { ZBClient } from 'zeebe-node';
import type { CatalogueService } from '../../../domain/catalogue/service-catalogue.ts';
import { cancel, rate, resubmit } from '../../../domain/requests/citizen-actions.ts';
import { checkForm, fileRequest, type Submission } from '../../../domain/requests/filing.ts';
import { requestByTrackingCode, type RequestRow } from '../../../domain/requests/rows.ts';
import { startRequest, startUnstarted } from '../../../domain/requests/start.ts';
import { requestView, timelineOf } from '../../../domain/requests/view.ts';
import { assertVisible, unknownRequest } from '../../../domain/requests/visibility.ts';
import { claimsOf } from './auth.ts';
import { ApiProblem } from './problems.ts';

declare module 'fastify' {
  interface FastifyInstance {
    requests: RequestService;
    /**
     * The request a caller may see (`assertVisible`); anything else is a
     * 404. With 'owner', only the citizen it belongs to may act (staff who
     * see it get 403).
     */
    requestFor(request: FastifyRequest, trackingCode: string, who?: 'viewer' | 'owner'): Promise<RequestRow>;
  }
}

export function createRequestService(deps: {
  db: Knex; zeebe: ZBClient; catalogue: CatalogueService; log: FastifyBaseLogger;
  /** Told of every request filed (not of a replayed Idempotency-Key): the metrics count them. */
  onFiled?: (request: RequestRow) => void;
}) {
  const { db, catalogue } = deps;
  return {
    checkForm: (serviceId: string, form: Record<string, unknown>) => checkForm(catalogue, serviceId, form),
    submit: (submission: Submission) => fileRequest(deps, submission),
    start: (requestId: string) => startRequest(deps, requestId),
    sweep: (options?: { graceSeconds?: number; limit?: number }) => startUnstarted(deps, options),
    byTrackingCode: (trackingCode: string) => requestByTrackingCode(db, trackingCode),
    view: (trackingCode: string) => requestView(db, trackingCode),
    timeline: (requestId: string) => timelineOf(db, requestId),
    resubmit: (row: RequestRow, form: Record<string, unknown>) => resubmit(deps, row, form),
    cancel: (row: RequestRow) => cancel(deps, row),
    rate: (row: RequestRow, score: number, comment: string | undefined) => rate(db, row, score, comment),
  };
}

export type RequestService = ReturnType<typeof createRequestService>;

export default fp(async (app) => {
  const requests = createRequestService({ db: app.db, zeebe: app.zeebe, catalogue: app.catalogue, log: app.log, onFiled: app.metrics.requestFiled });
  app.decorate('requests', requests);
  app.decorate('requestFor', async (request: FastifyRequest, trackingCode: string, who: 'viewer' | 'owner' = 'viewer') => {
    const claims = claimsOf(request);
    const row = await requests.byTrackingCode(trackingCode);
    if (!row) throw unknownRequest();
    assertVisible(claims, row);
    if (who === 'owner' && claims.kind !== 'citizen') {
      throw new ApiProblem(403, 'citizen-only', 'Only the citizen the request belongs to may do this.', 'این کار را فقط خود شهروند می‌تواند انجام دهد.');
    }
    return row;
  });
}, { name: 'requests', dependencies: ['context', 'auth', 'catalogue', 'problems', 'metrics'] });
