import { channels, headingIds } from '../../processes/catalogue/types.ts';

const Name = { type: 'object', required: ['fa', 'en'], properties: { fa: { type: 'string' }, en: { type: 'string' } } } as const;

export const ServiceSummary = {
  type: 'object',
  required: ['id', 'name', 'heading', 'channels', 'documents', 'fee', 'slaWorkingDays'],
  properties: {
    id: { type: 'string' },
    name: Name,
    heading: { type: 'string', enum: [...headingIds] },
    channels: { type: 'array', items: { type: 'string', enum: [...channels] } },
    documents: {
      type: 'array',
      items: { type: 'object', required: ['id', 'fa'], properties: { id: { type: 'string' }, fa: { type: 'string' } } },
    },
    fee: {
      type: 'object',
      required: ['kind'],
      description: 'Amounts in rials',
      properties: { kind: { type: 'string' }, amount: { type: 'integer' }, rate: { type: 'integer' }, field: { type: 'string' } },
    },
    steps: { type: 'array', items: { type: 'string' } },
    slaWorkingDays: { type: 'integer' },
    description: { type: 'object', properties: { fa: { type: 'string' } } },
  },
} as const;

export const ServiceList = {
  type: 'object',
  required: ['services', 'headings'],
  properties: {
    headings: { type: 'array', items: { type: 'object', required: ['id', 'name'], properties: { id: { type: 'string' }, name: Name } } },
    services: { type: 'array', items: ServiceSummary },
  },
} as const;

export const ServiceQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    heading: { type: 'string', enum: [...headingIds] },
    channel: { type: 'string', enum: [...channels] },
    district: { type: 'integer', minimum: 1, maximum: 99, description: 'only services this district offers' },
  },
} as const;

export const ServiceParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]*$', maxLength: 100 } },
} as const;

export const ServiceDetail = {
  type: 'object',
  required: [...ServiceSummary.required, 'form', 'schema', 'districts'],
  properties: {
    ...ServiceSummary.properties,
    form: {
      type: 'object', additionalProperties: true, required: ['components'], description: 'The start form (form-js schema) to render',
      properties: {
        components: {
          type: 'array',
          items: { type: 'object', additionalProperties: true, properties: { key: { type: 'string' }, label: { type: 'string' }, type: { type: 'string' } } },
        },
      },
    },
    schema: { type: 'object', additionalProperties: true, description: 'JSON Schema the submitted form is validated against' },
    districts: { type: 'array', items: { type: 'integer' }, description: 'Districts that offer the service' },
  },
} as const;

export const DistrictParams = {
  type: 'object',
  required: ['districtId'],
  properties: { districtId: { type: 'integer', minimum: 1, maximum: 99 } },
} as const;

export const DistrictServiceParams = {
  type: 'object',
  required: ['districtId', 'serviceId'],
  properties: { ...DistrictParams.properties, serviceId: ServiceParams.properties.id },
} as const;

export const District = {
  type: 'object',
  required: ['id', 'name', 'isPilot', 'services'],
  properties: {
    id: { type: 'integer' },
    name: Name,
    isPilot: { type: 'boolean' },
    services: { type: 'array', items: { type: 'string' }, description: 'Ids of the services offered' },
  },
} as const;

export const Rollout = {
  type: 'object',
  required: ['enabled'],
  additionalProperties: false,
  properties: { enabled: { type: 'boolean' } },
} as const;
