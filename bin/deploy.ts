// npm run deploy: deploy every diagram, decision and form in processes/ to ZEEBE_ADDRESS.
import { gatewayAddress, openZeebe, runMain } from '../platform/runtime.ts';
import { deployResources } from '../platform/deployment.ts';

runMain('deploy', async (runtime) => {
  const zeebe = openZeebe(runtime, gatewayAddress(runtime.config));
  await deployResources(zeebe, runtime.logger);
});
