// Deploying processes/ as `npm start` and `npm run deploy` do.
import t from 'tap';
import pino from 'pino';
import { deployResources, listResources } from '../platform/deployment.ts';
import { startTestEngine } from './engine/helpers.ts';

const logger = pino({ level: 'silent' });

t.test('every diagram, decision and form deploys, and a redeploy keeps the versions', async (t) => {
  const { client } = await startTestEngine(t);
  const resources = listResources();
  t.ok(resources.filter((r) => r.kind === 'process').length >= 54, 'the 54 services and the shared processes are listed');
  const first = Date.now();
  t.equal(await deployResources(client, logger), resources.length, 'all of them deploy');
  t.comment(`deploying ${resources.length} resources to a fresh engine took ${Date.now() - first} ms`);

  const started = Date.now();
  await deployResources(client, logger);
  t.comment(`redeploying ${resources.length} unchanged resources took ${Date.now() - started} ms`);
  const deployment = await client.deployResource({ name: 'tree-pruning.bpmn', process: (await import('node:fs')).readFileSync(resources.find((r) => r.name === 'tree-pruning.bpmn')!.file) });
  t.equal(deployment.deployments[0]!.process!.version, 1, 'an unchanged diagram keeps version 1');
});

t.test('a diagram an analyst deployed from the modeler is not overtaken by the repository file', async (t) => {
  const { client } = await startTestEngine(t);
  await deployResources(client, logger, { skipProcesses: new Set(['tree-pruning']) });
  await t.rejects(
    client.createProcessInstance({ bpmnProcessId: 'tree-pruning', variables: {} }),
    /NOT_FOUND|not found/i,
    'the skipped process was not deployed',
  );
  const created = await client.createProcessInstance({ bpmnProcessId: 'tree-felling-permit', variables: {} }).catch((error: Error) => error);
  t.notMatch(String(created), /NOT_FOUND/, 'the others were');
});
