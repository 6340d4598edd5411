// npm run migrate: bring the database schema to the latest migration.
import { openKnex, runMain } from '../platform/runtime.ts';

runMain('migrate', async (runtime) => {
  await openKnex(runtime, { migrate: true });
});
