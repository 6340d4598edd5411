// The catalogue data as written; read it through loadCatalogue(), which validates it.
import { culturalSocial } from './cultural-social.ts';
import { publicRelations } from './public-relations.ts';
import { transport } from './transport.ts';
import type { Heading, HeadingId, Service } from './types.ts';
import { urbanPlanning } from './urban-planning.ts';
import { urbanServices } from './urban-services.ts';

export const headings: Heading[] = [
  { id: 'urban-services', name: { fa: 'خدمات شهری و فضای سبز', en: 'Urban services and green space' } },
  { id: 'urban-planning', name: { fa: 'عمران و شهرسازی', en: 'Civil engineering and urban planning' } },
  { id: 'transport', name: { fa: 'حمل و نقل و ترافیک', en: 'Transportation and traffic' } },
  { id: 'cultural-social', name: { fa: 'فرهنگی و اجتماعی', en: 'Cultural and social' } },
  { id: 'public-relations', name: { fa: 'ارتباط مردمی', en: 'Public relations' } },
];

export const services: Service[] = [...urbanServices, ...urbanPlanning, ...transport, ...culturalSocial, ...publicRelations];

export function findService(id: string): Service | undefined {
  return services.find((service) => service.id === id);
}

export function servicesUnder(heading: HeadingId): Service[] {
  return services.filter((service) => service.heading === heading);
}

