// Districts and the rollout: which services each offers; admins switch them.
import type { FastifyInstance } from 'fastify';
import { claimsOf } from '../../../plugins/app/auth.ts';
import { District, DistrictParams, DistrictServiceParams, Rollout } from '../../../schemas/catalogue.ts';
import { problems } from '../../../schemas/problem.ts';
import { typed } from '../../../schemas/type-provider.ts';

interface DistrictRow { id: number; name_fa: string; name_en: string; is_pilot: boolean }

export default async function districtRoutes(fastify: FastifyInstance) {
  const app = typed(fastify);
  const present = async (row: DistrictRow) => ({
    id: row.id, name: { fa: row.name_fa, en: row.name_en }, isPilot: row.is_pilot,
    services: [...await app.catalogue.offeredIn(row.id)].sort(),
  });

  app.get('/', {
    schema: { tags: ['districts'], summary: 'Districts with the services each offers', response: { 200: { type: 'array', items: District } } },
  }, async () => Promise.all((await app.db<DistrictRow>('districts').orderBy('id')).map(present)));

  app.get('/:districtId', {
    config: { normalise: ['params'] },
    schema: { tags: ['districts'], summary: 'One district with its services', params: DistrictParams, response: { 200: District, ...problems(404) } },
  }, async (request, reply) => {
    const row = await app.db<DistrictRow>('districts').where({ id: request.params.districtId }).first();
    return row ? present(row) : reply.notFound(`There is no district ${request.params.districtId}.`);
  });

  app.put('/:districtId/services/:serviceId', {
    config: { normalise: ['params'] },
    onRequest: app.allow('admin'),
    schema: {
      tags: ['districts'], summary: 'Switch a service on or off in a district (admins)', security: [{ bearer: [] }],
      params: DistrictServiceParams, body: Rollout, response: { 200: District, ...problems(401, 403, 404) },
    },
  }, async (request, reply) => {
    const { districtId, serviceId } = request.params;
    app.catalogue.get(serviceId);
    const row = await app.db<DistrictRow>('districts').where({ id: districtId }).first();
    if (!row) return reply.notFound(`There is no district ${districtId}.`);
    const claims = claimsOf(request);
    await app.catalogue.setOffered(districtId, serviceId, request.body.enabled, claims.kind === 'staff' ? claims.username : claims.sub);
    return present(row);
  });
}
