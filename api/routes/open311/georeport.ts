// GeoReport v2's error shape: a list of {code, description}, with HTTP 400,
// 403 or 404 (the only client errors the specification names). Our problems
// (ApiProblem, schema validation) are translated here, once, with the English
// and the Persian text in each description and the failing field by name.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ApiProblem, type FieldError } from '../../plugins/app/problems.ts';

export const Errors = {
  type: 'array',
  description: 'GeoReport errors: code is the HTTP status; description says what was wrong, in English and Persian',
  items: { type: 'object', required: ['code', 'description'], properties: { code: { type: 'integer' }, description: { type: 'string' } } },
} as const;

export type GeoReportStatus = 400 | 403 | 404;

/** A GeoReport client error: one description per thing that was wrong. */
export class GeoReportError extends Error {
  readonly statusCode: GeoReportStatus;
  readonly descriptions: string[];
  constructor(statusCode: GeoReportStatus, ...descriptions: string[]) {
    super(descriptions.join('; '));
    this.statusCode = statusCode;
    this.descriptions = descriptions;
  }
}

export function fail(reply: FastifyReply, status: number, ...descriptions: string[]) {
  return reply.code(status).send(descriptions.map((description) => ({ code: status, description })));
}

/** 401 has no GeoReport counterpart (the credential is the api_key: 403); other refusals read as bad input. */
const geoStatus = (status: number): GeoReportStatus => (status === 404 ? 404 : status === 401 || status === 403 ? 403 : 400);

/**
 * Field paths as a GeoReport client knows them: the start form's fields are
 * attribute[code]; `alias` adds the GeoReport field that also fills it.
 */
export function fieldName(path: string, alias: (key: string) => string | undefined = () => undefined): string {
  const form = /^\/body\/form\/([^/]+)/.exec(path);
  if (form) {
    const also = alias(form[1]!);
    return `attribute[${form[1]}]${also ? ` (or ${also})` : ''}`;
  }
  const body = /^\/body\/([^/]+)/.exec(path);
  return body ? body[1]! : path;
}

export const describeField = (error: FieldError, name: string) => `${name}: ${error.message} — ${error.messageFa}`;

export function geoReportErrorHandler(error: FastifyError & Partial<ApiProblem> & Partial<GeoReportError>, request: FastifyRequest, reply: FastifyReply) {
  if (error instanceof GeoReportError) return fail(reply, error.statusCode, ...error.descriptions);
  if (error.validation) {
    return fail(reply, 400, ...error.validation.map((issue) => {
      const missing = issue.keyword === 'required' ? `/${String(issue.params.missingProperty)}` : '';
      return `${fieldName(`/body${issue.instancePath}${missing}`)}: ${issue.message ?? 'is not accepted'} — این مورد درست پر نشده است.`;
    }));
  }
  const status = typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
  if (status === 500) {
    request.log.error({ err: error }, 'open311 request failed');
    return fail(reply, 500, 'internal error — خطایی در سامانه رخ داد؛ کمی بعد دوباره تلاش کنید.');
  }
  if (error instanceof ApiProblem) {
    const fields = error.errors?.map((field) => describeField(field, fieldName(field.path))) ?? [];
    return fail(reply, geoStatus(status), ...(fields.length > 0 ? fields : [`${error.message} — ${error.detailFa}`]));
  }
  return fail(reply, geoStatus(status), error.message);
}
