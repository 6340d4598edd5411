// The two browser bundles the API serves: the portal (/, /staff) and the
// modeler (/modeler). Entry points build a missing or stale one before the app
// registers its plugins, never inside them, where a slow build on a busy
// machine would outlast Fastify's plugin timeout; npm run build builds both.
import type { BuildLog } from '../platform/front-end-build.ts';
import { ensureBundle as ensureModelerBundle } from '../modeler/build.ts';
import { ensureBundle as ensurePortalBundle } from '../portal/build.ts';

/** Both bundles for the current sources, built side by side when missing. */
export async function ensureFrontEnds(log?: BuildLog): Promise<void> {
  await Promise.all([ensurePortalBundle(log), ensureModelerBundle(log)]);
}
