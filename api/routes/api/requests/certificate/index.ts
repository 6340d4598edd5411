// The permit or certificate a request ended with, as the PDF the certificate
// worker issued; for the request's owner and its district's staff.
import type { FastifyInstance } from 'fastify';
import { latestCertificate } from '../../../../../domain/certificates/issue.ts';
import { ApiProblem } from '../../../../plugins/app/problems.ts';
import { attachmentDisposition } from '../../../../plugins/app/security-headers.ts';
import { TrackingParams } from '../../../../schemas/requests.ts';
import { problems } from '../../../../schemas/problem.ts';
import { typed } from '../../../../schemas/type-provider.ts';

export default async function certificateRoutes(fastify: FastifyInstance) {
  const app = typed(fastify);
  app.get('/', {
    config: { normalise: ['params'] },
    onRequest: app.allow('citizen', 'staff'),
    schema: {
      tags: ['certificates'], summary: 'Download the certificate the request ended with (PDF)', security: [{ bearer: [] }],
      params: TrackingParams,
      response: { 200: { description: 'The certificate as PDF', type: 'string', format: 'binary' }, ...problems(401, 404) },
    },
  }, async (request, reply) => {
    const row = await app.requestFor(request, request.params.trackingCode);
    const certificate = await latestCertificate(app.db, row.id);
    if (!certificate) {
      throw new ApiProblem(404, 'no-certificate', 'No certificate has been issued for this request.', 'برای این درخواست هنوز گواهی یا مجوزی صادر نشده است.');
    }
    return reply
      .type('application/pdf')
      .header('content-disposition', attachmentDisposition(`certificate-${certificate.number}.pdf`))
      .send(certificate.pdf);
  });
}
