// Serves the built front ends: the citizen portal at / and the staff
// workspace at /staff, their scripts, styles and fonts under /portal/.
// Registered from api/app.ts. The pages route themselves by the URL's hash,
// so a gateway's redirect back to /#/requests/<code> needs no server route.
import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance, FastifyReply } from 'fastify';
import fastifyStatic from '@fastify/static';
import { ensureBundle } from './build.ts';
import verifyPage from './verify-page.ts';

/** The municipality's mark for browser tabs and home screens: a green tile with a white dome. */
const favicon = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><rect width="64" height="64" rx="12" fill="#00703c"/><path d="M14 50h36v-4H14zm4-6h28V30a14 14 0 0 0-28 0zm13-28h2V8h-2z" fill="#fff"/></svg>`;

export interface PortalOptions {
  /** Skip building the front end, e.g. in API tests that never open a page. */
  skipBundle?: boolean;
}

export default async function portal(app: FastifyInstance, options: PortalOptions) {
  await app.register(verifyPage);
  const icon = async (_request: unknown, reply: FastifyReply) => reply.type('image/svg+xml').header('cache-control', 'public, max-age=86400').send(favicon);
  app.get('/favicon.svg', { schema: { hide: true } }, icon);
  app.get('/favicon.ico', { schema: { hide: true } }, icon);
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
