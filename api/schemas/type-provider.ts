// Route types come from the routes' own JSON schemas (json-schema-to-ts), so
// a body, a query or an answer is described once: `typed(app).post('/',
// { schema: { body: Submission } }, (request) => …)` gives `request.body` the
// type the schema validates, and the handler's answer is checked against the
// response schema.
//
// Two readings differ from json-schema-to-ts's defaults, both about answers:
// a timestamp (`format: date-time`) may be answered as a Date and a download
// (`format: binary`) as a Buffer, which Fastify writes as they should be; and
// an answer is checked for the properties its schema names only, because the
// serializer writes those and drops the rest (an object the schema leaves
// open would otherwise demand an index signature of every interface).
import type { FastifyInstance, FastifyReply, FastifyTypeProvider } from 'fastify';
import type { FromSchema, JSONSchema } from 'json-schema-to-ts';

type AnswerOptions = {
  deserialize: [
    { pattern: { type: 'string'; format: 'date-time' }; output: Date | string },
    { pattern: { type: 'string'; format: 'binary' }; output: Buffer | string },
  ];
};

/** A type without its string index signatures, all the way down. */
type Named<T> = T extends Date | Buffer ? T
  : T extends ReadonlyArray<infer Item> ? Named<Item>[]
    : T extends object ? { [K in keyof T as string extends K ? never : K]: Named<T[K]> }
      : T;

export interface ApiTypeProvider extends FastifyTypeProvider {
  validator: this['schema'] extends JSONSchema ? FromSchema<this['schema']> : unknown;
  serializer: this['schema'] extends JSONSchema ? Named<FromSchema<this['schema'], AnswerOptions>> : unknown;
}

/** The instance with route types drawn from the schemas. */
export const typed = (app: FastifyInstance) => app.withTypeProvider<ApiTypeProvider>();

/** A 204 (the schema's `type: 'null'`): nothing is serialised, so no content type is sent either. */
export const noContent = (reply: unknown) => (reply as FastifyReply).code(204).send();
