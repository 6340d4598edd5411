// Persian service names for the workspace's tables, from the catalogue, fetched once.
import type { Answer } from '../shared/api.ts';
import { endpoints } from '../shared/endpoints.ts';
import { api } from './session.ts';

export type ServiceEntry = Answer<'/api/services/'>['services'][number];

let catalogue: Promise<ServiceEntry[]> | null = null;

export function services(): Promise<ServiceEntry[]> {
  catalogue ??= api.get<Answer<'/api/services/'>>(endpoints.services).then((answer) => answer.services);
  return catalogue;
}

export async function serviceNames(): Promise<Map<string, string>> {
  return new Map((await services()).map((service) => [service.id, service.name.fa]));
}
