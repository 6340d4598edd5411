// npm run api: the HTTP API alone, against DATABASE_URL and ZEEBE_ADDRESS.
import { gatewayAddress, openKnex, openZeebe, runMain } from '../platform/runtime.ts';
import { buildApp } from '../api/app.ts';

runMain('api', async (runtime) => {
  const { config, logger } = runtime;
  const db = await openKnex(runtime, { migrate: false });
  const zeebe = openZeebe(runtime, gatewayAddress(config));
  const app = await buildApp({ config, db, zeebe, logger });
  runtime.onShutdown(() => app.close());
  await app.listen({ port: config.PORT, host: config.HOST });
  return 'keep-running';
});
