// npm run deploy: deploy every diagram, decision and form in processes/ to ZEEBE_ADDRESS.
import { gatewayAddress, openZeebe, runMain } from '../platform/runtime.ts';

runMain('deploy', async (runtime) => {
  const { deployResources } = await import('../platform/deployment.ts');
  const zeebe = openZeebe(runtime, gatewayAddress(runtime.config));
  await deployResources(zeebe, runtime.logger);
});
