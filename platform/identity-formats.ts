// The identity formats citizens' fields are checked with, shared by the route
// schemas (through Fastify's ajv) and the start-form schemas (through the
// catalogue's own ajv), so `format: 'national-code'` means the same everywhere.
import type { Ajv } from 'ajv';
import { parseMobile, parseNationalCode, parsePostalCode } from './identity.ts';

export const identityFormats = {
  'national-code': (value: string) => parseNationalCode(value) !== null,
  mobile: (value: string) => parseMobile(value) !== null,
  'postal-code': (value: string) => parsePostalCode(value) !== null,
} as const;

/** An ajv plugin: `new Ajv({ plugins: [addIdentityFormats] })` or Fastify's `ajv.plugins`. */
export function addIdentityFormats(ajv: Ajv): Ajv {
  for (const [name, validate] of Object.entries(identityFormats)) ajv.addFormat(name, { type: 'string', validate });
  return ajv;
}
