// GeoReport's two formats. A client names the format as the resource's
// extension (services.xml, requests/123.json); XML is the one the
// specification requires (FixMyStreet speaks only XML), JSON is optional.
// Every route builds one value in the JSON shape, with its keys in the
// specification's order, and `answer` writes it as either: the XML has the
// same elements in the same order, lists wrapped in their plural element
// (<services><service>…).
import type { FastifyReply, FastifyRequest } from 'fastify';

export type Format = 'xml' | 'json';
export const formats: Format[] = ['xml', 'json'];
/** A route's `.:format` parameter: one of the formats, which the scope's onRequest hook has lower-cased. */
export const formatParam = { type: 'string', enum: formats } as const;
export const contentTypes: Record<Format, string> = { xml: 'text/xml; charset=utf-8', json: 'application/json; charset=utf-8' };

/**
 * The format a request asks for: its path's extension; without one (an
 * unknown route), JSON if the Accept header prefers it, else XML.
 */
export function formatOf(request: FastifyRequest): Format {
  const path = request.url.split('?')[0]!;
  const extension = /\.(xml|json)$/i.exec(path)?.[1]?.toLowerCase();
  if (extension === 'xml' || extension === 'json') return extension;
  const accept = String(request.headers.accept ?? '');
  return /json/i.test(accept) && !/xml/i.test(accept) ? 'json' : 'xml';
}

/** The root element of each GeoReport document; a list's root is its plural. */
export type Root = 'discovery' | 'services' | 'service_definition' | 'service_requests' | 'errors';

/** The element each item of a list is written as. */
const itemNames: Record<string, string> = {
  services: 'service', service_requests: 'request', errors: 'error',
  attributes: 'attribute', values: 'value', endpoints: 'endpoint', formats: 'format',
};

/** Characters XML 1.0 cannot carry (C0 controls but tab and newlines, lone surrogates, U+FFFE/FFFF) become U+FFFD. */
const notXml = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;
const entities: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };

export function xmlText(value: string): string {
  return value.replace(notXml, '\uFFFD').replace(/[&<>]/g, (char) => entities[char]!);
}

function element(name: string, value: unknown): string {
  if (value === undefined) return '';
  if (value === null) return `<${name}/>`;
  if (Array.isArray(value)) {
    const item = itemNames[name];
    if (!item) throw new Error(`GeoReport XML: no item element for the list ${name}`);
    return `<${name}>${value.map((entry) => element(item, entry)).join('')}</${name}>`;
  }
  if (typeof value === 'object') {
    return `<${name}>${Object.entries(value).map(([key, child]) => element(key, child)).join('')}</${name}>`;
  }
  return `<${name}>${xmlText(String(value))}</${name}>`;
}

/** A GeoReport document as XML: the declaration, then `root` holding `body`. */
export function toXml(root: Root, body: unknown): string {
  return `<?xml version="1.0" encoding="utf-8"?>\n${element(root, body)}\n`;
}

/**
 * Sends `body` (the JSON shape) in the request's format. JSON is written in
 * the body's own key order: the routes' response schemas document it, but
 * their serialiser would put required properties first.
 */
export function answer(request: FastifyRequest, reply: FastifyReply, root: Root, body: unknown, status = 200): FastifyReply {
  reply.code(status);
  if (formatOf(request) === 'xml') return reply.type(contentTypes.xml).send(toXml(root, body));
  return reply.type(contentTypes.json).send(JSON.stringify(body));
}
