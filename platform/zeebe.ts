// The one place that constructs a Zeebe client. Everything else receives it.
import type { Client as GrpcClient, Metadata } from '@grpc/grpc-js';
import protobuf from 'protobufjs';
import { ZBClient, type ZBClientOptions } from 'zeebe-node';
import fs from 'node:fs';
import { ConfigError, type Config } from './config.ts';
import type { Logger } from './logger.ts';

export type { ZBClient };

/** zeebe-node hands its logger JSON strings; pass them on to pino at the same level. */
function zeebeLogger(logger: Logger): NonNullable<ZBClientOptions['stdout']> {
  const forward = (level: 'debug' | 'info' | 'error') => (message: string) => {
    try {
      const parsed = JSON.parse(message) as { message?: string };
      logger[level]({ zeebe: parsed }, parsed.message ?? 'zeebe-node');
    } catch {
      logger[level](message);
    }
  };
  return { debug: forward('debug'), info: forward('info'), error: forward('error') };
}

/** How hard a client tries again when the gateway is unreachable or pushes back. */
export interface RetryPolicy { maxRetries: number; maxRetryTimeoutMs: number }

/**
 * For calls a person waits on (the API): a few quick tries, then the error.
 * zeebe-node's default retries for ever, which during an engine outage holds
 * an HTTP request open until the client gives up, with no answer.
 */
export const whileSomeoneWaits: RetryPolicy = { maxRetries: 3, maxRetryTimeoutMs: 1000 };

/**
 * Creates a client for `address` (host:port). With ZEEBE_ADDRESS set, the
 * TLS (custom certificate authority, client certificate for mutual TLS) and
 * OAuth (scope included) / basic-auth / Camunda SaaS settings of the
 * configuration apply; the embedded engine is plaintext on loopback.
 */
export function createZeebeClient(config: Config, address: string, logger: Logger, retry?: RetryPolicy): ZBClient {
  const options: ZBClientOptions = {
    stdout: zeebeLogger(logger.child({ component: 'zeebe-client' })),
    loglevel: config.LOG_LEVEL === 'debug' || config.LOG_LEVEL === 'trace' ? 'DEBUG' : 'INFO',
    useTLS: false,
    ...(retry ? { maxRetries: retry.maxRetries, maxRetryTimeout: retry.maxRetryTimeoutMs } : {}),
  };
  if (config.ZEEBE_ADDRESS) {
    options.useTLS = config.ZEEBE_SECURE_CONNECTION;
    const tls = gatewayTls(config);
    if (tls.rootCerts || tls.certChain) options.customSSL = tls;
    if (config.CAMUNDA_CLUSTER_ID && config.ZEEBE_CLIENT_ID && config.ZEEBE_CLIENT_SECRET) {
      options.camundaCloud = {
        clusterId: config.CAMUNDA_CLUSTER_ID,
        clusterRegion: config.CAMUNDA_CLUSTER_REGION,
        clientId: config.ZEEBE_CLIENT_ID,
        clientSecret: config.ZEEBE_CLIENT_SECRET,
      };
    } else if (config.ZEEBE_CLIENT_ID && config.ZEEBE_CLIENT_SECRET && config.ZEEBE_AUTHORIZATION_SERVER_URL) {
      options.oAuth = {
        url: config.ZEEBE_AUTHORIZATION_SERVER_URL,
        audience: config.ZEEBE_TOKEN_AUDIENCE ?? address.split(':')[0]!,
        ...(config.ZEEBE_TOKEN_SCOPE ? { scope: config.ZEEBE_TOKEN_SCOPE } : {}),
        clientId: config.ZEEBE_CLIENT_ID,
        clientSecret: config.ZEEBE_CLIENT_SECRET,
        // The token endpoint is often signed by the same in-house authority as the gateway.
        ...(tls.rootCerts ? { customRootCert: tls.rootCerts } : {}),
        cacheOnDisk: false,
      };
    } else if (config.ZEEBE_BASIC_AUTH_USERNAME) {
      if (!config.ZEEBE_BASIC_AUTH_PASSWORD) throw new ConfigError('invalid configuration: ZEEBE_BASIC_AUTH_USERNAME is set without ZEEBE_BASIC_AUTH_PASSWORD');
      options.basicAuth = { username: config.ZEEBE_BASIC_AUTH_USERNAME, password: config.ZEEBE_BASIC_AUTH_PASSWORD };
    }
  }
  const client = new ZBClient(address, options);
  closeWithoutTimers(client);
  return client;
}

