// The one place that constructs a Zeebe client. Everything else receives it.
import type { Client as GrpcClient, Metadata } from '@grpc/grpc-js';
import protobuf from 'protobufjs';
import { ZBClient, type ZBClientOptions } from 'zeebe-node';
import type { Config } from './config.ts';
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
 * TLS and OAuth / Camunda SaaS settings of the configuration apply; the
 * embedded engine is plaintext on loopback.
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
        clientId: config.ZEEBE_CLIENT_ID,
        clientSecret: config.ZEEBE_CLIENT_SECRET,
        cacheOnDisk: false,
      };
    }
  }
  return new ZBClient(address, options);
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
 * Camunda 8.8's UpdateJobTimeout (zeebe-node 8.3 predates it): the activated
 * job's deadline becomes now + `timeoutMs`. Sent on the client's own gRPC
 * channel, with its own credentials (TLS, OAuth token, basic auth), so it
 * reaches whatever gateway the client does. Rejects as the gateway answers:
 * NOT_FOUND (code 5) when the job is gone.
 */
export async function updateJobTimeout(zeebe: ZBClient, jobKey: string, timeoutMs: number): Promise<void> {
  // zeebe-node 8.3.2's unary-call client (the version is pinned in package.json).
  const grpc = (zeebe as unknown as { grpc: { client: GrpcClient; getAuthToken(): Promise<Metadata> } }).grpc;
  const metadata = await grpc.getAuthToken();
  await new Promise<void>((resolve, reject) => {
    grpc.client.makeUnaryRequest(
      '/gateway_protocol.Gateway/UpdateJobTimeout',
      (request: { jobKey: string; timeout: number }) => Buffer.from(UpdateJobTimeoutRequest.encode(UpdateJobTimeoutRequest.fromObject(request)).finish()),
      () => ({}),
      { jobKey, timeout: timeoutMs },
      metadata,
      { deadline: Date.now() + 10_000 },
      (error) => (error ? reject(error) : resolve()),
    );
  });
}

/** The one 8.8 request message used here, as gateway.proto (Camunda 8.8) defines it. */
const UpdateJobTimeoutRequest = protobuf.Type.fromJSON('UpdateJobTimeoutRequest', {
  fields: { jobKey: { type: 'int64', id: 1 }, timeout: { type: 'int64', id: 2 } },
});
