// Who may change diagrams. The one place that decides it; the API's
// authentication (api/plugins/app/auth.ts) says who is asking, with the
// token checked against the account on every request.
import type { FastifyInstance, FastifyRequest } from 'fastify';

/** The role that may save and deploy diagrams; everyone else gets a read-only modeler. */
export const editorRole = 'analyst';

export interface Editor { username: string }

/** onRequest hook of the routes that change diagrams: 401 without a standing token, 403 for all but analysts, before the body is read. */
export const editorsOnly = (app: FastifyInstance) => app.allow(editorRole);

/** The analyst making the request, or null (no token, one that no longer stands, or another role). */
export async function editorOf(request: FastifyRequest): Promise<Editor | null> {
  const claims = await request.server.identify(request);
  return claims?.kind === 'staff' && claims.role === editorRole ? { username: claims.username } : null;
}

/** The analyst a request that passed `editorsOnly` comes from. */
export function signedInEditor(request: FastifyRequest): Editor {
  return { username: (request.user as { username: string }).username };
}
