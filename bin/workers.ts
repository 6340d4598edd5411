// npm run workers: all job workers, against DATABASE_URL and ZEEBE_ADDRESS.
import { gatewayAddress, openKnex, openZeebe, runMain } from '../platform/runtime.ts';
import { startWorkers } from '../workers/index.ts';

runMain('workers', async (runtime) => {
  const db = await openKnex(runtime, { migrate: false });
  const zeebe = openZeebe(runtime, gatewayAddress(runtime.config));
  const workers = startWorkers({ zeebe, db, logger: runtime.logger });
  runtime.onShutdown(workers.stop);
  return 'keep-running';
});
