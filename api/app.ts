// Builds the HTTP application as a plugin tree: third-party wiring first, then
// the domain's decorators, then the routes. Only bin/ listens.
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Knex } from 'knex';
import type { ZBClient } from 'zeebe-node';
import type { Config } from '../platform/config.ts';
import type { Logger } from '../platform/logger.ts';
import { addIdentityFormats } from '../platform/identity-formats.ts';
import swagger from './plugins/external/swagger.ts';
import sensible from './plugins/external/sensible.ts';
import jwt from './plugins/external/jwt.ts';
import rateLimit from './plugins/external/rate-limit.ts';
import multipart from './plugins/external/multipart.ts';
import context from './plugins/app/context.ts';
import problems, { clientErrorHandler, frameworkErrors } from './plugins/app/problems.ts';
import inputGate from './plugins/app/input-gate.ts';
import securityHeaders, { hstsFor, setSecurityHeaders } from './plugins/app/security-headers.ts';
import sessions from './plugins/app/sessions.ts';
import rateLimits from './plugins/app/rate-limits.ts';
import auth from './plugins/app/auth.ts';
import demoSeed from './plugins/app/demo-seed.ts';
import catalogue from './plugins/app/catalogue.ts';
import type { CatalogueSource } from '../domain/catalogue/service-catalogue.ts';
import requests from './plugins/app/requests.ts';
import startQueue from './plugins/app/start-queue.ts';
import startSweeper from './plugins/app/start-sweeper.ts';
import documents from './plugins/app/documents.ts';
import tasks from './plugins/app/tasks.ts';
import metrics from './plugins/app/metrics.ts';
import payments from './plugins/app/payments.ts';
import { sandboxGatewayPlugin } from './routes/sandbox-gateway/index.ts';
import healthRoutes from './routes/health.ts';
import metricsRoutes from './routes/metrics.ts';
import authRoutes from './routes/api/auth/index.ts';
import serviceRoutes from './routes/api/services/index.ts';
import districtRoutes from './routes/api/districts/index.ts';
import requestRoutes from './routes/api/requests/index.ts';
import documentRoutes from './routes/api/requests/documents/index.ts';
import taskRoutes from './routes/api/tasks/index.ts';
import citizenRoutes from './routes/api/citizens/index.ts';
import figureRoutes from './routes/api/figures/index.ts';
import staffRoutes from './routes/api/staff/index.ts';
import simulationRoutes from './routes/api/simulations/index.ts';
import open311Routes, { isOpen311Url, open311Prefix } from './routes/open311/index.ts';
import { geoReportErrorHandler } from './routes/open311/georeport.ts';
import paymentRoutes from './routes/api/payments/index.ts';
import requestPaymentRoutes from './routes/api/requests/payments/index.ts';
import appointmentRoutes from './routes/api/requests/appointment/index.ts';
import requestCertificateRoutes from './routes/api/requests/certificate/index.ts';
import certificateVerificationRoutes from './routes/api/certificates/index.ts';
import appointmentDayRoutes from './routes/api/appointments/index.ts';
import processRoutes from './routes/api/processes/index.ts';

export interface AppDependencies {
  config: Config;
  db: Knex;
  zeebe: ZBClient;
  logger: Logger;
  /** The catalogue; processes/catalogue and processes/forms unless given. */
  catalogue?: CatalogueSource;
}

/** Fastify's trustProxy for `hops` proxies (its typings take no number; proxy-addr counts hops from 0). */
const hopsTrusted = (hops: number) => (_address: string, hop: number) => hop < hops;

export async function buildApp(deps: AppDependencies): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.logger.child({ component: 'api' }) as FastifyBaseLogger,
    bodyLimit: 1024 * 1024,
    // Behind a load balancer every client would otherwise share its address, and one rate limit.
    trustProxy: typeof deps.config.trustProxy === 'number' ? hopsTrusted(deps.config.trustProxy) : deps.config.trustProxy,
    // Fastify's 10 s default for a plugin or an onReady hook is a deadlock
    // detector; on a busy machine starting several processes at once, honest
    // start-up work (the catalogue's form schemas, the demo seed) came close.
    pluginTimeout: 60_000,
    // Errors before any route, as problem documents like every other; Open311's clients read GeoReport errors.
    frameworkErrors: (error, request, reply) => {
      setSecurityHeaders(reply, request.url, { hsts: hstsFor(deps.config.publicUrl) });
      return isOpen311Url(request.url) ? geoReportErrorHandler(error, request, reply) : frameworkErrors(error, request, reply);
    },
    clientErrorHandler,
    ajv: {
      // Every failing field at once, so a form shows all its mistakes together.
      customOptions: { allErrors: true },
      plugins: [addIdentityFormats as never],
    },
  });
  await app.register(sensible);
  await app.register(swagger);
  await app.register(jwt, { config: deps.config });
  await app.register(multipart);
  await app.register(context, deps);
  await app.register(problems);
  await app.register(securityHeaders);
  await app.register(rateLimits);
  await app.register(rateLimit);
  await app.register(metrics);
  await app.register(inputGate);
  await app.register(sessions);
  await app.register(auth);
  await app.register(demoSeed);
  await app.register(catalogue, { source: deps.catalogue });
  await app.register(requests);
  await app.register(startQueue);
  await app.register(startSweeper);
  await app.register(documents);
  await app.register(tasks);
  await app.register(payments);
  await app.register(healthRoutes);
  await app.register(metricsRoutes);
  await app.register(authRoutes, { prefix: '/api/auth' });
  await app.register(serviceRoutes, { prefix: '/api/services' });
  await app.register(districtRoutes, { prefix: '/api/districts' });
  await app.register(requestRoutes, { prefix: '/api/requests' });
  await app.register(documentRoutes, { prefix: '/api/requests/:trackingCode/documents' });
  await app.register(taskRoutes, { prefix: '/api/tasks' });
  await app.register(citizenRoutes, { prefix: '/api/citizens' });
  await app.register(figureRoutes, { prefix: '/api/figures' });
  await app.register(staffRoutes, { prefix: '/api/staff' });
  await app.register(simulationRoutes, { prefix: '/api/simulations' });
  await app.register(open311Routes, { prefix: open311Prefix });
  await app.register(requestPaymentRoutes, { prefix: '/api/requests/:trackingCode/payments' });
  await app.register(paymentRoutes, { prefix: '/api/payments' });
  await app.register(appointmentRoutes, { prefix: '/api/requests/:trackingCode/appointment' });
  await app.register(appointmentDayRoutes, { prefix: '/api/appointments' });
  await app.register(requestCertificateRoutes, { prefix: '/api/requests/:trackingCode/certificate' });
  await app.register(certificateVerificationRoutes, { prefix: '/api/certificates' });
  // The workers' stand-in bank (no money moves); their default gateway until a real one is configured.
  await app.register(sandboxGatewayPlugin, { prefix: '/sandbox-gateway', db: deps.db });
  await app.register(processRoutes, { prefix: '/api/processes' });
  await app.register(import('../modeler/server.ts'));
  await app.register(import('../portal/server.ts'));
  return app;
}
