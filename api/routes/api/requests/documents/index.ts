// A request's documents: upload (multipart, one file), list, download.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { claimsOf } from '../../../../plugins/app/auth.ts';
import { documentView, extraKinds } from '../../../../../domain/documents/documents.ts';
import { ApiProblem } from '../../../../plugins/app/problems.ts';
import { storableText } from '../../../../plugins/app/input-gate.ts';
import { attachmentDisposition } from '../../../../plugins/app/security-headers.ts';
import { DocumentParams, DocumentView, TrackingParams } from '../../../../schemas/requests.ts';
import { problems } from '../../../../schemas/problem.ts';
import { noContent, typed } from '../../../../schemas/type-provider.ts';

const UploadQuery = {
  type: 'object',
  required: ['kind'],
  additionalProperties: false,
  properties: { kind: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]*$', maxLength: 60, description: 'A required-document id of the service, or photo, other' } },
} as const;

/**
 * The one file of a multipart upload. The parser's own complaints (no
 * boundary, a body that ends mid-part, a malformed part header) are the
 * client's mistake, a 400; the limits it enforces keep their 413.
 */
async function receiveFile(request: FastifyRequest): Promise<{ filename: string; mimetype: string; content: Buffer }> {
  try {
    const file = await request.file();
    if (!file) throw new ApiProblem(400, 'file-missing', 'No file was sent.', 'پرونده‌ای فرستاده نشد.');
    const content = await file.toBuffer();
    return { filename: storableText(file.filename, '/body/file/filename'), mimetype: storableText(file.mimetype, '/body/file/contentType'), content };
  } catch (error) {
    if (error instanceof ApiProblem || typeof (error as { statusCode?: unknown }).statusCode === 'number') throw error;
    throw new ApiProblem(400, 'malformed-multipart', `The multipart body is malformed: ${(error as Error).message}.`, 'پرونده درست فرستاده نشد؛ دوباره بفرستید.');
  }
}

export default async function documentRoutes(fastify: FastifyInstance) {
  const app = typed(fastify);
  app.post('/', {
    config: { normalise: ['params', 'query'] },
    onRequest: app.allow('citizen', 'staff'),
    schema: {
      tags: ['documents'], summary: 'Attach a PDF, JPEG or PNG (multipart/form-data, field "file", at most 10 MB)',
      security: [{ bearer: [] }], consumes: ['multipart/form-data'],
      params: TrackingParams, querystring: UploadQuery, response: { 201: DocumentView, ...problems(401, 404, 409, 413, 415, 422) },
    },
  }, async (request, reply) => {
    const row = await app.requestFor(request, request.params.trackingCode);
    const claims = claimsOf(request);
    if (claims.kind === 'citizen' && row.closed_at) {
      throw new ApiProblem(409, 'closed', 'The request is closed.', 'این درخواست بسته شده است.');
    }
    const required = app.catalogue.find(row.service_id)?.service.documents.map((document) => document.id) ?? [];
    if (!required.includes(request.query.kind) && !extraKinds.includes(request.query.kind)) {
      throw new ApiProblem(422, 'unknown-document-kind', `This service takes ${[...required, ...extraKinds].join(', ')}.`, 'این نوع مدرک برای این خدمت تعریف نشده است.',
        [{ path: '/query/kind', message: `must be one of ${[...required, ...extraKinds].join(', ')}`, messageFa: 'یکی از مدارک خواسته‌شده را انتخاب کنید.' }]);
    }
    if (!request.isMultipart()) {
      throw new ApiProblem(415, 'multipart-required', 'Send the file as multipart/form-data.', 'پرونده را به صورت multipart/form-data بفرستید.');
    }
    const { filename, mimetype, content } = await receiveFile(request);
    const document = await app.documents.add({
      requestId: row.id, kind: request.query.kind, filename: filename || 'document', contentType: mimetype, content, uploadedBy: claims.sub,
    });
    return reply.code(201).send(documentView(document));
  });

  app.get('/', {
    config: { normalise: ['params'] },
    onRequest: app.allow('citizen', 'staff'),
    schema: {
      tags: ['documents'], summary: 'The request\'s documents', security: [{ bearer: [] }],
      params: TrackingParams, response: { 200: { type: 'array', items: DocumentView }, ...problems(401, 404) },
    },
  }, async (request) => {
    const row = await app.requestFor(request, request.params.trackingCode);
    return (await app.documents.list(row.id)).map(documentView);
  });

  app.delete('/:documentId', {
    onRequest: app.allow('citizen'),
    schema: {
      tags: ['documents'], summary: 'Remove a document the citizen uploaded by mistake, while the request is open (kept for the record, no longer listed)',
      security: [{ bearer: [] }], params: DocumentParams, response: { 204: { type: 'null' }, ...problems(401, 403, 404, 409) },
    },
  }, async (request, reply) => {
    const row = await app.requestFor(request, request.params.trackingCode, 'owner');
    if (row.closed_at) throw new ApiProblem(409, 'closed', 'The request is closed.', 'این درخواست بسته شده است و مدارک آن تغییر نمی‌کند.');
    if (!(await app.documents.remove(row.id, request.params.documentId, claimsOf(request).sub))) {
      throw new ApiProblem(404, 'unknown-document', 'There is no such document of yours.', 'چنین مدرکی از شما پیدا نشد.');
    }
    return noContent(reply);
  });

  app.get('/:documentId', {
    config: { normalise: ['params'] },
    onRequest: app.allow('citizen', 'staff'),
    schema: {
      tags: ['documents'], summary: 'Download a document', security: [{ bearer: [] }],
      params: DocumentParams, response: { 200: { type: 'string', format: 'binary' }, ...problems(401, 404) },
    },
  }, async (request, reply) => {
    const row = await app.requestFor(request, request.params.trackingCode);
    const document = await app.documents.content(row.id, request.params.documentId);
    if (!document) throw new ApiProblem(404, 'unknown-document', 'There is no such document.', 'چنین مدرکی پیدا نشد.');
    return reply
      .type(document.content_type)
      .header('content-disposition', attachmentDisposition(document.filename))
      .header('digest', `sha-256=${Buffer.from(document.sha256, 'hex').toString('base64')}`)
      .send(document.content);
  });
}
