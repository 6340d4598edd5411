// One error handler for the whole application: every error leaves as RFC 9457
// problem details. Client mistakes keep their 4xx status and say what was
// wrong, in English and Persian; anything else is logged and answered with a
// bare 500, so no stack, SQL or engine message reaches a client.
import { STATUS_CODES } from 'node:http';
import fp from 'fastify-plugin';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { Problem } from '../../schemas/problem.ts';

export interface FieldError { path: string; message: string; messageFa: string }

/** A client error with a Persian explanation, thrown by services and handlers. */
export class ApiProblem extends Error {
  readonly statusCode: number;
  readonly slug: string;
  readonly detailFa: string;
  readonly errors?: FieldError[];
  constructor(statusCode: number, slug: string, detail: string, detailFa: string, errors?: FieldError[]) {
    super(detail);
    this.statusCode = statusCode;
    this.slug = slug;
    this.detailFa = detailFa;
    this.errors = errors;
  }
}

/** What Fastify's own client errors mean, for people. */
const fastifyCodesFa: Record<string, string> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'نوع محتوای درخواست پشتیبانی نمی‌شود.',
  FST_ERR_CTP_BODY_TOO_LARGE: 'حجم درخواست بیش از حد مجاز است.',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'بدنه درخواست خالی است.',
  FST_ERR_CTP_INVALID_JSON_BODY: 'بدنه درخواست JSON معتبر نیست.',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'طول محتوای درخواست نادرست است.',
  FST_REQ_FILE_TOO_LARGE: 'حجم پرونده بیش از حد مجاز است.',
  FST_FILES_LIMIT: 'تعداد پرونده‌ها بیش از حد مجاز است.',
  FST_INVALID_MULTIPART_CONTENT_TYPE: 'درخواست باید multipart/form-data باشد.',
};

const statusFa: Record<number, string> = {
  400: 'درخواست نادرست است.',
  401: 'ابتدا وارد سامانه شوید.',
  403: 'اجازه این کار را ندارید.',
  404: 'پیدا نشد.',
  405: 'این روش پشتیبانی نمی‌شود.',
  409: 'با وضعیت کنونی سازگار نیست.',
  413: 'حجم درخواست بیش از حد مجاز است.',
  415: 'نوع محتوای درخواست پشتیبانی نمی‌شود.',
  422: 'درخواست پذیرفته نشد.',
  429: 'تعداد درخواست‌ها بیش از حد مجاز است؛ کمی بعد دوباره تلاش کنید.',
};

interface AjvError { keyword: string; instancePath: string; message?: string; params: Record<string, unknown> }

const formatFa: Record<string, string> = {
  'national-code': 'کد ملی درست نیست؛ ده رقم با رقم کنترل درست لازم است.',
  mobile: 'شماره همراه درست نیست؛ به شکل ۰۹۱۲۳۴۵۶۷۸۹ بنویسید.',
  'postal-code': 'کد پستی باید ده رقم باشد و با صفر شروع نشود.',
};

function messageFa(error: AjvError): string {
  switch (error.keyword) {
    case 'required': return 'این مورد را باید پر کنید.';
    case 'format': return formatFa[String(error.params.format)] ?? 'قالب این مورد درست نیست.';
    case 'type': return 'نوع این مقدار درست نیست.';
    // An empty answer to a required text field reads as what it is: missing.
    case 'minLength': return error.params.limit === 1 ? 'این مورد را باید پر کنید.' : 'کوتاه‌تر از حد مجاز است.';
    case 'maxLength': return 'بلندتر از حد مجاز است.';
    case 'minimum': case 'exclusiveMinimum': return 'کمتر از حد مجاز است.';
    case 'maximum': case 'exclusiveMaximum': return 'بیشتر از حد مجاز است.';
    case 'minItems': return 'دست‌کم یک مورد را انتخاب کنید.';
    case 'enum': case 'const': return 'یکی از گزینه‌های مجاز را انتخاب کنید.';
    case 'pattern': return 'قالب این مورد درست نیست.';
    case 'additionalProperties': return 'این مورد شناخته نیست.';
    default: return 'این مقدار پذیرفته نیست.';
  }
}

