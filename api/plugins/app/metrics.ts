// The API's Prometheus series, in a registry of this app (several apps in one
// test process count apart): HTTP requests by route pattern and status, and
// requests filed by service, district and channel. GET /metrics
// (routes/metrics.ts) serves them with the process-wide series
// (platform/metrics.ts: runtime, engine and workers under npm start) and the
// gauges read from PostgreSQL at scrape time.
import fp from 'fastify-plugin';
import { Counter, Histogram, Registry } from 'prom-client';
import { collectRuntimeMetrics } from '../../../platform/metrics.ts';

declare module 'fastify' {
  interface FastifyInstance {
    metrics: ApiMetrics;
  }
}

export interface ApiMetrics {
  registry: Registry;
  /** One request filed (not a replayed Idempotency-Key). */
  requestFiled(request: { service_id: string; district_id: number; channel: string }): void;
}

export default fp(async (app) => {
  collectRuntimeMetrics();
  const registry = new Registry();
  const http = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time to answer HTTP requests, by route and status.',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const filed = new Counter({
    name: 'shahrdari_requests_filed_total',
    help: 'Requests filed through this API process, by service, district and channel.',
    labelNames: ['service', 'district', 'channel'] as const,
    registers: [registry],
  });
  app.decorate('metrics', {
    registry,
    requestFiled: (request) => filed.inc({ service: request.service_id, district: String(request.district_id), channel: request.channel }),
  } satisfies ApiMetrics);
  app.addHook('onResponse', async (request, reply) => {
    // The route pattern, not the URL: tracking codes must not become label values.
    const route = request.routeOptions.url ?? 'unmatched';
    http.observe({ method: request.method, route, status: reply.statusCode }, reply.elapsedTime / 1000);
  });
}, { name: 'metrics' });
