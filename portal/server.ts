// Serves the built front ends: the citizen portal at / and the staff
// workspace at /staff, their scripts, styles and fonts under /portal/.
// Registered from api/app.ts. The pages route themselves by the URL's hash,
// so a gateway's redirect back to /#/requests/<code> needs no server route.
import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance, FastifyReply } from 'fastify';
import fastifyStatic from '@fastify/static';
import { ensureBundle } from './build.ts';

export interface PortalOptions {
  /** Skip building the front end, e.g. in API tests that never open a page. */
  skipBundle?: boolean;
}

export default async function portal(app: FastifyInstance, options: PortalOptions) {
  if (options.skipBundle) return;
  const bundle = await ensureBundle(app.log);
  await app.register(fastifyStatic, {
    root: bundle,
    prefix: '/portal/',
    decorateReply: false,
    index: false,
    // The bundle's directory name changes with its inputs; a reload after a rebuild picks the new one up.
    cacheControl: false,
  });
  const citizen = fs.readFileSync(path.join(bundle, 'citizen.html'));
  const staff = fs.readFileSync(path.join(bundle, 'staff.html'));
  const html = (page: Buffer) => async (_request: unknown, reply: FastifyReply) => reply.type('text/html; charset=utf-8').send(page);
  app.get('/', { schema: { hide: true } }, html(citizen));
  app.get('/staff', { schema: { hide: true } }, html(staff));
  app.get('/staff/', { schema: { hide: true } }, html(staff));
}
