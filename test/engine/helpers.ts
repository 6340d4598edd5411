// Shared set-up for engine tests: an engine on a fresh test database and a
// zeebe-node client speaking to it over a real gRPC socket.
import pino from 'pino';
import { ZBClient } from 'zeebe-node';
import type { Knex } from 'knex';
import { startEngine, type EngineOptions, type RunningEngine } from '../../engine/index.ts';
import { closeWithoutTimers } from '../../platform/zeebe.ts';
import { createTestDatabase } from '../helpers/database.ts';

interface Teardown { teardown(fn: () => unknown): void }

export interface TestEngine { db: Knex; engine: RunningEngine; client: ZBClient }

export function newClient(t: Teardown, port: number): ZBClient {
  const client = new ZBClient(`localhost:${port}`, { useTLS: false, loglevel: 'NONE', retry: false, longPoll: 2_000 } as never);
  closeWithoutTimers(client);
  t.teardown(() => client.close(1_000).catch(() => undefined));
  return client;
}

export async function startTestEngine(t: Teardown, options: Pick<EngineOptions, 'clockPort'> = {}): Promise<TestEngine> {
  const db = await createTestDatabase(t);
  const engine = await startEngine({ db, port: 0, logger: pino({ level: process.env.ENGINE_LOG ?? 'silent' }), ...options });
  t.teardown(() => engine.stop());
  const client = newClient(t, engine.port);
  return { db, engine, client };
}

/** A BPMN file with one executable process; `roots` adds messages, errors and signals. */
export function bpmn(processId: string, body: string, roots = ''): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0"
  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="defs_${processId}" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="${processId}" isExecutable="true">
${body}
  </bpmn:process>
${roots}
</bpmn:definitions>`;
}

export const flow = (id: string, source: string, target: string, condition?: string) => condition
  ? `<bpmn:sequenceFlow id="${id}" sourceRef="${source}" targetRef="${target}"><bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">${condition.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')}</bpmn:conditionExpression></bpmn:sequenceFlow>`
  : `<bpmn:sequenceFlow id="${id}" sourceRef="${source}" targetRef="${target}" />`;

export const serviceTask = (id: string, type: string, extra = '') =>
  `<bpmn:serviceTask id="${id}"><bpmn:extensionElements><zeebe:taskDefinition type="${type}" />${extra}</bpmn:extensionElements></bpmn:serviceTask>`;

export const message = (id: string, name: string, correlationKey?: string) => correlationKey
  ? `<bpmn:message id="${id}" name="${name}"><bpmn:extensionElements><zeebe:subscription correlationKey="${correlationKey}" /></bpmn:extensionElements></bpmn:message>`
  : `<bpmn:message id="${id}" name="${name}" />`;

/** A chain start -> elements... -> end, flows named f0, f1, ... */
export function chain(processId: string, elements: Array<{ id: string; xml: string }>, roots = ''): string {
  const ids = ['start', ...elements.map((e) => e.id), 'end'];
  const flows = ids.slice(1).map((id, i) => flow(`f${i}`, ids[i]!, id)).join('\n');
  return bpmn(processId, `<bpmn:startEvent id="start" />\n${elements.map((e) => e.xml).join('\n')}\n<bpmn:endEvent id="end" />\n${flows}`, roots);
}

export async function deploy(client: ZBClient, xml: string, name = 'process.bpmn') {
  return client.deployResource({ name, process: Buffer.from(xml) });
}

/** Polls a condition (e.g. a row in the database) for up to `ms`. */
export async function eventually<T>(probe: () => Promise<T | undefined | null | false>, ms = 5_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Activates jobs of a type once, without a worker. */
export async function activate(client: ZBClient, type: string, max = 10, requestTimeout = 2_000, fetchVariable: string[] = [], jobTimeout = 60_000) {
  return new Promise<Array<Record<string, any>>>((resolve, reject) => {
    const jobs: Array<Record<string, any>> = [];
    const stream = (client as any).grpc.activateJobsStream({ type, worker: 'test', timeout: jobTimeout, maxJobsToActivate: max, requestTimeout, fetchVariable, tenantIds: [] });
    Promise.resolve(stream).then((s: any) => {
      s.on('data', (response: any) => jobs.push(...response.jobs.map((j: any) => ({ ...j, variables: JSON.parse(j.variables), customHeaders: JSON.parse(j.customHeaders) }))));
      s.on('end', () => resolve(jobs));
      s.on('error', reject);
    }, reject);
  });
}

/** A Camunda 8.8 client (@camunda8/sdk's Zeebe gRPC client) for the same engine. */
export async function newSdkClient(t: Teardown, port: number) {
  const { Zeebe } = await import('@camunda8/sdk');
  const client = new Zeebe.ZeebeGrpcClient({
    config: {
      ZEEBE_GRPC_ADDRESS: `localhost:${port}`, CAMUNDA_AUTH_STRATEGY: 'NONE', CAMUNDA_SECURE_CONNECTION: false,
      zeebeGrpcSettings: { ZEEBE_CLIENT_LOG_LEVEL: 'NONE', ZEEBE_GRPC_CLIENT_RETRY: false, ZEEBE_GRPC_WORKER_LONGPOLL_SECONDS: 2 },
    } as never,
  });
  t.teardown(() => client.close(1_000).catch(() => undefined));
  return client;
}
