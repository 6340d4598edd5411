// Checks an Open311 answer the way a GeoReport client reads it: against the
// official GeoReport v2 JSON Schemas of open311/schema-validation (kept in
// test/fixtures/open311/), with each object's keys in the order those schemas
// list them (the specification's order). An XML answer must be well-formed
// UTF-8 with its declaration; it is read back into the JSON shape (lists from
// their plural element, each item's element name checked, scalars typed by
// the schema, an empty element as null) and held to the same schema and
// order. Discovery documents and errors have no official schema; theirs below
// are transcribed from the specification's text.
import fs from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
const fixture = (name: string) => JSON.parse(fs.readFileSync(new URL(`../fixtures/open311/${name}`, import.meta.url), 'utf8'));

type JsonSchema = Record<string, any>;

/** Service Discovery, as its specification page describes it. */
const discovery: JsonSchema = {
  type: 'object',
  required: ['changeset', 'contact', 'key_service', 'endpoints'],
  properties: {
    changeset: { type: 'string', format: 'date-time' },
    contact: { type: 'string' },
    key_service: { type: 'string' },
    endpoints: {
      type: 'array', minItems: 1,
      items: {
        type: 'object',
        required: ['specification', 'url', 'changeset', 'type', 'formats'],
        properties: {
          specification: { type: 'string', format: 'uri' },
          url: { type: 'string', format: 'uri' },
          changeset: { type: 'string', format: 'date-time' },
          type: { type: 'string', enum: ['production', 'test'] },
          formats: { type: 'array', minItems: 1, items: { type: 'string', enum: ['text/xml', 'application/json'] } },
        },
      },
    },
  },
};

/** GeoReport errors: a non-empty list of {code, description}, code the HTTP status. */
const errors: JsonSchema = {
  type: 'array', minItems: 1,
  items: { type: 'object', required: ['code', 'description'], properties: { code: { type: 'integer' }, description: { type: 'string', minLength: 1 } } },
};

const swagger = fixture('swagger.json');
const official = {
  service: fixture('service.json'),
  request: fixture('request.json'),
  serviceDefinition: fixture('service-definition.json'),
};

/** Each kind of answer: its root element and its schema (lists inline their item schema). */
export const documents = {
  discovery: { root: 'discovery', schema: discovery },
  services: { root: 'services', schema: { type: 'array', items: official.service } },
  serviceDefinition: { root: 'service_definition', schema: official.serviceDefinition },
  requests: { root: 'service_requests', schema: { type: 'array', items: official.request } },
  created: { root: 'service_requests', schema: { type: 'array', minItems: 1, items: swagger.definitions.RequestResponse } },
  tokens: { root: 'service_requests', schema: { type: 'array', items: swagger.definitions.TokenResponse } },
  errors: { root: 'errors', schema: errors },
} as const;
export type DocumentKind = keyof typeof documents;

const ajv = addFormats(new Ajv({ allErrors: true, strict: false }));
// swagger.json's own formats: identifiers, unsigned integers, doubles.
ajv.addFormat('uid', true).addFormat('uint', true).addFormat('double', true);
// The official list schemas name their items by file; ours inline them, so the same checks apply.
ajv.addSchema(official.request, 'request.json').addSchema(official.service, 'service.json');
const validators = new Map<DocumentKind, ValidateFunction>(
  Object.entries(documents).map(([kind, document]) => [kind as DocumentKind, ajv.compile(document.schema)]),
);
/** The official list files themselves, checked too: they must accept what the inlined schemas accept. */
const officialLists = { services: ajv.compile(fixture('services.json')), requests: ajv.compile(fixture('requests.json')) };

/** The element each item of a list is written as. */
export const itemElements: Record<string, string> = {
  services: 'service', service_requests: 'request', errors: 'error', attributes: 'attribute', values: 'value', endpoints: 'endpoint', formats: 'format',
};

/** Which document an answer to `method path` with `status` is. */
export function kindOf(method: string, url: string, status: number): DocumentKind {
  if (status >= 400) return 'errors';
  // The extension names the format in any case (requests.XML is requests.xml).
  const path = url.toLowerCase();
  if (/\/discovery(\.(xml|json))?$/.test(path)) return 'discovery';
  if (/\/services\.(xml|json)$/.test(path)) return 'services';
  if (/\/services\/[^/]+\.(xml|json)$/.test(path)) return 'serviceDefinition';
  if (/\/tokens\/[^/]+\.(xml|json)$/.test(path)) return 'tokens';
  if (method === 'POST') return 'created';
  return 'requests';
}

const allowsNull = (schema: JsonSchema): boolean =>
  schema.type === 'null' || (Array.isArray(schema.type) && schema.type.includes('null')) || (schema.anyOf ?? []).some((s: JsonSchema) => allowsNull(s));
const typesOf = (schema: JsonSchema): string[] =>
  [schema.type, ...(schema.anyOf ?? []).map((s: JsonSchema) => s.type)].flat().filter((type): type is string => typeof type === 'string');

/** Problems with key order: each object's keys must follow its schema's property order. */
export function orderProblems(value: unknown, schema: JsonSchema, where = ''): string[] {
  if (Array.isArray(value)) return value.flatMap((item, i) => orderProblems(item, schema.items ?? {}, `${where}/${i}`));
  if (!value || typeof value !== 'object' || !schema.properties) return [];
  const order = Object.keys(schema.properties);
  const keys = Object.keys(value).filter((key) => order.includes(key));
  const problems = keys.some((key, i) => i > 0 && order.indexOf(key) < order.indexOf(keys[i - 1]!))
    ? [`${where || '/'}: ${keys.join(', ')} is not in the specification's order (${order.join(', ')})`] : [];
  return [...problems, ...keys.flatMap((key) => orderProblems((value as Record<string, unknown>)[key], schema.properties[key], `${where}/${key}`))];
}

