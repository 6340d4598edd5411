// Open311 service discovery (GET discovery.xml / discovery.json): where the
// GeoReport v2 endpoint is, in which formats, whom to ask and how to get an
// api_key. Its changeset is the last time the service list or a service
// definition changed: the catalogue's first serving (recorded by hash, so a
// restart with the same catalogue changes nothing) or a district switching a
// service on or off, whichever is later.
import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { demoSeedEnabled } from '../../plugins/app/demo-seed.ts';
import { answer, contentTypes, formatParam } from './format.ts';
import { Errors } from './georeport.ts';
import { Discovery, Endpoint, ordered } from './schemas.ts';

export const specification = 'http://wiki.open311.org/GeoReport_v2';

const contact = 'Mashhad Municipality, the 137 call centre (call 137) — شهرداری مشهد، سامانه ارتباط مردمی ۱۳۷ (تماس با ۱۳۷)';
const keyService = 'POST requests needs an api_key: the municipality issues one to each client application (operators run `npm run open311-client -- issue <name>`); ask through the 137 call centre. '
  + '— برای ثبت درخواست (POST requests) کلید api_key لازم است؛ شهرداری برای هر برنامه یک کلید جداگانه صادر می‌کند.';

/** The catalogue as its definitions publish it, hashed: services and start forms. */
export function catalogueHash(app: FastifyInstance): string {
  const hash = createHash('sha256');
  for (const service of app.catalogue.list({})) hash.update(JSON.stringify([service, app.catalogue.find(service.id)!.form]));
  return hash.digest('hex');
}

export default async function discoveryRoute(app: FastifyInstance) {
  const hash = catalogueHash(app);
  app.addHook('onReady', async () => {
    await app.db('open311_catalogue_versions').insert({ catalogue_hash: hash }).onConflict('catalogue_hash').ignore();
  });

  async function changeset(): Promise<string> {
    const catalogue = await app.db('open311_catalogue_versions').where({ catalogue_hash: hash }).first('first_served_at');
    const rollout = await app.db('district_services').max<{ max: Date | null }>('changed_at as max').first();
    const times = [catalogue?.first_served_at, rollout?.max].filter((time): time is Date => time instanceof Date);
    return new Date(Math.max(0, ...times.map((time) => time.getTime()))).toISOString().replace(/\.\d{3}Z$/, 'Z');
  }

  async function discovery(request: FastifyRequest, reply: FastifyReply) {
    const changed = await changeset();
    return answer(request, reply, 'discovery', ordered(Discovery, {
      changeset: changed,
      contact,
      key_service: keyService,
      endpoints: [ordered(Endpoint, {
        specification,
        url: `${app.config.publicUrl}/open311/v2`,
        changeset: changed,
        // Where the demo seed runs, the known api_key and staff password make it a test system.
        type: demoSeedEnabled(app.config) ? 'test' : 'production',
        formats: [contentTypes.xml.split(';')[0], contentTypes.json.split(';')[0]],
      })],
    }));
  }

  const summary = 'Open311 service discovery: the GeoReport v2 endpoint, its formats, contact and how to get an api_key';
  app.get('/discovery.:format', {
    schema: {
      tags: ['open311'], summary,
      params: { type: 'object', required: ['format'], properties: { format: formatParam } },
      response: { 200: Discovery, 404: Errors },
    },
  }, discovery);
  // The discovery URL as the specification names it, ending in /discovery: XML unless the Accept header prefers JSON.
  app.get('/discovery', { schema: { tags: ['open311'], summary, response: { 200: Discovery } } }, discovery);
}
