// Shared set-up for engine tests: an engine on a fresh test database and a
// zeebe-node client speaking to it over a real gRPC socket.
import pino from 'pino';
import { ZBClient } from 'zeebe-node';
import type { Knex } from 'knex';
import { startEngine, type EngineOptions, type RunningEngine } from '../../engine/index.ts';
import { closeWithoutTimers } from '../../platform/zeebe.ts';
import { createTestDatabase } from '../helpers/database.ts';
import { eventually } from '../helpers/eventually.ts';

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

// The diagram builders live in test/helpers/diagrams.ts; engine tests import them from here too.
export { bpmn, chain, flow, message, serviceTask, userTask } from '../helpers/diagrams.ts';

/** Resolves once a long poll (or a job stream) for `type` waits at the engine: from then on, a job of that type goes to it. */
export function waitingAtEngine(engine: RunningEngine, type: string, kind: 'pollers' | 'streams' = 'pollers'): Promise<true> {
  return eventually(`a ${kind === 'pollers' ? 'long poll' : 'job stream'} for ${type} waiting at the engine`, () => (engine.waitingWorkers()[type]?.[kind] ?? 0) > 0 || undefined, { intervalMs: 10 });
}

export async function deploy(client: ZBClient, xml: string, name = 'process.bpmn') {
  return client.deployResource({ name, process: Buffer.from(xml) });
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
