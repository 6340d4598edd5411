// GET services and GET services/{service_code}: the catalogue's services a
// jurisdiction offers online (its heading as GeoReport's group), and each
// one's start form as the attributes of its service definition.
import type { FastifyInstance } from 'fastify';
import { attributesOf } from './attributes.ts';
import { answer, formatParam } from './format.ts';
import { Errors, GeoReportError } from './georeport.ts';
import { ordered, Service, ServiceDefinition, Services } from './schemas.ts';
import { typed } from '../../schemas/type-provider.ts';

const Jurisdiction = {
  type: 'object',
  properties: { jurisdiction_id: { type: 'string', maxLength: 100, description: 'A configured jurisdiction (OPEN311_JURISDICTIONS) or a district number; the first configured one when absent' } },
} as const;

export default async function serviceRoutes(fastify: FastifyInstance) {
  const app = typed(fastify);
  app.get('/services.:format', {
    schema: {
      tags: ['open311'],
      summary: 'GeoReport v2 service list: the services the jurisdiction offers online',
      params: { type: 'object', required: ['format'], properties: { format: formatParam } },
      querystring: Jurisdiction,
      response: { 200: Services, 400: Errors, 404: Errors },
    },
  }, async (request, reply) => {
    const jurisdiction = app.open311Jurisdictions.resolve(request.query.jurisdiction_id);
    const offered = await app.open311Jurisdictions.offered(jurisdiction);
    const services = app.catalogue.list({ channel: 'portal', offered }).map((service) => {
      const heading = app.catalogue.headings.find((h) => h.id === service.heading);
      return ordered(Service, {
        service_code: service.id,
        service_name: service.name.fa,
        description: service.description.fa,
        metadata: true,
        type: 'realtime',
        keywords: [service.name.en, heading?.name.en].filter(Boolean).join(','),
        group: heading?.name.fa ?? service.heading,
      });
    });
    return answer(request, reply, 'services', services);
  });

  app.get('/services/:service_code.:format', {
    schema: {
      tags: ['open311'],
      summary: 'GeoReport v2 service definition: the start form\'s fields as attributes',
      params: { type: 'object', required: ['service_code', 'format'], properties: { service_code: { type: 'string', pattern: '^[a-z0-9-]{1,100}$' }, format: formatParam } },
      querystring: Jurisdiction,
      response: { 200: ServiceDefinition, 400: Errors, 404: Errors },
    },
  }, async (request, reply) => {
    const code = request.params.service_code;
    const jurisdiction = app.open311Jurisdictions.resolve(request.query.jurisdiction_id);
    const entry = app.catalogue.find(code);
    if (!entry) throw new GeoReportError(404, `service_code: no service ${code} — چنین خدمتی وجود ندارد.`);
    if (!entry.service.channels.includes('portal') || !(await app.open311Jurisdictions.offered(jurisdiction)).has(code)) {
      throw new GeoReportError(404, `service_code: ${code} is not offered online in ${jurisdiction.id} — خدمت «${entry.service.name.fa}» در این حوزه به صورت الکترونیکی ارائه نمی‌شود.`);
    }
    return answer(request, reply, 'service_definition', ordered(ServiceDefinition, { service_code: code, attributes: attributesOf(entry.form.components) }));
  });
}
