// Request rate limits (@fastify/rate-limit), off by default and switched on by
// the routes that need them (sign-in). Runs after the body is parsed so a
// route may key its limit on a field such as the mobile number. The counters
// live in PostgreSQL (plugins/app/rate-limits.ts), not in this process, so a
// limit holds across every API process behind the load balancer.
import fp from 'fastify-plugin';
import rateLimit from '@fastify/rate-limit';
import type { RateLimits } from '../app/rate-limits.ts';
import { ApiProblem } from '../app/problems.ts';
import { persianDigits } from '../../../platform/persian.ts';

type Callback = (error: Error | null, result?: { current: number; ttl: number }) => void;
interface RouteParams { routeInfo?: { method?: string | string[]; url?: string } }

/** @fastify/rate-limit's store interface over the shared counters; each route counts under its own scope. */
function postgresStore(limits: RateLimits) {
  return class PostgresStore {
    constructor(_params: unknown, private readonly scope = 'global') {}

    incr(key: string, callback: Callback, timeWindow: number) {
      limits.hit(`${this.scope}|${key}`, timeWindow).then((count) => callback(null, count), (error: Error) => callback(error));
    }

    read(key: string, callback: Callback) {
      limits.read(`${this.scope}|${key}`).then((count) => callback(null, count), (error: Error) => callback(error));
    }

    /** Called with the route's merged limit options, its route under `routeInfo` (the published types say otherwise). */
    child(params: unknown) {
      const route = (params as RouteParams).routeInfo;
      return new PostgresStore(params, route?.url ? `${[route.method].flat().join(',')} ${route.url}` : this.scope);
    }
  };
}

export default fp(async (app) => {
  await app.register(rateLimit, {
    global: false,
    hook: 'preHandler',
    store: postgresStore(app.rateLimits),
    errorResponseBuilder: (_request, context) => new ApiProblem(429, 'too-many-requests',
      `Too many requests; try again in ${context.after}.`,
      `تعداد درخواست‌ها بیش از حد مجاز است؛ ${persianDigits(Math.max(1, Math.ceil(context.ttl / 60_000)))} دقیقه دیگر دوباره تلاش کنید.`),
  });
}, { name: 'rate-limit', dependencies: ['rate-limits', 'problems'] });
