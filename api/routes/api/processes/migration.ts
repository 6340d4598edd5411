// Moving running requests to a deployed version: where the requests of the
// version before it wait and what the proposal does with them, and the move
// itself with the analyst's mapping (domain/process-design/migration.ts).
import type { FastifyInstance } from 'fastify';
import { migrateRunning, migrationPlanFor } from '../../../../domain/process-design/migration.ts';
import { MappingBody, MigrationResults, MigrationView, Params, VersionNumber } from '../../../schemas/processes.ts';
import { problemRef } from '../../../schemas/problem.ts';
import { typed } from '../../../schemas/type-provider.ts';
import { editorsOnly, signedInEditor } from './access.ts';

export default async function migrationRoutes(fastify: FastifyInstance, { directory }: { directory: string }) {
  const app = typed(fastify);

  // The plan lists running requests by tracking code: for the analysts who move them, not for anyone who asks.
  app.get('/:id/migration', {
    onRequest: editorsOnly(fastify),
    schema: {
      tags: ['modeler'],
      security: [{ bearer: [] }],
      summary: 'Running requests of the version before a deployed one: where they wait, the proposed mapping (same id to itself) and which cannot move',
      params: Params,
      querystring: { type: 'object', additionalProperties: false, properties: { version: VersionNumber } },
      response: { 200: MigrationView, 401: problemRef, 403: problemRef, 404: problemRef, 409: problemRef },
    },
  }, async (request) => {
    const { target, source, plan } = await migrationPlanFor(app.db, directory, request.params.id, request.query.version);
    const { xml: _xml, ...sourceSummary } = source;
    return {
      target: { version: target.version, engineVersion: target.engineVersion, processDefinitionKey: target.processDefinitionKey! },
      source: sourceSummary,
      rows: plan.rows,
      targets: plan.targets,
      requests: plan.requests,
    };
  });

  app.post('/:id/migration', {
    onRequest: editorsOnly(fastify),
    schema: {
      tags: ['modeler'],
      security: [{ bearer: [] }],
      summary: 'Move running requests (all that can move, or the ones named) to a deployed version with the analyst\'s mapping; each moves whole or stays',
      params: Params,
      body: {
        type: 'object',
        required: ['mapping'],
        additionalProperties: false,
        properties: {
          version: VersionNumber,
          mapping: MappingBody,
          requests: { type: 'array', maxItems: 10_000, items: { type: 'string', format: 'uuid' } },
        },
      },
      response: { 200: MigrationResults, 401: problemRef, 403: problemRef, 404: problemRef, 409: problemRef },
    },
  }, async (request) => {
    const by = signedInEditor(request).username;
    const { id } = request.params;
    const { target, results } = await migrateRunning({ db: app.db, zeebe: app.zeebe, directory }, { id, ...request.body, by });
    request.log.info({ processId: id, version: target.version, migrated: results.filter((result) => result.migrated).length, by }, 'running requests migrated');
    return { results };
  });
}
