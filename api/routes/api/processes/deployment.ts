// Deploying a saved diagram version: the review an analyst reads before
// confirming (what it changes against the version running now), and the
// deployment itself, refused with the lint's errors (or the engine's words)
// as a problem document whose `lint` member lists them.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { deployReview, deploySaved } from '../../../../domain/process-design/deployment.ts';
import type { LintIssue as Finding } from '../../../../domain/process-design/lint.ts';
import { sendProblem } from '../../../plugins/app/problems.ts';
import { FormDeployed, LintIssue, LintRefusal, Params, Review, VersionNumber, VersionSummary } from '../../../schemas/processes.ts';
import { problemRef } from '../../../schemas/problem.ts';
import { typed } from '../../../schemas/type-provider.ts';
import { editorsOnly, signedInEditor } from './access.ts';

function lintRefusal(reply: FastifyReply, detail: string, detailFa: string, lint: Finding[]) {
  return sendProblem(reply, 422, { type: 'urn:shahrdari:problem:lint-errors', detail, detailFa, lint });
}

export default async function deploymentRoutes(fastify: FastifyInstance, { directory }: { directory: string }) {
  const app = typed(fastify);

  app.get('/:id/review', {
    schema: {
      tags: ['modeler'],
      summary: 'What deploying a saved version (the latest unless given) changes against the version running now, in Persian',
      params: Params,
      querystring: { type: 'object', additionalProperties: false, properties: { version: VersionNumber } },
      response: { 200: Review, 404: problemRef },
    },
  }, async (request) => deployReview(app.db, directory, request.params.id, request.query.version));

  app.post('/:id/deploy', {
    onRequest: editorsOnly(fastify),
    schema: {
      tags: ['modeler'],
      security: [{ bearer: [] }],
      summary: 'Deploy a saved version (the latest unless given) to the engine; refused while lint errors remain',
      params: Params,
      body: {
        type: ['object', 'null'],
        additionalProperties: false,
        // The comment is what the analyst says when confirming the review (GET .../review).
        properties: { version: VersionNumber, comment: { type: 'string', maxLength: 1000 } },
      },
      response: {
        200: {
          type: 'object',
          required: ['version', 'lint', 'forms'],
          properties: { version: VersionSummary, lint: { type: 'array', items: LintIssue }, forms: { type: 'array', items: FormDeployed } },
        },
        401: problemRef,
        403: problemRef,
        404: problemRef,
        422: LintRefusal,
      },
    },
  }, async (request, reply) => {
    const { id } = request.params;
    const { version: requested, comment } = request.body ?? {};
    const outcome = await deploySaved({ db: app.db, zeebe: app.zeebe, logger: request.log, directory }, {
      id, requested, by: signedInEditor(request).username, comment: comment?.trim() || null,
    });
    if (outcome.kind === 'deployed') return { version: outcome.version, lint: outcome.lint, forms: outcome.forms };
    if (outcome.engineMessage !== undefined) {
      return lintRefusal(reply, `The engine refused version ${outcome.savedVersion} of ${id}: ${outcome.engineMessage}`, 'موتور فرایند این نسخه را نپذیرفت.', []);
    }
    return lintRefusal(reply, `Version ${outcome.savedVersion} of ${id} has ${outcome.errors.length} lint error(s).`,
      'خطاهای اعتبارسنجی نمودار باید پیش از استقرار رفع شوند.', outcome.errors);
  });
}
