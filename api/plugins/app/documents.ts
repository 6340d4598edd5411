// The request documents service (domain/documents/) on the instance.
import fp from 'fastify-plugin';
import { createDocumentService, type DocumentService } from '../../../domain/documents/documents.ts';

declare module 'fastify' {
  interface FastifyInstance {
    documents: DocumentService;
  }
}

export default fp(async (app) => {
  app.decorate('documents', createDocumentService(app.db));
}, { name: 'documents', dependencies: ['context', 'problems'] });
