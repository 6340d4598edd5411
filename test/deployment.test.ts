// Deploying processes/ as `npm start` and `npm run deploy` do.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import pino from 'pino';
import { BrokenPromisesError, deployResources, listResources } from '../platform/deployment.ts';
import { startTestEngine } from './engine/helpers.ts';
import { removeElements } from './processes/diagram-edits.ts';

const logger = pino({ level: 'silent' });

t.test('every diagram, decision and form deploys, and a redeploy keeps the versions', async (t) => {
  const { client } = await startTestEngine(t);
  const resources = listResources();
  t.ok(resources.filter((r) => r.kind === 'process').length >= 54, 'the 54 services and the shared processes are listed');
  const first = Date.now();
  t.equal(await deployResources(client, logger), resources.length, 'all of them deploy, each keeping its catalogue promises');
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

t.test('a diagram that breaks a catalogue promise stops the deployment before anything reaches the engine', async (t) => {
  const { client } = await startTestEngine(t);
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'deploy-promises-'));
  t.teardown(() => fs.rmSync(directory, { recursive: true, force: true }));
  const file = (id: string) => listResources().find((resource) => resource.name === `${id}.bpmn`)!.file;
  fs.copyFileSync(file('tree-pruning'), path.join(directory, 'tree-pruning.bpmn'));
  fs.writeFileSync(path.join(directory, 'tree-felling-permit.bpmn'), await removeElements(fs.readFileSync(file('tree-felling-permit'), 'utf8'), ['Call_Payment']));

  const refused = await deployResources(client, logger, { directory }).catch((error: unknown) => error);
  t.type(refused, BrokenPromisesError);
  t.match((refused as BrokenPromisesError).broken, [{ resource: 'tree-felling-permit.bpmn', message: /^تعهد کاتالوگ: مرحلهٔ «پرداخت هزینه» \(این خدمت هزینه دارد\) — در نمودار نیست/ }]);
  await t.rejects(client.createProcessInstance({ bpmnProcessId: 'tree-pruning', variables: {} }), /NOT_FOUND|not found/i, 'not even the sound diagram was deployed');
});
