// Open311 under /open311: service discovery (/open311/discovery.xml) and the
// GeoReport v2 endpoint (/open311/v2/services.xml …), every resource in XML
// and JSON. This scope owns what its clients see: errors in GeoReport's
// format (also for unknown paths, Fastify's own refusals and the API's input
// gate, which throws and so reaches this scope's error handler), the bodies
// GeoReport clients send (form-encoded, checked strictly, and the API's JSON;
// nothing else, so no XML is ever parsed), the api_keys and the
// jurisdictions.
import type { FastifyInstance } from 'fastify';
import open311Clients from '../../plugins/app/open311-clients.ts';
import discoveryRoute from './discovery.ts';
import { parseForm } from './form-body.ts';
import { formatOf } from './format.ts';
import { GeoReportError, geoReportErrorHandler, geoReportNotFound } from './georeport.ts';
import { checkRequestText } from './input.ts';
import { createJurisdictions, type Jurisdictions } from './jurisdictions.ts';
import postRequestRoute from './post-request.ts';
import requestRoutes from './requests.ts';
import serviceRoutes from './services.ts';

declare module 'fastify' {
  interface FastifyInstance {
    open311Jurisdictions: Jurisdictions;
  }
}

/** The path every Open311 route lives under; app.ts routes Fastify's early refusals here by it. */
export const open311Prefix = '/open311';

export function isOpen311Url(url: string): boolean {
  return url === open311Prefix || url.startsWith(`${open311Prefix}/`) || url.startsWith(`${open311Prefix}?`);
}

async function endpoint(app: FastifyInstance) {
  // discovery also answers here, where this endpoint's clients always found it.
  await app.register(discoveryRoute);
  await app.register(serviceRoutes);
  await app.register(requestRoutes);
  await app.register(postRequestRoute);
}

export default async function open311Routes(app: FastifyInstance) {
  app.setErrorHandler(geoReportErrorHandler);
  app.setNotFoundHandler(geoReportNotFound);
  // Only the bodies GeoReport clients send (form-encoded, and the API's JSON); anything else (XML, multipart, text) is a 415.
  for (const type of ['text/plain', 'multipart/form-data']) {
    if (app.hasContentTypeParser(type)) app.removeContentTypeParser(type);
  }
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'buffer' }, (_request, body, done) => {
    try {
      done(null, parseForm(body as Buffer));
    } catch (error) {
      done(error as Error, undefined);
    }
  });
  app.addHook('onRequest', async (request) => {
    const encoding = request.headers['content-encoding'];
    if (encoding && encoding.toLowerCase() !== 'identity') {
      throw new GeoReportError(415, `Content-Encoding ${encoding.slice(0, 20)}: send the body uncompressed — بدنه درخواست را بدون فشرده‌سازی بفرستید.`);
    }
  });
  // The specification writes formats in lower case; a client or a person typing requests.XML or services.Json means the same resource.
  app.addHook('onRequest', async (request) => {
    const { params } = request;
    if (params && typeof params === 'object' && 'format' in params && typeof params.format === 'string') params.format = params.format.toLowerCase();
  });
  app.addHook('preValidation', checkRequestText);
  // What anyone may read (discovery, services, requests) may be read by any web page too; nothing here uses cookies.
  app.addHook('onSend', async (request, reply) => {
    if (request.method === 'GET' || request.method === 'HEAD') reply.header('access-control-allow-origin', '*');
  });
  // Everything a GeoReport client sends is what people typed: digits in any script are folded (api/plugins/app/input-gate.ts).
  app.addHook('onRoute', (route) => { route.config = { normalise: ['query', 'params', 'body'], ...route.config }; });
  app.decorate('open311Jurisdictions', await createJurisdictions(app.db, app.config.open311Jurisdictions));
  // The api_keys are this module's alone, so their plugin lives in this scope.
  await app.register(open311Clients);
  await app.register(discoveryRoute);
  // /open311 itself: where a person or a client starting from the city's address finds the discovery document.
  app.get('/', { schema: { hide: true } }, async (request, reply) => reply.redirect(`${open311Prefix}/discovery.${formatOf(request)}`));
  await app.register(endpoint, { prefix: '/v2' });
}
