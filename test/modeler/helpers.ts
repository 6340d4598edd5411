// The modeler's routes (api/routes/api/processes/) on the API's context and authentication (tokens
// checked against real accounts), a fresh database and a real engine over
// gRPC, with tokens for an analyst and a clerk.
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import pino from 'pino';
import type { Knex } from 'knex';
import type { ZBClient } from 'zeebe-node';
import { startEngine } from '../../engine/index.ts';
import { readConfig, type Config } from '../../platform/config.ts';
import { createZeebeClient } from '../../platform/zeebe.ts';
import context from '../../api/plugins/app/context.ts';
import { addIdentityFormats } from '../../platform/identity-formats.ts';
import problems from '../../api/plugins/app/problems.ts';
import securityHeaders from '../../api/plugins/app/security-headers.ts';
import jwt from '../../api/plugins/external/jwt.ts';
import sessions from '../../api/plugins/app/sessions.ts';
import rateLimits from '../../api/plugins/app/rate-limits.ts';
import auth, { type Role } from '../../api/plugins/app/auth.ts';
import processRoutes, { type ProcessRouteOptions } from '../../api/routes/api/processes/index.ts';
import { createTestDatabase } from '../helpers/database.ts';
import { createStaff } from '../api/helpers.ts';

const logger = pino({ level: 'silent' });

interface Teardown { teardown(fn: () => unknown): void }

/** A bare Fastify app with what the modeler needs from the API: its context, problem documents, security headers and authentication. */
export async function modelerHost(deps: { config: Config; db: Knex; zeebe: ZBClient }): Promise<FastifyInstance> {
  const app = Fastify({ loggerInstance: logger as FastifyBaseLogger, ajv: { plugins: [addIdentityFormats as never] } });
  await app.register(context, deps);
  await app.register(problems);
  await app.register(securityHeaders);
  await app.register(jwt, { config: deps.config });
  await app.register(sessions);
  await app.register(rateLimits);
  await app.register(auth);
  return app;
}

/** A staff account made in the database and signed in the way the API does it. */
export async function staffBearer(app: FastifyInstance, db: Knex, username: string, role: Role): Promise<{ authorization: string }> {
  await createStaff(db, username, role, role === 'clerk' ? 12 : null);
  const { token } = await app.auth.signInStaff(username, 'correct horse');
  return { authorization: `Bearer ${token}` };
}

export async function startModelerApi(test: Teardown, processesDirectory?: string, options: ProcessRouteOptions = {}) {
  const db = await createTestDatabase(test);
  const engine = await startEngine({ db, port: 0, logger });
  test.teardown(() => engine.stop());
  const config = readConfig({ JWT_SECRET: 'modeler-test-secret-of-at-least-32-characters' });
  const zeebe = createZeebeClient(config, engine.address, logger);
  test.teardown(() => zeebe.close(1_000).catch(() => undefined));
  const app = await modelerHost({ config, db, zeebe });
  await app.register(processRoutes, { prefix: '/api/processes', processesDirectory, ...options });
  await app.ready();
  test.teardown(() => app.close());
  return { app, db, zeebe, analyst: await staffBearer(app, db, 'maryam', 'analyst'), clerk: await staffBearer(app, db, 'reza', 'clerk') };
}