const locations: Record<string, string> = { querystring: 'query', body: 'body', params: 'params', headers: 'headers' };

/** ajv errors as field errors whose path names the field, starting at `root` (e.g. /body or /body/form). */
export function fieldErrors(errors: AjvError[], root: string): FieldError[] {
  // ajv adds a generic "must match then/else schema" beside the real reason; a field gets the real one.
  const specific = new Set(errors.filter((error) => error.keyword !== 'if').map((error) => error.instancePath));
  return errors.filter((error) => error.keyword !== 'if' || !specific.has(error.instancePath)).map((error) => {
    let path = `${root}${error.instancePath}`;
    if (error.keyword === 'required') path += `/${String(error.params.missingProperty)}`;
    if (error.keyword === 'additionalProperties') path += `/${String(error.params.additionalProperty)}`;
    const message = error.keyword === 'format' ? `must be a valid ${String(error.params.format)}` : (error.message ?? 'is not accepted');
    return { path, message, messageFa: messageFa(error) };
  });
}

/**
 * gRPC UNAVAILABLE (14) or DEADLINE_EXCEEDED (4) from the Zeebe client, after
 * its few retries: the engine is away. Routes that hold a change durably
 * (submit, appointment changes) answer success without waiting for it; the
 * others are safe to repeat, which is what the answer asks for.
 */
function engineUnreachable(error: { code?: unknown; message?: string }): boolean {
  return error.code === 14 || error.code === 4 || /^(14 UNAVAILABLE|4 DEADLINE_EXCEEDED)/.test(error.message ?? '');
}

function send(reply: FastifyReply, status: number, body: Record<string, unknown>) {
  return reply
    .code(status)
    .type('application/problem+json; charset=utf-8')
    .send({ type: 'about:blank', title: STATUS_CODES[status] ?? 'Error', status, ...body });
}

export default fp(async (app) => {
  app.addSchema(Problem);

  app.setErrorHandler((error: FastifyError & Partial<ApiProblem>, request: FastifyRequest, reply: FastifyReply) => {
    if (error.validation) {
      const location = locations[error.validationContext ?? 'body'] ?? 'body';
      return send(reply, 400, {
        type: 'urn:shahrdari:problem:invalid-input',
        detail: 'Some fields are not valid.',
        detailFa: 'برخی از موردها درست پر نشده‌اند.',
        errors: fieldErrors(error.validation as unknown as AjvError[], `/${location}`),
      });
    }
    if (engineUnreachable(error)) {
      request.log.error({ err: error }, 'the engine did not answer');
      return send(reply, 503, {
        type: 'urn:shahrdari:problem:engine-unavailable',
        detail: 'The process engine is not reachable right now. Try again shortly; repeating the request is safe.',
        detailFa: 'سامانه رسیدگی هم‌اکنون در دسترس نیست؛ چند لحظه بعد دوباره تلاش کنید.',
      });
    }
    const status = typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 600 ? error.statusCode : 500;
    if (status >= 500) {
      request.log.error({ err: error }, 'request failed');
      return send(reply, status, { detail: 'Something went wrong on our side; it has been logged.', detailFa: 'خطایی در سامانه رخ داد؛ لطفاً کمی بعد دوباره تلاش کنید.' });
    }
    if (error instanceof ApiProblem) {
      return send(reply, status, {
        type: `urn:shahrdari:problem:${error.slug}`,
        detail: error.message,
        detailFa: error.detailFa,
        ...(error.errors ? { errors: error.errors } : {}),
      });
    }
    return send(reply, status, {
      detail: error.message,
      detailFa: fastifyCodesFa[error.code] ?? statusFa[status] ?? 'درخواست پذیرفته نشد.',
    });
  });

  app.setNotFoundHandler((request, reply) => send(reply, 404, {
    detail: `No route ${request.method} ${request.url.split('?')[0]}`,
    detailFa: 'چنین نشانی‌ای وجود ندارد.',
  }));
}, { name: 'problems' });
