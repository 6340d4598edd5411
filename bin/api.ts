// npm run api: the HTTP API alone, against DATABASE_URL and ZEEBE_ADDRESS.
import { gatewayAddress, openKnex, openZeebe, runMain } from '../platform/runtime.ts';

runMain('api', async (runtime) => {
  const { buildApp } = await import('../api/app.ts');
  const { config, logger } = runtime;
  const db = await openKnex(runtime, { migrate: false });
  const { whileSomeoneWaits } = await import('../platform/zeebe.ts');
  const zeebe = openZeebe(runtime, gatewayAddress(config), whileSomeoneWaits);
  const app = await buildApp({ config, db, zeebe, logger });
  runtime.onShutdown(() => app.close());
  await app.listen({ port: config.PORT, host: config.HOST });
  return 'keep-running';
});
