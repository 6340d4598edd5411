// npm run deploy: deploy every diagram, decision and form in processes/ to ZEEBE_ADDRESS,
// except diagrams an analyst has since deployed from the modeler.
import { gatewayAddress, openKnex, openZeebe, runMain } from '../platform/runtime.ts';

runMain('deploy', async (runtime) => {
  const { deployResources } = await import('../platform/deployment.ts');
  const { analystDeployedProcesses } = await import('../domain/process-design/versions.ts');
  const db = await openKnex(runtime, { migrate: false });
  const zeebe = openZeebe(runtime, gatewayAddress(runtime.config));
  await deployResources(zeebe, runtime.logger, { skipProcesses: await analystDeployedProcesses(db) });
});