/** zeebe-node 8.3.2's internals used below (the version is pinned in package.json). */
interface ChannelTimers { readyTimer?: NodeJS.Timeout; failTimer?: NodeJS.Timeout }
interface WorkerInternals {
  jobStream?: { cancel(): void; emit(event: 'end'): boolean };
  grpcClient: ChannelTimers;
  close(timeout?: number): Promise<unknown>;
}

/**
 * zeebe-node 8.3.2 keeps a closed client's process alive: it closes a
 * worker's channel and then cancels its open long poll, but its own
 * interceptor swallows the CANCELLED status while closing, so the stream never
 * ends and the client-side timeout it set for that poll (longPoll + 1 s, 31 s
 * by default) keeps running; and each call leaves a 3-second "channel ready"
 * debounce timer. Once a worker has closed (its handlers done, so a job
 * arriving on the poll until then is still seen), its last poll is cancelled
 * and ended the way zeebe-node's own timeout ends it, which clears that timer,
 * and the debounce timers of a closed worker or client are cleared.
 */
export function closeWithoutTimers(client: ZBClient): void {
  const quiet = (channel: ChannelTimers) => {
    clearTimeout(channel.readyTimer);
    clearTimeout(channel.failTimer);
  };
  const createWorker = client.createWorker.bind(client) as unknown as (...args: unknown[]) => WorkerInternals;
  client.createWorker = ((...args: unknown[]) => {
    const worker = createWorker(...args);
    const close = worker.close.bind(worker);
    worker.close = (timeout) => {
      const open = worker.jobStream;
      return close(timeout).finally(() => {
        for (const poll of new Set([open, worker.jobStream])) {
          poll?.cancel();
          poll?.emit('end');
        }
        quiet(worker.grpcClient);
      });
    };
    return worker;
  }) as unknown as ZBClient['createWorker'];
  const closeClient = client.close.bind(client);
  client.close = (timeout) => closeClient(timeout).finally(() => quiet((client as unknown as { grpc: ChannelTimers }).grpc));
}

/** The certificate files the configuration names, read once; a wrong one stops the start naming its variable. */
function gatewayTls(config: Config): { rootCerts?: Buffer; certChain?: Buffer; privateKey?: Buffer } {
  const read = (variable: 'ZEEBE_CA_CERTIFICATE_PATH' | 'ZEEBE_CLIENT_CERTIFICATE_PATH' | 'ZEEBE_CLIENT_PRIVATE_KEY_PATH') => {
    const file = config[variable];
    if (!file) return undefined;
    if (!config.ZEEBE_SECURE_CONNECTION) throw new ConfigError(`invalid configuration: ${variable} is set but ZEEBE_SECURE_CONNECTION is not true`);
    try {
      return fs.readFileSync(file);
    } catch (error) {
      throw new ConfigError(`invalid configuration: ${variable}=${JSON.stringify(file)} cannot be read (${(error as NodeJS.ErrnoException).code})`);
    }
  };
  const tls = { rootCerts: read('ZEEBE_CA_CERTIFICATE_PATH'), certChain: read('ZEEBE_CLIENT_CERTIFICATE_PATH'), privateKey: read('ZEEBE_CLIENT_PRIVATE_KEY_PATH') };
  if (Boolean(tls.certChain) !== Boolean(tls.privateKey)) {
    throw new ConfigError('invalid configuration: mutual TLS needs both ZEEBE_CLIENT_CERTIFICATE_PATH and ZEEBE_CLIENT_PRIVATE_KEY_PATH');
  }
  return tls;
}

