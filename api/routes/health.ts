import type { FastifyInstance } from 'fastify';
import { engineStatus } from '../../platform/zeebe.ts';

const Component = {
  type: 'object',
  required: ['ok'],
  properties: { ok: { type: 'boolean' }, error: { type: 'string' }, brokers: { type: 'integer' } },
} as const;

const HealthReport = {
  type: 'object',
  required: ['status', 'database', 'engine'],
  properties: {
    status: { type: 'string', enum: ['ok', 'degraded'] },
    database: Component,
    engine: Component,
  },
} as const;

async function databaseStatus(app: FastifyInstance): Promise<{ ok: boolean; error?: string }> {
  try {
    await app.db.raw('select 1');
    return { ok: true };
  } catch (error) {
    return { ok: false, error: (error as Error).message };
  }
}

export default async function healthRoutes(app: FastifyInstance) {
  app.get('/health', {
    schema: {
      tags: ['operations'],
      summary: 'Whether the database and the engine answer',
      response: { 200: HealthReport, 503: HealthReport },
    },
  }, async (_request, reply) => {
    const [database, engine] = await Promise.all([databaseStatus(app), engineStatus(app.zeebe)]);
    const ok = database.ok && engine.ok;
    return reply.code(ok ? 200 : 503).send({ status: ok ? 'ok' : 'degraded', database, engine });
  });
}
