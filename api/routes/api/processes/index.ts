// The analysts' diagrams under /api/processes: the list the modeler opens,
// the element templates of our workers, a diagram (latest saved, else the
// repository's file), its versions, and saving a new one (analysts only).
// The deploy review and deployment, migrating running requests, and forms
// are the sibling files; all work on domain/process-design/.
import type { FastifyInstance } from 'fastify';
import { listProcesses } from '../../../../domain/process-design/catalogue.ts';
import { diagramOf, diagramVersion, saveDiagram } from '../../../../domain/process-design/diagrams.ts';
import { elementTemplates, type JobContract } from '../../../../domain/process-design/element-templates.ts';
import { listVersions, savedProcesses } from '../../../../domain/process-design/versions.ts';
import { processesDirectory } from '../../../../platform/deployment.ts';
import { Diagram, LintIssue, Params, ProcessId, VersionNumber, VersionSummary } from '../../../schemas/processes.ts';
import { problemRef } from '../../../schemas/problem.ts';
import { typed } from '../../../schemas/type-provider.ts';
import { editorOf, editorsOnly, signedInEditor } from './access.ts';
import deploymentRoutes from './deployment.ts';
import formRoutes from './forms/index.ts';
import migrationRoutes from './migration.ts';

export interface ProcessRouteOptions {
  /**
   * The job contracts to offer as element templates; the catalogue's
   * (processes/catalogue/contract.ts) unless given, e.g. by a test.
   */
  jobContracts?: JobContract[];
  /** Where the diagrams, the catalogue and .bpmnlintrc live; processes/ by default. */
  processesDirectory?: string;
}

export default async function processRoutes(fastify: FastifyInstance, options: ProcessRouteOptions) {
  const app = typed(fastify);
  const directory = options.processesDirectory ?? processesDirectory;

  app.get('', {
    schema: {
      tags: ['modeler'],
      summary: 'Processes an analyst can open, with Persian names, and whether the caller may edit',
      response: {
        200: {
          type: 'object',
          required: ['canEdit', 'processes'],
          properties: {
            canEdit: { type: 'boolean' },
            user: { type: ['string', 'null'] },
            processes: {
              type: 'array',
              items: {
                type: 'object',
                required: ['id', 'name', 'shared', 'inRepository'],
                properties: {
                  id: { type: 'string' },
                  name: { type: 'string' },
                  shared: { type: 'boolean' },
                  inRepository: { type: 'boolean' },
                  latestVersion: { type: ['integer', 'null'] },
                  deployedVersion: { type: ['integer', 'null'] },
                },
              },
            },
          },
        },
      },
    },
  }, async (request) => {
    const [editor, saved] = await Promise.all([editorOf(request), savedProcesses(app.db)]);
    const processes = listProcesses(saved, directory).map((entry) => ({
      ...entry,
      latestVersion: saved.get(entry.id)?.version ?? null,
      deployedVersion: saved.get(entry.id)?.deployedVersion ?? null,
    }));
    return { canEdit: editor !== null, user: editor?.username ?? null, processes };
  });

  app.get('/element-templates', {
    schema: {
      tags: ['modeler'],
      summary: 'Zeebe element templates for the job types the workers declare',
      response: { 200: { type: 'array', items: { type: 'object', additionalProperties: true } } },
    },
  }, async () => elementTemplates(options.jobContracts));

  app.get('/:id', {
    schema: {
      tags: ['modeler'],
      summary: 'The latest saved version of a diagram, else the diagram file in processes/',
      params: Params,
      response: { 200: Diagram, 404: problemRef },
    },
  }, async (request) => diagramOf(app.db, directory, request.params.id));

  app.get('/:id/versions', {
    schema: {
      tags: ['modeler'],
      summary: 'Saved versions of a diagram, newest first',
      params: Params,
      response: { 200: { type: 'array', items: VersionSummary } },
    },
  }, async (request) => listVersions(app.db, request.params.id));

  app.get('/:id/versions/:version', {
    schema: {
      tags: ['modeler'],
      summary: 'One saved version of a diagram',
      params: { type: 'object', required: ['id', 'version'], properties: { id: ProcessId, version: VersionNumber } },
      response: { 200: Diagram, 404: problemRef },
    },
  }, async (request) => diagramVersion(app.db, request.params.id, request.params.version));

  app.put('/:id', {
    onRequest: editorsOnly(fastify),
    bodyLimit: 5 * 1024 * 1024,
    schema: {
      tags: ['modeler'],
      security: [{ bearer: [] }],
      summary: 'Save a new version of a diagram (analysts only); lint findings are returned, not enforced',
      params: Params,
      body: {
        type: 'object',
        required: ['xml'],
        additionalProperties: false,
        properties: { xml: { type: 'string', minLength: 1 }, comment: { type: 'string', maxLength: 1000 } },
      },
      response: {
        201: { type: 'object', required: ['version', 'lint'], properties: { version: VersionSummary, lint: { type: 'array', items: LintIssue } } },
        400: problemRef,
        401: problemRef,
        403: problemRef,
      },
    },
  }, async (request, reply) => {
    const { xml, comment } = request.body;
    const saved = await saveDiagram(app.db, directory, { id: request.params.id, xml, comment, author: signedInEditor(request).username });
    return reply.code(201).send(saved);
  });

  await fastify.register(deploymentRoutes, { directory });
  await fastify.register(migrationRoutes, { directory });
  await fastify.register(formRoutes, { prefix: '/forms', directory });
}
