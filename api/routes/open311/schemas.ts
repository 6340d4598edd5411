// The GeoReport v2 documents as JSON Schemas, each property in the order the
// specification lists it. The routes build their answers through `ordered`,
// so JSON (serialised by these schemas) and XML (written in key order) carry
// the same elements in the specification's order.
const text = (description: string) => ({ type: 'string', description }) as const;
const nullableText = (description: string) => ({ type: ['string', 'null'], description }) as const;
const nullableNumber = (description: string) => ({ type: ['number', 'null'], description }) as const;
const dateTime = (description: string) => ({ type: 'string', format: 'date-time', description }) as const;
const nullableDateTime = (description: string) => ({ type: ['string', 'null'], format: 'date-time', description }) as const;

export const Service = {
  type: 'object',
  required: ['service_code', 'service_name', 'metadata', 'type'],
  properties: {
    service_code: text('The catalogue\'s id of the service'),
    service_name: text('Its Persian name'),
    description: nullableText('What it is for, in Persian'),
    metadata: { type: 'boolean', description: 'true: GET services/{service_code} lists its attributes (the start form\'s fields)' },
    type: { type: 'string', enum: ['realtime', 'batch', 'blackbox'], description: 'realtime: POST requests answers the service_request_id at once' },
    keywords: nullableText('Comma-separated words to find it by'),
    group: nullableText('The heading it is listed under, in Persian'),
  },
} as const;

export const Services = { type: 'array', items: Service } as const;

export const AttributeValue = {
  type: 'object',
  required: ['key', 'name'],
  properties: { key: text('The value to send'), name: text('What it means, in Persian') },
} as const;

export const Attribute = {
  type: 'object',
  required: ['variable', 'code', 'datatype', 'required'],
  properties: {
    variable: { type: 'boolean', description: 'true: the client sends a value as attribute[code]' },
    code: text('The start form field\'s key'),
    datatype: { type: 'string', enum: ['string', 'number', 'datetime', 'text', 'singlevaluelist', 'multivaluelist'] },
    required: { type: 'boolean' },
    datatype_description: nullableText('How to fill it, in Persian, and the GeoReport field that may stand in for it'),
    order: { type: 'integer', description: '1 is shown first' },
    description: nullableText('The field\'s Persian label'),
    values: { type: 'array', items: AttributeValue },
  },
} as const;

export const ServiceDefinition = {
  type: 'object',
  required: ['service_code', 'attributes'],
  properties: { service_code: text('The service'), attributes: { type: 'array', items: Attribute } },
} as const;

export const Request = {
  type: 'object',
  required: ['service_request_id', 'status', 'service_code', 'requested_datetime'],
  properties: {
    service_request_id: text('The tracking code (کد رهگیری)'),
    status: { type: 'string', enum: ['open', 'closed'] },
    status_notes: nullableText('Where the request stands, in Persian'),
    service_name: nullableText('The service\'s Persian name'),
    service_code: text('The service'),
    description: nullableText('Not published: a citizen\'s own words may hold personal data'),
    agency_responsible: nullableText('The district office handling it'),
    service_notice: nullableText('What happens next and when, in Persian'),
    requested_datetime: dateTime('When it was filed'),
    updated_datetime: nullableDateTime('Its last change; for a closed request, when it was closed'),
    expected_datetime: nullableDateTime('Its due date: the service\'s SLA in working days from filing, on the district offices\' calendar'),
    address: nullableText('Not published (personal data)'),
    address_id: nullableText('Not published (personal data)'),
    zipcode: nullableText('Not published (personal data)'),
    lat: nullableNumber('The latitude a GeoReport client sent with it'),
    long: nullableNumber('The longitude a GeoReport client sent with it'),
    media_url: nullableText('The photo link a GeoReport client sent with it'),
  },
} as const;

export const Requests = { type: 'array', items: Request } as const;

export const Created = {
  type: 'array',
  items: {
    type: 'object',
    required: ['service_request_id', 'token', 'service_notice', 'account_id'],
    properties: {
      service_request_id: text('The tracking code; GET requests/{id} follows it, as do the portal and the 137 call centre'),
      token: text('The same request\'s token, for clients that keep one (GET tokens/{token})'),
      service_notice: text('What happens next and when, in Persian'),
      account_id: text('The citizen\'s account id with us'),
    },
  },
} as const;

export const Tokens = {
  type: 'array',
  items: {
    type: 'object',
    required: ['service_request_id', 'token'],
    properties: { service_request_id: text('The tracking code'), token: text('The token asked about') },
  },
} as const;

export const Endpoint = {
  type: 'object',
  required: ['specification', 'url', 'changeset', 'type', 'formats'],
  properties: {
    specification: text('The specification this endpoint implements'),
    url: text('Where its resources are: {url}/services.xml and so on'),
    changeset: dateTime('When its service list or a service definition last changed'),
    type: { type: 'string', enum: ['production', 'test'] },
    formats: { type: 'array', items: { type: 'string' } },
  },
} as const;

export const Discovery = {
  type: 'object',
  required: ['changeset', 'contact', 'key_service', 'endpoints'],
  properties: {
    changeset: dateTime('When anything listed here last changed'),
    contact: text('Whom to ask'),
    key_service: text('How a client application gets an api_key'),
    endpoints: { type: 'array', items: Endpoint },
  },
} as const;

/**
 * `values` with its keys in the schema's order; a key the schema has and
 * `values` lacks is left out, one it holds as null stays (null).
 */
export function ordered<K extends string>(schema: { properties: Record<K, unknown> }, values: Partial<Record<K, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(schema.properties) as K[]) if (values[key] !== undefined) out[key] = values[key];
  return out;
}
