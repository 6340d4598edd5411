// The modeler's routes on the API's context, a fresh database and a real
// engine over gRPC, with tokens for an analyst and a clerk.
import Fastify, { type FastifyBaseLogger } from 'fastify';
import fastifyJwt from '@fastify/jwt';
import pino from 'pino';
import { startEngine } from '../../engine/index.ts';
import { readConfig } from '../../platform/config.ts';
import { createZeebeClient } from '../../platform/zeebe.ts';
import context from '../../api/plugins/app/context.ts';
import problems from '../../api/plugins/app/problems.ts';
import modeler from '../../modeler/server.ts';
import { createTestDatabase } from '../helpers/database.ts';

const logger = pino({ level: 'silent' });

interface Teardown { teardown(fn: () => unknown): void }

export async function startModelerApi(test: Teardown, processesDirectory?: string) {
  const db = await createTestDatabase(test);
  const engine = await startEngine({ db, port: 0, logger });
  test.teardown(() => engine.stop());
  const config = readConfig({});
  const zeebe = createZeebeClient(config, engine.address, logger);
  test.teardown(() => zeebe.close(1_000).catch(() => undefined));
  const app = Fastify({ loggerInstance: logger as FastifyBaseLogger });
  await app.register(context, { config, db, zeebe });
  await app.register(problems);
  await app.register(fastifyJwt, { secret: 'modeler-test-secret' });
  await app.register(modeler, { skipBundle: true, processesDirectory });
  await app.ready();
  test.teardown(() => app.close());
  // Claims shaped like the API's staff sign-in gives (api/plugins/app/auth.ts).
  const bearer = (username: string, role: 'analyst' | 'clerk') => ({
    authorization: `Bearer ${app.jwt.sign({ kind: 'staff', sub: `staff-${username}`, username, name: username, role, districtId: null })}`,
  });
  return { app, db, zeebe, analyst: bearer('maryam', 'analyst'), clerk: bearer('reza', 'clerk') };
}
