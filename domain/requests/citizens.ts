// The citizen a request is for, when someone else files it (staff at the
// counter or on the phone, a civic-tech app): found by national code or
// mobile, or recorded on first sight.
import type { Knex } from 'knex';

export interface CitizenRow { id: string; national_code: string; mobile: string; name: string | null }

/**
 * The citizen with this national code, recorded with `mobile` and `name` if
 * none was. A known citizen keeps the mobile and name on record: the caller
 * decides what a different mobile means.
 */
export async function recordCitizen(db: Knex, citizen: { nationalCode: string; mobile: string; name: string | null }): Promise<CitizenRow> {
  await db('citizens').insert({ national_code: citizen.nationalCode, mobile: citizen.mobile, name: citizen.name }).onConflict('national_code').ignore();
  return (await db<CitizenRow>('citizens').where({ national_code: citizen.nationalCode }).first())!;
}

/** Citizens registered with a mobile number, earliest first (one phone may serve a family). */
export async function citizensWithMobile(db: Knex, mobile: string): Promise<CitizenRow[]> {
  return db<CitizenRow>('citizens').where({ mobile }).orderBy('created_at');
}

export async function citizenByNationalCode(db: Knex, nationalCode: string): Promise<CitizenRow | undefined> {
  return db<CitizenRow>('citizens').where({ national_code: nationalCode }).first();
}
