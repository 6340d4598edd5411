// npm start: the whole system in one process on the embedded defaults —
// PostgreSQL, migrations, the engine, every diagram deployed, all workers, and
// the API with the modeler and the API docs.
import { engineAddress, openKnex, openZeebe, runMain } from '../platform/runtime.ts';

runMain('start', async (runtime) => {
  const { config, logger } = runtime;
  const { deployResources } = await import('../platform/deployment.ts');
  const { startWorkers } = await import('../workers/index.ts');
  const { buildApp } = await import('../api/app.ts');
  const { demoSeedEnabled } = await import('../api/plugins/app/demo-seed.ts');
  const { ensureFrontEnds } = await import('../api/front-ends.ts');
  const started = Date.now();
  // The browser bundles build (only when missing or stale) beside the database and engine start.
  const frontEnds = ensureFrontEnds(logger);
  frontEnds.catch(() => undefined);
  const db = await openKnex(runtime, { migrate: true });
  const address = await engineAddress(runtime, db);
  const zeebe = openZeebe(runtime, address);
  if (config.DEPLOY_ON_START) {
    const { analystDeployedProcesses } = await import('../domain/process-design/versions.ts');
    await deployResources(zeebe, logger, { skipProcesses: await analystDeployedProcesses(db) });
  }
  const workers = startWorkers({ zeebe, db, logger, publicUrl: config.publicUrl, userTaskLeaseMs: config.USER_TASK_LEASE_SECONDS * 1000 });
  runtime.onShutdown(() => workers.stop(runtime.hurry));
  // The API's own client gives up quickly, so a person is answered during an engine outage.
  const { whileSomeoneWaits } = await import('../platform/zeebe.ts');
  await frontEnds;
  const app = await buildApp({ config, db, zeebe: openZeebe(runtime, address, whileSomeoneWaits), logger });
  runtime.onShutdown(() => app.close());
  const url = await app.listen({ port: config.PORT, host: config.HOST });
  logger.info({ url, ms: Date.now() - started }, 'shahrdari is ready');
  process.stdout.write(`\nshahrdari is ready at ${url}  (health: ${url}/health, API docs: ${url}/docs)\n\n`);
  if (demoSeedEnabled(config)) process.stdout.write(await signInHelp(url));
  return 'keep-running';
});

/** How a newcomer tries each role against the demo accounts. */
async function signInHelp(url: string): Promise<string> {
  const { demoPassword, demoStaff } = await import('../api/plugins/app/demo-seed.ts');
  const { demoOpen311Key } = await import('../api/plugins/app/open311-clients.ts');
  const accounts = demoStaff.map((account) => `    ${account.username.padEnd(14)} ${account.role}`).join('\n');
  return [
    `Demo staff accounts (district 12), password "${demoPassword}":`,
    accounts,
    `  curl -s ${url}/api/auth/staff/token -H 'content-type: application/json' -d '{"username":"clerk-12","password":"${demoPassword}"}'`,
    'Citizens: POST /api/auth/citizen/code {"nationalCode","mobile"}; with the demo seed the answer carries the code as',
    '  developmentCode (the portal shows it), then POST /api/auth/citizen/token {"nationalCode","mobile","code"}.',
    '  Use the token as "Authorization: Bearer <token>".',
    `Open311 clients: api_key "${demoOpen311Key}" (POST ${url}/open311/v2/requests.json; see api/routes/open311/README.md).`,
    '',
    '',
  ].join('\n');
}
