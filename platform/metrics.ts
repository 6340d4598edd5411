// Prometheus metrics of every process. prom-client's process-wide registry
// holds the runtime series (CPU, memory, heap, event loop delay, GC) and what
// the engine (engine/metrics.ts) and the workers (workers/metrics.ts) count;
// the API adds its own per-app series (api/plugins/app/metrics.ts) and serves
// all of them at /metrics on its port. `npm run engine` and `npm run workers`
// have no HTTP server of their own, so METRICS_PORT gives them one.
import http from 'node:http';
import { collectDefaultMetrics, register, type Registry } from 'prom-client';
import type { Logger } from './logger.ts';

export { register as processRegistry };

let collecting = false;
/** Starts the runtime series once per process (a second registration would throw). */
export function collectRuntimeMetrics(): void {
  if (collecting) return;
  collecting = true;
  collectDefaultMetrics({ register });
}

/** The text exposition of the process-wide series and of any `more` registries. */
export async function exposition(...more: Registry[]): Promise<string> {
  const texts = await Promise.all([register, ...more].map((registry) => registry.metrics()));
  return texts.map((text) => text.trimEnd()).filter(Boolean).join('\n') + '\n';
}

export const contentType = register.contentType;

/** A bare HTTP endpoint for processes without the API: GET /metrics, anything else 404. */
export async function serveMetrics(port: number, host: string, logger: Logger): Promise<{ port: number; close(): Promise<void> }> {
  collectRuntimeMetrics();
  const server = http.createServer((request, response) => {
    if (request.method !== 'GET' || request.url?.split('?')[0] !== '/metrics') {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    exposition().then(
      (text) => response.writeHead(200, { 'content-type': contentType }).end(text),
      (error: unknown) => {
        logger.error({ err: error }, 'metrics could not be collected');
        response.writeHead(500, { 'content-type': 'text/plain' }).end('metrics could not be collected\n');
      },
    );
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, host, () => resolve()));
  const bound = (server.address() as { port: number }).port;
  logger.info({ port: bound }, 'metrics at /metrics');
  return { port: bound, close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }) };
}
