// zbctl, Camunda's Go CLI, against the engine: status, deploy, create instance.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import t from 'tap';
import { activate, chain, serviceTask, startTestEngine } from './helpers.ts';

const zbctl = fileURLToPath(new URL('../../node_modules/.bin/zbctl', import.meta.url));
const run = promisify(execFile);
const { engine, client } = await startTestEngine(t);
const cli = (...args: string[]) => run(zbctl, ['--insecure', '--address', `localhost:${engine.port}`, ...args], { timeout: 20_000 });

t.test('zbctl status, deploy and create instance', async (t) => {
  const status = await cli('status');
  t.match(status.stdout, /Cluster size: 1/);
  t.match(status.stdout, /Partition 1 : Leader, Healthy/);

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zbctl-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'cli.bpmn');
  fs.writeFileSync(file, chain('cli-process', [{ id: 'work', xml: serviceTask('work', 'cli-work') }]));
  const deployed = JSON.parse((await cli('deploy', file)).stdout);
  t.equal(deployed.processes[0].bpmnProcessId, 'cli-process', 'zbctl deploys through DeployProcess');

  const created = JSON.parse((await cli('create', 'instance', 'cli-process', '--variables', '{"from":"zbctl"}')).stdout);
  t.ok(created.processInstanceKey);
  const [job] = await activate(client, 'cli-work');
  t.equal(job!.variables.from, 'zbctl');
  await cli('complete', 'job', String(job!.key));
  await t.rejects(cli('create', 'instance', 'no-such-process'), 'unknown process fails');
});
