// npm run engine: the embedded engine alone, gRPC on ZEEBE_PORT.
import { engineAddress, openKnex, runMain, serveProcessMetrics } from '../platform/runtime.ts';

runMain('engine', async (runtime) => {
  if (runtime.config.ZEEBE_ADDRESS) {
    throw new Error('ZEEBE_ADDRESS is set: a real gateway is configured, so there is no embedded engine to run');
  }
  const db = await openKnex(runtime, { migrate: true });
  await serveProcessMetrics(runtime);
  await engineAddress(runtime, db);
  return 'keep-running';
});
