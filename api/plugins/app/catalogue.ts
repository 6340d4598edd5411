// The service catalogue at run time (domain/catalogue/service-catalogue.ts) on
// the instance; pilot districts offer every service once the app is ready.
import fp from 'fastify-plugin';
import { createCatalogueService, defaultCatalogueSource, type CatalogueService, type CatalogueSource } from '../../../domain/catalogue/service-catalogue.ts';

declare module 'fastify' {
  interface FastifyInstance {
    catalogue: CatalogueService;
  }
}

export default fp<{ source?: CatalogueSource }>(async (app, options) => {
  const catalogue = createCatalogueService(app.db, options.source ?? defaultCatalogueSource());
  app.decorate('catalogue', catalogue);
  app.addHook('onReady', () => catalogue.enablePilots());
}, { name: 'catalogue', dependencies: ['context', 'problems'] });
