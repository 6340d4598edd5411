// Deploys what a few services need, not the whole catalogue: every form and
// decision, the shared called processes (processes/shared/), and these
// services' diagrams. Deploying all 54 services — linting each against the
// catalogue, then committing it — costs a test file seconds it does not check
// (test/deployment.test.ts deploys them all).
import type { ZBClient } from 'zeebe-node';
import { services } from '../../processes/catalogue/index.ts';
import { deployResources } from '../../platform/deployment.ts';
import type { Logger } from '../../platform/logger.ts';

export async function deployServices(zeebe: ZBClient, logger: Logger, serviceIds: readonly string[]): Promise<number> {
  const unknown = serviceIds.filter((id) => !services.some((service) => service.id === id));
  if (unknown.length > 0) throw new Error(`not in the catalogue: ${unknown.join(', ')}`);
  const others = services.map((service) => service.id).filter((id) => !serviceIds.includes(id));
  return deployResources(zeebe, logger, { skipProcesses: new Set(others) });
}
