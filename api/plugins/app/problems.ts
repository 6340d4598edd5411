// One error handler for the whole application: every error leaves as RFC 9457
// problem details. Client mistakes keep their 4xx status and say what was
// wrong, in English and Persian; anything else is logged and answered with a
// bare 500, so no stack, SQL or engine message reaches a client.
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import fp from 'fastify-plugin';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { Problem } from '../../schemas/problem.ts';
import { ApiProblem, fieldErrors, type AjvError } from '../../../platform/problem.ts';
import { inertPolicy } from './security-headers.ts';

export { ApiProblem, fieldErrors, type FieldError } from '../../../platform/problem.ts';

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
  406: 'قالب پاسخ خواسته‌شده پشتیبانی نمی‌شود.',
  408: 'درخواست دیر رسید؛ دوباره تلاش کنید.',
  409: 'با وضعیت کنونی سازگار نیست.',
  413: 'حجم درخواست بیش از حد مجاز است.',
  414: 'نشانی درخواست بیش از حد بلند است.',
  415: 'نوع محتوای درخواست پشتیبانی نمی‌شود.',
  416: 'بازه خواسته‌شده از پرونده وجود ندارد.',
  422: 'درخواست پذیرفته نشد.',
  429: 'تعداد درخواست‌ها بیش از حد مجاز است؛ کمی بعد دوباره تلاش کنید.',
  431: 'سرآیندهای درخواست بیش از حد بزرگ است.',
};

const locations: Record<string, string> = { querystring: 'query', body: 'body', params: 'params', headers: 'headers' };

/**
 * gRPC UNAVAILABLE (14) or DEADLINE_EXCEEDED (4) from the Zeebe client, after
 * its few retries: the engine is away. Routes that hold a change durably
 * (submit, appointment changes) answer success without waiting for it; the
 * others are safe to repeat, which is what the answer asks for.
 */
function engineUnreachable(error: { code?: unknown; message?: string }): boolean {
  return error.code === 14 || error.code === 4 || /^(14 UNAVAILABLE|4 DEADLINE_EXCEEDED)/.test(error.message ?? '');
}

export const problemContentType = 'application/problem+json; charset=utf-8';

/** An RFC 9457 problem document: `type` about:blank and the status's title unless given. */
export function problemDocument(status: number, body: Record<string, unknown>): Record<string, unknown> {
  return { type: 'about:blank', title: STATUS_CODES[status] ?? 'Error', status, ...body };
}

/**
 * Sends a problem document. Serialised here, never through the route's
 * response schema: a route whose schema describes another error shape must
 * not turn a refusal into a serialisation fault.
 */
export function sendProblem(reply: FastifyReply, status: number, body: Record<string, unknown>) {
  return reply.code(status).type(problemContentType).serializer(JSON.stringify).send(problemDocument(status, body));
}

/**
 * Errors Fastify meets before any route (an undecodable path, a path
 * parameter past its length limit), as problem documents: the app's
 * `frameworkErrors` option.
 */
export function frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  if (error.code === 'FST_ERR_BAD_URL') {
    return sendProblem(reply, 400, { type: 'urn:shahrdari:problem:bad-url', detail: 'The address is not validly percent-encoded.', detailFa: 'نشانی درخواست درست رمزگذاری نشده است.' });
  }
  if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') {
    return sendProblem(reply, 414, { type: 'urn:shahrdari:problem:uri-too-long', detail: 'A part of the address is too long.', detailFa: 'نشانی درخواست بیش از حد بلند است.' });
  }
  request.log.error({ err: error }, 'routing failed');
  return sendProblem(reply, 500, { detail: 'Something went wrong on our side; it has been logged.', detailFa: 'خطایی در سامانه رخ داد؛ لطفاً کمی بعد دوباره تلاش کنید.' });
}

/**
 * What Node's HTTP parser refuses before Fastify sees a request (headers
 * too large, a malformed request line), answered as a problem document on
 * the raw socket: the app's `clientErrorHandler` option.
 */