/** Engine status for /health: the gateway answers Topology within `timeoutMs`. */
export async function engineStatus(zeebe: ZBClient, timeoutMs = 2000): Promise<{ ok: boolean; brokers?: number; error?: string }> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const topology = await Promise.race([
      zeebe.topology(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return { ok: true, brokers: topology.brokers.length };
  } catch (error) {
    return { ok: false, error: (error as Error).message };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * A Camunda 8.8 gateway RPC that zeebe-node 8.3 predates, sent on the client's
 * own gRPC channel with its own credentials (TLS, OAuth token, basic auth), so
 * it reaches whatever gateway the client does. Rejects as the gateway answers.
 */
async function call88(zeebe: ZBClient, method: string, type: protobuf.Type, request: Record<string, unknown>): Promise<void> {
  // zeebe-node 8.3.2's unary-call client (the version is pinned in package.json).
  const grpc = (zeebe as unknown as { grpc: { client: GrpcClient; getAuthToken(): Promise<Metadata> } }).grpc;
  const metadata = await grpc.getAuthToken();
  await new Promise<void>((resolve, reject) => {
    grpc.client.makeUnaryRequest(
      `/gateway_protocol.Gateway/${method}`,
      (message: Record<string, unknown>) => Buffer.from(type.encode(type.fromObject(message)).finish()),
      () => ({}),
      request,
      metadata,
      { deadline: Date.now() + 10_000 },
      (error) => (error ? reject(error) : resolve()),
    );
  });
}

/** The 8.8 request messages used here, as gateway.proto (Camunda 8.8) defines them. */
const protocol88 = protobuf.Root.fromJSON({
  nested: {
    UpdateJobTimeoutRequest: { fields: { jobKey: { type: 'int64', id: 1 }, timeout: { type: 'int64', id: 2 } } },
    MigrateProcessInstanceRequest: {
      fields: { processInstanceKey: { type: 'int64', id: 1 }, migrationPlan: { type: 'MigrationPlan', id: 2 } },
      nested: {
        MigrationPlan: { fields: { targetProcessDefinitionKey: { type: 'int64', id: 1 }, mappingInstructions: { type: 'MappingInstruction', id: 2, rule: 'repeated' } } },
        MappingInstruction: { fields: { sourceElementId: { type: 'string', id: 1 }, targetElementId: { type: 'string', id: 2 } } },
      },
    },
  },
});

/**
 * Camunda 8.8's UpdateJobTimeout: the activated job's deadline becomes now +
 * `timeoutMs`. NOT_FOUND (code 5) when the job is gone.
 */
export async function updateJobTimeout(zeebe: ZBClient, jobKey: string, timeoutMs: number): Promise<void> {
  await call88(zeebe, 'UpdateJobTimeout', protocol88.lookupType('UpdateJobTimeoutRequest'), { jobKey, timeout: timeoutMs });
}

export interface MigrationPlan {
  processInstanceKey: string;
  targetProcessDefinitionKey: string;
  /** Source element id → target element id, for every element the instance is active in. */
  mappingInstructions: Array<{ sourceElementId: string; targetElementId: string }>;
}

/**
 * Camunda 8.8's MigrateProcessInstance: the instance moves to the target
 * definition whole, or is refused untouched (FAILED_PRECONDITION, code 9,
 * with the reason; INVALID_ARGUMENT, code 3, for a plan naming elements that
 * do not exist; NOT_FOUND, code 5, for an instance or definition that does not).
 */
export async function migrateProcessInstance(zeebe: ZBClient, plan: MigrationPlan): Promise<void> {
  await call88(zeebe, 'MigrateProcessInstance', protocol88.lookupType('MigrateProcessInstanceRequest'), {
    processInstanceKey: plan.processInstanceKey,
    migrationPlan: { targetProcessDefinitionKey: plan.targetProcessDefinitionKey, mappingInstructions: plan.mappingInstructions },
  });
}

/** The gateway's answer for a job (or element) it no longer has: gRPC NOT_FOUND, from Zeebe and our engine alike. */
export function isNotFound(error: unknown): boolean {
  return (error as { code?: number }).code === 5 || /NOT_FOUND/.test((error as Error | undefined)?.message ?? '');
}
