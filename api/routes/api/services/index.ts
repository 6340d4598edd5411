// The catalogue: what citizens can ask for, where, and with which form.
import type { FastifyInstance } from 'fastify';
import type { Channel, HeadingId } from '../../../../processes/catalogue/index.ts';
import { ServiceDetail, ServiceList, ServiceParams, ServiceQuery } from '../../../schemas/catalogue.ts';
import { problems } from '../../../schemas/problem.ts';
import { typed } from '../../../schemas/type-provider.ts';

export default async function serviceRoutes(fastify: FastifyInstance) {
  const app = typed(fastify);
  app.get('/', {
    config: { normalise: ['query'] },
    schema: {
      tags: ['catalogue'], summary: 'The services, filtered by heading, channel and the district that offers them',
      querystring: ServiceQuery, response: { 200: ServiceList, ...problems() },
    },
  }, async (request) => {
    const { heading, channel, district } = request.query;
    const offered = district === undefined ? undefined : await app.catalogue.offeredIn(district);
    return { headings: app.catalogue.headings, services: app.catalogue.list({ heading, channel, offered }) };
  });

  app.get('/:id', {
    config: { normalise: ['params'] },
    schema: {
      tags: ['catalogue'], summary: 'One service with its start form (form-js) and the JSON Schema it is checked with',
      params: ServiceParams, response: { 200: ServiceDetail, ...problems(404) },
    },
  }, async (request) => {
    const { service, form, schema } = app.catalogue.get(request.params.id);
    const districts = await app.catalogue.districtsOffering(service.id);
    return { ...service, form, schema, districts };
  });
}
