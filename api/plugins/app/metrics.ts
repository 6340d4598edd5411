// Prometheus metrics without a client library: HTTP requests counted and
// timed by route and status, in the text exposition format. Domain gauges
// (unstarted requests, open tasks) are read from PostgreSQL at scrape time.
import fp from 'fastify-plugin';

declare module 'fastify' {
  interface FastifyInstance {
    metrics: HttpMetrics;
  }
}

const buckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

interface Series { method: string; route: string; status: number; count: number; sum: number; buckets: number[] }

export class HttpMetrics {
  private readonly series = new Map<string, Series>();

  observe(method: string, route: string, status: number, seconds: number): void {
    // A plain string key: this runs on every response, so no JSON round trip.
    const key = `${method} ${status} ${route}`;
    let series = this.series.get(key);
    if (!series) this.series.set(key, series = { method, route, status, count: 0, sum: 0, buckets: buckets.map(() => 0) });
    series.count++;
    series.sum += seconds;
    buckets.forEach((bound, index) => { if (seconds <= bound) series.buckets[index]!++; });
  }

  render(): string {
    const lines = [
      '# HELP http_request_duration_seconds Time to answer HTTP requests, by route and status.',
      '# TYPE http_request_duration_seconds histogram',
    ];
    const escape = (value: string) => value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
    for (const series of this.series.values()) {
      const labels = `method="${escape(series.method)}",route="${escape(series.route)}",status="${series.status}"`;
      buckets.forEach((bound, index) => lines.push(`http_request_duration_seconds_bucket{${labels},le="${bound}"} ${series.buckets[index]}`));
      lines.push(`http_request_duration_seconds_bucket{${labels},le="+Inf"} ${series.count}`);
      lines.push(`http_request_duration_seconds_sum{${labels}} ${series.sum}`);
      lines.push(`http_request_duration_seconds_count{${labels}} ${series.count}`);
    }
    return `${lines.join('\n')}\n`;
  }
}

export default fp(async (app) => {
  const metrics = new HttpMetrics();
  app.decorate('metrics', metrics);
  app.addHook('onResponse', async (request, reply) => {
    // The route pattern, not the URL: tracking codes must not become label values.
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.observe(request.method, route, reply.statusCode, reply.elapsedTime / 1000);
  });
}, { name: 'metrics' });
