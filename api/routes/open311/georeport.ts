// GeoReport v2's error shape, for every answer under /open311 that is not a
// success: a list of {code, description} (in XML <errors><error>…), code
// being the HTTP status. The specification names 400, 403 (api_key) and 404
// (service_code or jurisdiction_id not found), and other client errors read
// as 400; only refusals a client acts on differently keep their own status
// (413 too large, 415 wrong content type, 429 too many, 5xx try later). Our problems (ApiProblem, schema validation,
// Fastify's own refusals) are translated here, once, with the English and the
// Persian text in each description and the failing field by the name the
// client sent.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ApiProblem, fieldErrors, type FieldError } from '../../plugins/app/problems.ts';
import { answer, formats } from './format.ts';

export const Errors = {
  type: 'array',
  description: 'GeoReport errors (in XML <errors><error><code/><description/></error></errors>): code is the HTTP status; description says what was wrong, in English and Persian',
  items: {
    type: 'object', required: ['code', 'description'],
    properties: { code: { type: 'integer' }, description: { type: 'string' } },
  },
} as const;

/** A GeoReport client error: one description per thing that was wrong. */
export class GeoReportError extends Error {
  readonly statusCode: number;
  readonly descriptions: string[];
  constructor(statusCode: number, ...descriptions: string[]) {
    super(descriptions.join('; '));
    this.statusCode = statusCode;
    this.descriptions = descriptions;
  }
}

export function fail(request: FastifyRequest, reply: FastifyReply, status: number, ...descriptions: string[]): FastifyReply {
  return answer(request, reply, 'errors', descriptions.map((description) => ({ code: status, description })), status);
}

/** 401 has no GeoReport counterpart: the credential is the api_key, whose refusal is 403. */
const geoStatus = (status: number): number => (status === 401 ? 403 : [403, 404, 413, 414, 415, 429].includes(status) ? status : 400);

/**
 * A field as a GeoReport client knows it: a start-form field is
 * attribute[code] (`alias` adds the GeoReport field that also fills it);
 * anything else by its name in the body or query.
 */
export function fieldName(path: string, alias: (key: string) => string | undefined = () => undefined): string {
  const rest = path.replace(/^\/(body|query|querystring|params|headers)(?=\/|$)/, '');
  const form = /^\/(?:form|attribute)\/([^/]+)/.exec(rest);
  if (form) {
    const also = alias(form[1]!);
    return `attribute[${form[1]}]${also ? ` (or ${also})` : ''}`;
  }
  const field = /^\/([^/]+)/.exec(rest);
  return field ? field[1]! : 'the request';
}

export const describeField = (error: FieldError, name: string) => `${name}: ${error.message} — ${error.messageFa}`;

/** What a Fastify refusal means, for a GeoReport client. */
const fastifyDescriptions: Record<string, string> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'send application/x-www-form-urlencoded (as GeoReport clients do) or application/json — نوع محتوای درخواست پشتیبانی نمی‌شود.',
  FST_ERR_CTP_BODY_TOO_LARGE: 'the request body is too large — حجم درخواست بیش از حد مجاز است.',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'the request body is empty — بدنه درخواست خالی است.',
  FST_ERR_CTP_INVALID_JSON_BODY: 'the request body is not valid JSON — بدنه درخواست JSON معتبر نیست.',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'Content-Length does not match the body — طول محتوای درخواست نادرست است.',
  FST_ERR_CTP_INVALID_CHARSET: 'send the body in UTF-8 — متن درخواست باید با کدگذاری UTF-8 باشد.',
  FST_ERR_BAD_URL: 'the address is not valid percent-encoded UTF-8 — نشانی درخواست درست رمزگذاری نشده است.',
  FST_ERR_MAX_PARAM_LENGTH: 'a part of the address is too long — نشانی درخواست بیش از حد بلند است.',
};

/** Fastify refusals whose own status says more than a 400 would. */
const fastifyStatuses: Record<string, number> = { FST_ERR_MAX_PARAM_LENGTH: 414 };

/** The path asked for, cut short: it is echoed back and may be anything. */
const pathOf = (request: FastifyRequest) => {
  const path = request.url.split('?')[0]!;
  return path.length > 200 ? `${path.slice(0, 200)}…` : path;
};

interface AjvIssue { keyword: string; instancePath: string; message?: string; params: Record<string, unknown> }

export function geoReportErrorHandler(error: FastifyError & Partial<ApiProblem>, request: FastifyRequest, reply: FastifyReply) {
  if (error instanceof GeoReportError) return fail(request, reply, error.statusCode, ...error.descriptions);
  if (error.validation) {
    // A resource name that does not parse (services.html, requests/abc.json) is a resource that does not exist.
    if (error.validationContext === 'params') {
      return fail(request, reply, 404, `no resource ${pathOf(request)} (the formats are ${formats.map((f) => `.${f}`).join(' and ')}) — چنین نشانی‌ای وجود ندارد.`);
    }
    const root = `/${error.validationContext ?? 'body'}`;
    return fail(request, reply, 400, ...fieldErrors(error.validation as unknown as AjvIssue[], root).map((field) => describeField(field, fieldName(field.path))));
  }
  const status = fastifyStatuses[error.code]
    ?? (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 600 ? error.statusCode : 500);
  if (status >= 500) {
    request.log.error({ err: error }, 'open311 request failed');
    return fail(request, reply, status, 'something went wrong on our side; it has been logged — خطایی در سامانه رخ داد؛ کمی بعد دوباره تلاش کنید.');
  }
  if (error instanceof ApiProblem) {
    const fields = error.errors?.map((field) => describeField(field, fieldName(field.path))) ?? [];
    return fail(request, reply, geoStatus(status), ...(fields.length > 0 ? fields : [`${error.message} — ${error.detailFa}`]));
  }
  return fail(request, reply, geoStatus(status), fastifyDescriptions[error.code] ?? `${error.message} — درخواست پذیرفته نشد.`);
}

export function geoReportNotFound(request: FastifyRequest, reply: FastifyReply) {
  return fail(request, reply, 404, `no resource ${request.method} ${pathOf(request)} — چنین نشانی‌ای وجود ندارد.`);
}
