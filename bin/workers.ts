// npm run workers: all job workers, against DATABASE_URL and ZEEBE_ADDRESS.
import { gatewayAddress, openKnex, openZeebe, runMain, serveProcessMetrics } from '../platform/runtime.ts';

runMain('workers', async (runtime) => {
  const { startWorkers } = await import('../workers/index.ts');
  const db = await openKnex(runtime, { migrate: false });
  const zeebe = openZeebe(runtime, gatewayAddress(runtime.config));
  await serveProcessMetrics(runtime);
  const workers = startWorkers({ zeebe, db, logger: runtime.logger, publicUrl: runtime.config.publicUrl, userTaskLeaseMs: runtime.config.USER_TASK_LEASE_SECONDS * 1000 });
  runtime.onShutdown(() => workers.stop(runtime.hurry));
  return 'keep-running';
});