export function clientErrorHandler(error: NodeJS.ErrnoException, socket: Duplex) {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, detail, detailFa] = error.code === 'HPE_HEADER_OVERFLOW'
    ? [431, 'The request headers are too large.', 'سرآیندهای درخواست بیش از حد بزرگ است.']
    : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? [408, 'The request took too long to arrive.', 'درخواست دیر رسید؛ دوباره تلاش کنید.']
      : [400, 'The request is not valid HTTP.', 'درخواست نادرست است.'];
  const body = JSON.stringify(problemDocument(status, { detail, detailFa }));
  if (socket.writable) {
    socket.write(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: ${problemContentType}\r\n`
      + `Content-Length: ${Buffer.byteLength(body)}\r\nX-Content-Type-Options: nosniff\r\nContent-Security-Policy: ${inertPolicy}\r\nConnection: close\r\n\r\n${body}`);
  }
  socket.destroy(error);
}

export default fp(async (app) => {
  app.addSchema(Problem);

  app.setErrorHandler((error: FastifyError & Partial<ApiProblem>, request: FastifyRequest, reply: FastifyReply) => {
    if (error.validation) {
      const location = locations[error.validationContext ?? 'body'] ?? 'body';
      return sendProblem(reply, 400, {
        type: 'urn:shahrdari:problem:invalid-input',
        detail: 'Some fields are not valid.',
        detailFa: 'برخی از موردها درست پر نشده‌اند.',
        errors: fieldErrors(error.validation as unknown as AjvError[], `/${location}`),
      });
    }
    if (engineUnreachable(error)) {
      request.log.error({ err: error }, 'the engine did not answer');
      return sendProblem(reply, 503, {
        type: 'urn:shahrdari:problem:engine-unavailable',
        detail: 'The process engine is not reachable right now. Try again shortly; repeating the request is safe.',
        detailFa: 'سامانه رسیدگی هم‌اکنون در دسترس نیست؛ چند لحظه بعد دوباره تلاش کنید.',
      });
    }
    const status = typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 600 ? error.statusCode : 500;
    if (status >= 500) {
      request.log.error({ err: error }, 'request failed');
      return sendProblem(reply, status, { detail: 'Something went wrong on our side; it has been logged.', detailFa: 'خطایی در سامانه رخ داد؛ لطفاً کمی بعد دوباره تلاش کنید.' });
    }
    if (error instanceof ApiProblem) {
      return sendProblem(reply, status, {
        type: `urn:shahrdari:problem:${error.slug}`,
        detail: error.message,
        detailFa: error.detailFa,
        ...(error.errors ? { errors: error.errors } : {}),
      });
    }
    return sendProblem(reply, status, {
      detail: error.message,
      detailFa: fastifyCodesFa[error.code] ?? statusFa[status] ?? 'درخواست پذیرفته نشد.',
    });
  });

  app.setNotFoundHandler((request, reply) => sendProblem(reply, 404, {
    detail: `No route ${request.method} ${request.url.split('?')[0]}`,
    detailFa: 'چنین نشانی‌ای وجود ندارد.',
  }));

  // The last line of defence: an error answered in any other shape (a
  // library's own reply, a route that forgot) still leaves as a problem
  // document, and the log says which route to fix. /open311 answers
  // GeoReport's own error format; a page for people (the certificate verify
  // page's «not found») stays the page it is.
  app.addHook('onSend', async (request, reply, payload) => {
    if (reply.statusCode < 400 || request.url.startsWith('/open311/')) return payload;
    const type = String(reply.getHeader('content-type') ?? '');
    if (type.startsWith('application/problem+json') || type.startsWith('text/html')) return payload;
    request.log.warn({ statusCode: reply.statusCode, route: request.routeOptions.url }, 'an error left without a problem document; answered with one');
    if (payload && typeof (payload as NodeJS.ReadableStream).pipe === 'function') (payload as unknown as { destroy?(): void }).destroy?.();
    reply.type(problemContentType);
    reply.removeHeader('content-length');
    return JSON.stringify(problemDocument(reply.statusCode, {
      detail: STATUS_CODES[reply.statusCode] ?? 'Error',
      detailFa: statusFa[reply.statusCode] ?? (reply.statusCode >= 500 ? 'خطایی در سامانه رخ داد؛ لطفاً کمی بعد دوباره تلاش کنید.' : 'درخواست پذیرفته نشد.'),
    }));
  });
}, { name: 'problems' });
