// Builds the HTTP application as a plugin tree: third-party wiring first, then
// the domain's decorators, then the routes. Only bin/ listens.
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Knex } from 'knex';
import type { ZBClient } from 'zeebe-node';
import type { Config } from '../platform/config.ts';
import type { Logger } from '../platform/logger.ts';
import swagger from './plugins/external/swagger.ts';
import sensible from './plugins/external/sensible.ts';
import context from './plugins/app/context.ts';
import healthRoutes from './routes/health.ts';

export interface AppDependencies {
  config: Config;
  db: Knex;
  zeebe: ZBClient;
  logger: Logger;
}

export async function buildApp(deps: AppDependencies): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.logger.child({ component: 'api' }) as FastifyBaseLogger,
    bodyLimit: 1024 * 1024,
    disableRequestLogging: false,
  });
  await app.register(sensible);
  await app.register(swagger);
  await app.register(context, deps);
  await app.register(healthRoutes);
  await app.register(import('../modeler/server.ts'));
  return app;
}
