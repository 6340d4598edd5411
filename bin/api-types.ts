// npm run api-types: regenerate portal/src/shared/api-types.ts from the
// OpenAPI document of the API as this checkout builds it (the database is the
// embedded one unless DATABASE_URL is set; nothing talks to an engine).
import fs from 'node:fs';
import { gatewayAddress, openKnex, openZeebe, runMain } from '../platform/runtime.ts';

runMain('api-types', async (runtime) => {
  const { buildApp } = await import('../api/app.ts');
  const { apiTypesFile, apiTypesSource } = await import('../portal/api-types.ts');
  const db = await openKnex(runtime, { migrate: true });
  const zeebe = openZeebe(runtime, gatewayAddress(runtime.config));
  const app = await buildApp({ config: runtime.config, db, zeebe, logger: runtime.logger });
  runtime.onShutdown(() => app.close());
  await app.ready();
  fs.writeFileSync(apiTypesFile, await apiTypesSource(app.swagger()));
  runtime.logger.info({ file: apiTypesFile }, 'portal API types written');
});
