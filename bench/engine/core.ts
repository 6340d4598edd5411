// Engine core without gRPC: `npx tsx bench/engine/core.ts [instances]`.
// Same 10-task process, jobs completed straight through engine commands, so
// the number shows what the executor plus group commit sustain on their own,
// apart from the gateway and zeebe-node.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { createKnex, migrateToLatest } from '../../platform/database.ts';
import { startEmbeddedPostgres } from '../../platform/embedded-postgres.ts';
import { Engine } from '../../engine/runtime/engine.ts';
import { acquireEngineLock } from '../../engine/store/lock.ts';

const instances = Number(process.argv[2] ?? 2_000);
const tasks = 10;
const logger = pino({ level: 'warn' });
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'engine-core-'));
fs.chmodSync(dataDir, 0o777);
const server = await startEmbeddedPostgres({ dataDir: path.join(dataDir, 'pg'), logger, database: 'bench' });
try {
  const db = createKnex(server.url);
  await migrateToLatest(db);
  const lock = await acquireEngineLock(db);
  const engine = new Engine(db, logger, lock);
  await engine.load();
  const ids = ['start', ...Array.from({ length: tasks }, (_, i) => `t${i}`), 'end'];
  const xml = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="d" targetNamespace="x">
<bpmn:process id="core" isExecutable="true"><bpmn:startEvent id="start" />${Array.from({ length: tasks }, (_, i) => `<bpmn:serviceTask id="t${i}"><bpmn:extensionElements><zeebe:taskDefinition type="core-${i}" /></bpmn:extensionElements></bpmn:serviceTask>`).join('')}<bpmn:endEvent id="end" />
${ids.slice(1).map((id, i) => `<bpmn:sequenceFlow id="f${i}" sourceRef="${ids[i]}" targetRef="${id}" />`).join('')}</bpmn:process></bpmn:definitions>`;
  const prepared = await engine.deployments.prepare([{ name: 'core.bpmn', content: Buffer.from(xml) }]);
  await engine.command(() => engine.deployments.register(prepared, '<default>'));
  const definition = engine.deployments.latestProcess('core')!;
  const cpu0 = process.cpuUsage();
  const started = Date.now();
  await Promise.all(Array.from({ length: instances }, () => engine.command(() => engine.executor.createInstance(definition, { n: 1 }))));
  let completed = 0;
  // Workers: each round activates every type and completes all it got, each completion its own command.
  while (completed < instances * tasks) {
    const round: Array<Promise<unknown>> = [];
    for (let i = 0; i < tasks; i++) {
      const jobs = await engine.command(() => engine.jobs.activate({ type: `core-${i}`, worker: 'w', timeout: 60_000, fetchVariable: [], tenantIds: [] }, 64));
      for (const job of jobs) {
        round.push(engine.command(() => engine.jobs.complete(job.key, {})).then(() => completed++));
      }
    }
    await Promise.all(round);
  }
  const seconds = (Date.now() - started) / 1000;
  const cpu = process.cpuUsage(cpu0);
  console.log(JSON.stringify({
    instances, tasks, seconds, tasksPerSecond: Math.round(completed / seconds),
    cpuMsPerTask: Number(((cpu.user + cpu.system) / 1000 / completed).toFixed(3)),
  }));
  await engine.stop();
  await lock.release();
  await db.destroy();
} finally {
  await server.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
}
