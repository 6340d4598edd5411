// Decorates the instance with what the routes use: the configuration, the
// database and the Zeebe client. Repositories build on these.
import fp from 'fastify-plugin';
import type { Knex } from 'knex';
import type { ZBClient } from 'zeebe-node';
import type { Config } from '../../../platform/config.ts';

declare module 'fastify' {
  interface FastifyInstance {
    config: Config;
    db: Knex;
    zeebe: ZBClient;
  }
}

export default fp<{ config: Config; db: Knex; zeebe: ZBClient }>(async (app, deps) => {
  app.decorate('config', deps.config);
  app.decorate('db', deps.db);
  app.decorate('zeebe', deps.zeebe);
}, { name: 'context' });
