// Persian service names for the workspace's tables, from the catalogue, fetched once.
import { endpoints } from '../shared/endpoints.ts';
import { api } from './session.ts';

export interface ServiceEntry { id: string; name: { fa: string }; channels: string[]; districts?: number[]; form?: unknown }

let catalogue: Promise<ServiceEntry[]> | null = null;

export function services(): Promise<ServiceEntry[]> {
  catalogue ??= api.get<{ services: ServiceEntry[] }>(endpoints.services).then((answer) => answer.services);
  return catalogue;
}

export async function serviceNames(): Promise<Map<string, string>> {
  return new Map((await services()).map((service) => [service.id, service.name.fa]));
}
