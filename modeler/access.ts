// Who may change diagrams. The one place that decides it, so wiring the API's
// staff authentication (issue 6) in means changing this file only.
import type { FastifyRequest } from 'fastify';

/** The role that may save and deploy diagrams; everyone else gets a read-only modeler. */
export const editorRole = 'analyst';

export interface Editor { username: string }

interface StaffClaims { sub?: unknown; username?: unknown; name?: unknown; role?: unknown; roles?: unknown }

/** What @fastify/jwt adds to a request, when the API has registered it. */
interface JwtRequest { user?: unknown; jwtVerify?: () => Promise<unknown> }

async function staffClaims(request: FastifyRequest): Promise<StaffClaims | undefined> {
  const jwtRequest = request as unknown as JwtRequest;
  if (!jwtRequest.user && typeof jwtRequest.jwtVerify === 'function' && request.headers.authorization) {
    try {
      await jwtRequest.jwtVerify();
    } catch {
      return undefined;
    }
  }
  const user = jwtRequest.user;
  return user && typeof user === 'object' ? user as StaffClaims : undefined;
}

/**
 * The analyst making the request, or null. A request is an analyst's when
 * its verified JWT carries the role `analyst` (as `role` or in `roles`);
 * without JWT support in the app nobody may edit.
 */
export async function editorOf(request: FastifyRequest): Promise<Editor | null> {
  const claims = await staffClaims(request);
  if (!claims) return null;
  const roles = Array.isArray(claims.roles) ? claims.roles : [claims.role];
  if (!roles.includes(editorRole)) return null;
  const username = [claims.username, claims.sub, claims.name].find((value) => typeof value === 'string' && value.length > 0);
  return typeof username === 'string' ? { username } : null;
}

/** Whether the request carries a valid token at all (to tell 401 from 403). */
export async function isSignedIn(request: FastifyRequest): Promise<boolean> {
  return (await staffClaims(request)) !== undefined;
}