type XmlNode = Record<string, XmlNode[] | string> & { '#text'?: string };
const nameOf = (node: XmlNode) => Object.keys(node).find((key) => key !== ':@')!;

/** An XML element as the JSON shape the schema describes; throws on an element a list should not hold. */
function fromXml(name: string, children: XmlNode[], schema: JsonSchema): unknown {
  const elements = children.filter((child) => nameOf(child) !== '#text');
  const text = children.filter((child) => nameOf(child) === '#text').map((child) => child['#text']).join('');
  const types = typesOf(schema);
  if (types.includes('array')) {
    const item = itemElements[name];
    return elements.map((child) => {
      const childName = nameOf(child);
      if (childName !== item) throw new Error(`<${name}> holds <${childName}>; the specification's item element is <${item}>`);
      return fromXml(childName, child[childName] as XmlNode[], schema.items ?? {});
    });
  }
  if (elements.length > 0 || types.includes('object') || schema.properties) {
    return Object.fromEntries(elements.map((child) => {
      const childName = nameOf(child);
      return [childName, fromXml(childName, child[childName] as XmlNode[], schema.properties?.[childName] ?? {})];
    }));
  }
  if (text === '' && allowsNull(schema)) return null;
  if (types.includes('boolean') && (text === 'true' || text === 'false')) return text === 'true';
  if ((types.includes('number') || types.includes('integer')) && text.trim() !== '' && Number.isFinite(Number(text))) return Number(text);
  return text;
}

const parser = new XMLParser({ preserveOrder: true, parseTagValue: false, trimValues: false, ignoreAttributes: false, processEntities: true });

/** An XML answer read back into the JSON shape; throws if it is not well-formed or its root is not `root`. */
export function readXml(xml: string, kind: DocumentKind): unknown {
  if (!xml.startsWith('<?xml version="1.0" encoding="utf-8"?>')) throw new Error('no XML declaration with encoding="utf-8"');
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw new Error(`not well-formed XML: ${JSON.stringify(valid.err)}`);
  const nodes = (parser.parse(xml) as XmlNode[]).filter((node) => nameOf(node) !== '?xml' && nameOf(node) !== '#text');
  if (nodes.length !== 1) throw new Error(`${nodes.length} root elements`);
  const root = nameOf(nodes[0]!);
  const { root: expected, schema } = documents[kind];
  if (root !== expected) throw new Error(`root element <${root}>, expected <${expected}>`);
  return fromXml(root, nodes[0]![root] as XmlNode[], schema);
}

/** An HTTP answer as both app.inject and a real client see it. */
export interface Answer { statusCode: number; headers: Record<string, unknown>; body: string }

/** Everything wrong with one Open311 answer; empty when a GeoReport client would read it as the specification says. */
export function conformanceProblems(method: string, url: string, response: Answer): string[] {
  const path = url.split('?')[0]!.toLowerCase();
  const kind = kindOf(method, path, response.statusCode);
  const xml = /\.xml$/.test(path) || (!/\.json$/.test(path) && !/json/.test(String(response.headers['content-type'])));
  const contentType = String(response.headers['content-type']);
  const problems: string[] = [];
  if (!contentType.includes(xml ? 'text/xml' : 'application/json') || !/charset=utf-8/i.test(contentType)) problems.push(`content-type ${contentType}`);
  let value: unknown;
  try {
    value = xml ? readXml(response.body, kind) : JSON.parse(response.body);
  } catch (error) {
    return [...problems, (error as Error).message];
  }
  const validate = validators.get(kind)!;
  if (!validate(value)) problems.push(...(validate.errors ?? []).map((e) => `${kind} ${e.instancePath || '/'} ${e.message}`));
  if (kind === 'services' && !officialLists.services(value)) problems.push('services.json refuses it');
  if (kind === 'requests' && !officialLists.requests(value)) problems.push('requests.json refuses it');
  problems.push(...orderProblems(value, documents[kind].schema));
  if (kind === 'errors' && Array.isArray(value) && value.some((error) => error.code !== response.statusCode)) problems.push('an error code differs from the HTTP status');
  return problems;
}

interface Assert { same(found: unknown, wanted: unknown, message: string): unknown }

/** app.inject for Open311 paths, asserting each answer conforms; returns the answer and its value in the JSON shape. */
export function geoReportClient(t: Assert, app: FastifyInstance) {
  return async (options: InjectOptions & { url: string }): Promise<LightMyRequestResponse & { value: any }> => {
    const method = (options.method ?? 'GET').toUpperCase();
    const response = await app.inject(options);
    const problems = conformanceProblems(method, options.url, response);
    t.same(problems, [], `${method} ${options.url} (${response.statusCode}) conforms to GeoReport v2`);
    const path = options.url.split('?')[0]!;
    const kind = kindOf(method, path, response.statusCode);
    let value: unknown;
    try {
      value = /json/.test(String(response.headers['content-type'])) ? JSON.parse(response.body) : readXml(response.body, kind);
    } catch {
      value = undefined;
    }
    return Object.assign(response, { value });
  };
}
