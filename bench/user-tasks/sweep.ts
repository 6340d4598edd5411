// What the stale-task sweep and the definition resolver cost on the embedded
// engine: N open tasks, one sweep asking about a batch of them (live), then
// the same after their instances are cancelled; and a task's first name
// lookup (XML read and parsed) beside a cached one.
// Run: npx tsx bench/user-tasks/sweep.ts [open tasks, default 400]
import pino from 'pino';
import { ZBClient } from 'zeebe-node';
import { startEngine } from '../../engine/index.ts';
import { createKnex, migrateToLatest } from '../../platform/database.ts';
import { startEmbeddedPostgres } from '../../platform/embedded-postgres.ts';
import type { Logger } from '../../platform/logger.ts';
import { createTaskDefinitionResolver } from '../../domain/user-tasks/definitions.ts';
import { userTaskWorkers } from '../../workers/user-tasks/index.ts';
import { sweepStaleTasks } from '../../domain/user-tasks/sweep.ts';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const open = Number(process.argv[2] ?? 400);
const logger = pino({ level: 'silent' }) as Logger;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-user-tasks-'));
const server = await startEmbeddedPostgres({ dataDir, logger, database: 'bench', settings: { fsync: 'off' } });
const db = createKnex(server.url);
try {
  await migrateToLatest(db);
  const engine = await startEngine({ db, port: 0, logger });
  const zeebe = new ZBClient(`localhost:${engine.port}`, { useTLS: false, loglevel: 'NONE', retry: false } as never);
  await zeebe.deployResource({ name: 'bench-review.bpmn', process: Buffer.from(`<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="d" targetNamespace="t">
  <bpmn:process id="bench-review" isExecutable="true">
    <bpmn:startEvent id="s" /><bpmn:userTask id="UserTask_Review" name="بررسی"><bpmn:extensionElements><zeebe:assignmentDefinition candidateGroups="district-12:clerk" /></bpmn:extensionElements></bpmn:userTask><bpmn:endEvent id="e" />
    <bpmn:sequenceFlow id="f0" sourceRef="s" targetRef="UserTask_Review" /><bpmn:sequenceFlow id="f1" sourceRef="UserTask_Review" targetRef="e" />
  </bpmn:process>
</bpmn:definitions>`) });
  const family = userTaskWorkers({ zeebe, db, logger, publicUrl: 'http://localhost' }, { sweepIntervalMs: 3_600_000 });
  const instances: string[] = [];
  for (let i = 0; i < open; i++) instances.push((await zeebe.createProcessInstance({ bpmnProcessId: 'bench-review', variables: {} })).processInstanceKey);
  while (Number((await db('user_tasks').count('* as n'))[0]!.n) < open) await new Promise((resolve) => setTimeout(resolve, 100));

  const time = async (what: string, run: () => Promise<{ asked: number; closed: string[] }>) => {
    const started = process.hrtime.bigint();
    const result = await run();
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    console.log(`${what}: asked ${result.asked}, closed ${result.closed.length} in ${ms.toFixed(1)} ms${result.asked ? ` (${(ms / result.asked).toFixed(2)} ms a task)` : ''}`);
  };
  await time(`sweep of ${open} live tasks, batch 100`, () => sweepStaleTasks({ db, zeebe, logger }, { recheckAfterMs: 0 }));
  await time('sweep with nothing due', () => sweepStaleTasks({ db, zeebe, logger }));
  for (const key of instances) await zeebe.cancelProcessInstance(key);
  await time(`sweep after all ${open} instances were cancelled, batch 100`, () => sweepStaleTasks({ db, zeebe, logger }, { recheckAfterMs: 0 }));

  const resolver = createTaskDefinitionResolver({ db });
  const task = await db('user_tasks').first();
  const job = { processDefinitionKey: task.process_definition_key, bpmnProcessId: 'approval', elementId: 'UserTask_Decide' };
  let started = process.hrtime.bigint();
  await resolver.resolve(job);
  console.log(`first name lookup (repository file read and parsed): ${(Number(process.hrtime.bigint() - started) / 1e6).toFixed(1)} ms`);
  started = process.hrtime.bigint();
  for (let i = 0; i < 1000; i++) await resolver.resolve(job);
  console.log(`cached lookup: ${(Number(process.hrtime.bigint() - started) / 1e6 / 1000).toFixed(3)} ms`);

  await family.close();
  await zeebe.close(1_000);
  await engine.stop();
} finally {
  await db.destroy();
  await server.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
  fs.rmSync(`${dataDir}.password`, { force: true });
}
