// npm run api: the HTTP API alone, against DATABASE_URL and ZEEBE_ADDRESS.
import { gatewayAddress, openKnex, openZeebe, runMain } from '../platform/runtime.ts';

runMain('api', async (runtime) => {
  const { buildApp } = await import('../api/app.ts');
  const { ensureFrontEnds } = await import('../api/front-ends.ts');
  const { config, logger } = runtime;
  // Built only when missing or stale, and before the app's plugins, whose start has a time limit.
  const frontEnds = ensureFrontEnds(logger);
  frontEnds.catch(() => undefined);
  const db = await openKnex(runtime, { migrate: false });
  const { whileSomeoneWaits } = await import('../platform/zeebe.ts');
  const zeebe = openZeebe(runtime, gatewayAddress(config), whileSomeoneWaits);
  await frontEnds;
  const app = await buildApp({ config, db, zeebe, logger });
  runtime.onShutdown(() => app.close());
  await app.listen({ port: config.PORT, host: config.HOST });
  return 'keep-running';
});
