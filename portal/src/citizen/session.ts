// The signed-in citizen, kept in localStorage for the token's life (two hours).
import { Api } from '../shared/api.ts';

export interface Citizen { id: string; nationalCode: string; mobile: string; name?: string | null }

export const api = new Api('shahrdari.citizenSession');

export function citizen(): Citizen | null {
  return (api.session?.citizen as Citizen | undefined) ?? null;
}
