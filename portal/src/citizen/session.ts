// The signed-in citizen, kept in localStorage for the token's life (two hours).
import { Api, type Answer } from '../shared/api.ts';

export type Citizen = Answer<'/api/auth/citizen/token', 'post'>['citizen'];

export const api = new Api('shahrdari.citizenSession');

export function citizen(): Citizen | null {
  return (api.session?.citizen as Citizen | undefined) ?? null;
}
