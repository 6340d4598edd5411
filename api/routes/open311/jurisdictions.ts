// GeoReport's jurisdiction_id: the operator names the jurisdictions this
// endpoint serves and the districts each covers (OPEN311_JURISDICTIONS, e.g.
// mashhad.ir=12). Without a jurisdiction_id a client is in the first one, as
// the specification allows for an endpoint that serves one. A district number
// (12, or ۱۲) is also accepted as a jurisdiction of that one district, as
// this endpoint always did. Anything else is GeoReport's 404.
import type { Knex } from 'knex';
import type { Open311Jurisdiction } from '../../../platform/config.ts';
import { persianDigits } from '../../../platform/persian.ts';
import { GeoReportError } from './georeport.ts';

export type Jurisdiction = Open311Jurisdiction;

export interface Jurisdictions {
  /** The jurisdiction a client named, or the default; unknown ones are a GeoReport 404. */
  resolve(id: string | undefined): Jurisdiction;
  /** The district a filing for `serviceId` goes to: the first of the jurisdiction's districts that offers it. */
  filingDistrict(jurisdiction: Jurisdiction, serviceId: string): Promise<number | undefined>;
  /** The services offered in any of the jurisdiction's districts. */
  offered(jurisdiction: Jurisdiction): Promise<Set<string>>;
  /** Persian names of the districts, for agency_responsible. */
  districtName(districtId: number): string;
}

/** Reads the districts once (a fixed list) and checks that every configured district exists. */
export async function createJurisdictions(db: Knex, configured: Open311Jurisdiction[]): Promise<Jurisdictions> {
  const districts = new Map<number, string>(
    (await db('districts').select('id', 'name_fa')).map((row: { id: number; name_fa: string }) => [row.id, row.name_fa]),
  );
  for (const jurisdiction of configured) {
    const missing = jurisdiction.districts.find((district) => !districts.has(district));
    if (missing !== undefined) throw new Error(`OPEN311_JURISDICTIONS: ${jurisdiction.id} names district ${missing}, which does not exist`);
  }
  const byId = new Map(configured.map((jurisdiction) => [jurisdiction.id, jurisdiction]));

  const offering = (jurisdiction: Jurisdiction) => db('district_services').whereIn('district_id', jurisdiction.districts).where({ enabled: true });

  return {
    resolve(id) {
      const given = id?.trim();
      if (!given) return configured[0]!;
      const named = byId.get(given);
      if (named) return named;
      if (/^[0-9]{1,2}$/.test(given) && districts.has(Number(given))) return { id: given, districts: [Number(given)] };
      throw new GeoReportError(404, `jurisdiction_id: no jurisdiction ${given.slice(0, 100)} here (this endpoint serves ${configured.map((j) => j.id).join(', ')}) — `
        + 'چنین حوزه‌ای (jurisdiction_id) در این سامانه نیست.');
    },

    async filingDistrict(jurisdiction, serviceId) {
      const offeringIt = new Set<number>(await offering(jurisdiction).where({ service_id: serviceId }).pluck('district_id'));
      return jurisdiction.districts.find((district) => offeringIt.has(district));
    },

    async offered(jurisdiction) {
      return new Set<string>(await offering(jurisdiction).distinct().pluck('service_id'));
    },

    districtName(districtId) {
      return districts.get(districtId) ?? `منطقه ${persianDigits(districtId)}`;
    },
  };
}
