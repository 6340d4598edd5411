// The service catalogue at run time, and the rollout: which services each
// district offers. The catalogue itself (names, documents, fees, forms)
// lives in processes/; this adds what a request needs at run time — a
// compiled validator of each start form — and the district switches.
import type { Knex } from 'knex';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { loadCatalogue } from '../../processes/catalogue/index.ts';
import type { Channel, Heading, HeadingId, Service } from '../../processes/catalogue/index.ts';
import { readForm, formToJsonSchema } from '../../processes/forms/index.ts';
import type { FormDefinition, JsonSchema } from '../../processes/forms/index.ts';
import { addIdentityFormats } from '../../platform/identity-formats.ts';
import { persianDigits } from '../../platform/persian.ts';
import { ApiProblem } from '../../platform/problem.ts';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

export interface CatalogueSource {
  headings: Heading[];
  services: Service[];
  readForm(id: string): FormDefinition;
}

export interface ServiceEntry {
  service: Service;
  form: FormDefinition;
  schema: JsonSchema;
  validate: ValidateFunction;
}

/**
 * Start forms ask for the citizen's identity with plain patterns; the API
 * checks those fields for real (check digit, mobile prefix, postal rules).
 */
const identityKeys: Record<string, string> = { nationalCode: 'national-code', mobile: 'mobile', postalCode: 'postal-code' };

export function createCatalogueService(db: Knex, source: CatalogueSource) {
  // strict: false — form schemas carry `title` and `$schema`; coercion off: the citizen's form is taken as typed.
  const ajv = addIdentityFormats(addFormats(new Ajv({ allErrors: true, strict: false })));
  const entries = new Map<string, ServiceEntry>();
  for (const service of source.services) {
    const form = source.readForm(service.forms.start);
    const schema = formToJsonSchema(form, { formats: identityKeys });
    entries.set(service.id, { service, form, schema, validate: ajv.compile(schema) });
  }

  return {
    headings: source.headings,

    find(id: string): ServiceEntry | undefined {
      return entries.get(id);
    },

    /** The service or a 404 problem. */
    get(id: string): ServiceEntry {
      const entry = entries.get(id);
      if (!entry) throw new ApiProblem(404, 'unknown-service', `There is no service ${id}.`, 'چنین خدمتی وجود ندارد.');
      return entry;
    },

    list(filter: { heading?: HeadingId; channel?: Channel; offered?: Set<string> }): Service[] {
      return source.services.filter((service) =>
        (!filter.heading || service.heading === filter.heading)
        && (!filter.channel || service.channels.includes(filter.channel))
        && (!filter.offered || filter.offered.has(service.id)));
    },

    /** Ids of the services a district offers. */
    async offeredIn(districtId: number): Promise<Set<string>> {
      return new Set(await db('district_services').where({ district_id: districtId, enabled: true }).pluck('service_id'));
    },

    /** The districts that offer a service, in order. */
    async districtsOffering(serviceId: string): Promise<number[]> {
      return db('district_services').where({ service_id: serviceId, enabled: true }).orderBy('district_id').pluck('district_id');
    },

    /** Refuses a request for a service the district does not offer yet, in words a citizen understands. */
    async assertOffered(serviceId: string, districtId: number): Promise<void> {
      const row = await db('district_services').where({ district_id: districtId, service_id: serviceId, enabled: true }).first();
      if (row) return;
      const district = await db('districts').where({ id: districtId }).first('name_fa');
      if (!district) throw new ApiProblem(422, 'unknown-district', `There is no district ${districtId}.`, 'چنین منطقه‌ای وجود ندارد.');
      const name = entries.get(serviceId)?.service.name.fa ?? serviceId;
      throw new ApiProblem(422, 'service-not-offered',
        `Service ${serviceId} is not offered in district ${districtId} yet.`,
        `خدمت «${name}» هنوز در ${district.name_fa} به صورت الکترونیکی ارائه نمی‌شود؛ برای این خدمت به دفتر منطقه ${persianDigits(districtId)} مراجعه کنید یا با ۱۳۷ تماس بگیرید.`);
    },

    /** An admin switches a service on or off in a district; the row stays, so start-up never undoes the choice. */
    async setOffered(districtId: number, serviceId: string, enabled: boolean, changedBy: string): Promise<void> {
      await db('district_services')
        .insert({ district_id: districtId, service_id: serviceId, enabled, changed_by: changedBy, changed_at: db.fn.now() })
        .onConflict(['district_id', 'service_id'])
        .merge(['enabled', 'changed_by', 'changed_at']);
    },

    /** Pilot districts offer every service, new ones included; a service an admin switched off stays off. */
    async enablePilots(): Promise<void> {
      const pilots = await db('districts').where({ is_pilot: true }).pluck('id');
      const rows = pilots.flatMap((districtId: number) => source.services.map((service) => ({ district_id: districtId, service_id: service.id })));
      if (rows.length > 0) await db('district_services').insert(rows).onConflict(['district_id', 'service_id']).ignore();
    },
  };
}

export type CatalogueService = ReturnType<typeof createCatalogueService>;

export function defaultCatalogueSource(): CatalogueSource {
  return { ...loadCatalogue(), readForm: (id) => readForm(id) };
}
