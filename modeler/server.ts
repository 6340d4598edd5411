// The web modeler's page: the built front end at /modeler, registered from
// api/app.ts. Its routes are the API's, under /api/processes
// (api/routes/api/processes/).
import type { FastifyInstance } from 'fastify';
import fastifyStatic from '@fastify/static';
import { bundleDirectory, ensureBundle } from './build.ts';

export default async function modelerPage(app: FastifyInstance) {
  // The build (a second or two, more on a busy machine) runs beside the
  // start-up instead of inside it, where it could outlast Fastify's plugin
  // timeout; requests for the page wait for it.
  const built = ensureBundle(app.log);
  built.catch((error: unknown) => app.log.error({ err: error }, 'building the modeler front end failed'));
  await app.register(async (page) => {
    page.addHook('onRequest', async () => { await built; });
    await page.register(fastifyStatic, {
      // Known before the build: the folder is named after the build's inputs.
      root: bundleDirectory(),
      // It appears when the build finishes.
      suppressWarning: true,
      prefix: '/modeler/',
      // The API may register @fastify/static too; this instance keeps its reply decorators to itself.
      decorateReply: false,
      index: ['index.html'],
    });
    page.get('/modeler', { schema: { hide: true } }, (_request, reply) => reply.redirect('/modeler/'));
  });
}
