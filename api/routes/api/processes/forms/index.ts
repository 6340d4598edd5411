// User-task forms (form-js JSON) under /api/processes/forms: the latest saved
// version, else the repository's file; analysts save new versions, which go
// out with the next diagram that links them.
import type { FastifyInstance } from 'fastify';
import { formOf, saveForm } from '../../../../../domain/process-design/forms.ts';
import { Form, FormId } from '../../../../schemas/processes.ts';
import { problemRef } from '../../../../schemas/problem.ts';
import { typed } from '../../../../schemas/type-provider.ts';
import { editorsOnly, signedInEditor } from '../access.ts';

const FormParams = { type: 'object', required: ['formId'], properties: { formId: FormId } } as const;

export default async function formRoutes(fastify: FastifyInstance, { directory }: { directory: string }) {
  const app = typed(fastify);

  app.get('/:formId', {
    schema: {
      tags: ['modeler'],
      summary: 'The latest saved version of a user-task form, else its file in processes/forms/',
      params: FormParams,
      response: { 200: Form, 404: problemRef },
    },
  }, async (request) => formOf(app.db, directory, request.params.formId));

  app.put('/:formId', {
    onRequest: editorsOnly(fastify),
    bodyLimit: 2 * 1024 * 1024,
    schema: {
      tags: ['modeler'],
      security: [{ bearer: [] }],
      summary: 'Save a new version of a user-task form (analysts only); deployed with the next diagram that links it',
      params: FormParams,
      body: { type: 'object', required: ['schema'], additionalProperties: false, properties: { schema: { type: 'string', minLength: 2 } } },
      response: {
        201: { type: 'object', required: ['id', 'version', 'author'], properties: { id: { type: 'string' }, version: { type: 'integer' }, author: { type: 'string' } } },
        400: problemRef,
        401: problemRef,
        403: problemRef,
      },
    },
  }, async (request, reply) => {
    const { formId } = request.params;
    const saved = await saveForm(app.db, { formId, schema: request.body.schema, author: signedInEditor(request).username });
    return reply.code(201).send({ id: formId, version: saved.version, author: saved.author });
  });
}
