// The one place the pages talk to the API: a fetch wrapper that carries the
// signed-in token and turns problem details (RFC 9457) into an ApiError the
// forms can show field by field.
import type { paths } from './api-types.ts';

type Method = 'get' | 'post' | 'put' | 'delete' | 'patch';
type JsonOf<Response> = Response extends { content: { 'application/json': infer Json } } ? Json : never;

/**
 * What the API answers to `method` on `path` when it succeeds, read from
 * api-types.ts (generated from the API's OpenAPI document, so a page's idea
 * of an answer cannot drift from the API's).
 */
export type Answer<Path extends keyof paths, M extends Method = 'get'> =
  paths[Path][M] extends { responses: infer Responses } ? JsonOf<Responses[Extract<keyof Responses, 200 | 201 | 202>]> : never;

/** The JSON body `method` on `path` takes. */
export type Body<Path extends keyof paths, M extends Method> =
  paths[Path][M] extends { requestBody?: { content: { 'application/json': infer Json } } } ? Json : never;

/** What the pages make of any failed answer: the API's problem document, or as much of one as a proxy's error gives. */
export interface FieldProblem { path: string; message: string; messageFa?: string }
export interface Problem { type?: string; title?: string; status: number; detail?: string; detailFa?: string; errors?: FieldProblem[] }

export class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detailFa ?? problem.detail ?? problem.title ?? `HTTP ${problem.status}`);
  }

  get status(): number { return this.problem.status; }

  /** The Persian sentence to show a person. */
  get messageFa(): string {
    return this.problem.detailFa ?? this.problem.errors?.[0]?.messageFa
      ?? (this.status >= 500 ? 'خطایی در سامانه رخ داد؛ کمی بعد دوباره تلاش کنید.' : this.message);
  }

  /** Field errors keyed by the last segment of their path (/body/form/nationalCode → nationalCode). */
  fieldErrors(): Map<string, string> {
    const errors = new Map<string, string>();
    for (const error of this.problem.errors ?? []) {
      const key = error.path.split('/').filter(Boolean).pop() ?? '';
      if (!errors.has(key)) errors.set(key, error.messageFa ?? error.message);
    }
    return errors;
  }
}

export interface Session { token: string; name?: string | null; [key: string]: unknown }

export class Api {
  constructor(private readonly storageKey: string) {}

  get session(): Session | null {
    const raw = window.localStorage.getItem(this.storageKey);
    if (!raw) return null;
    try {
      return JSON.parse(raw) as Session;
    } catch {
      return null;
    }
  }

  set session(value: Session | null) {
    if (value) window.localStorage.setItem(this.storageKey, JSON.stringify(value));
    else window.localStorage.removeItem(this.storageKey);
  }

  async call<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
    const token = this.session?.token;
    const init: RequestInit = {
      method,
      headers: {
        accept: 'application/json',
        ...(body !== undefined && !(body instanceof FormData) ? { 'content-type': 'application/json' } : {}),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : body instanceof FormData ? body : JSON.stringify(body),
    };
    let response: Response;
    try {
      response = await fetch(path, init);
    } catch {
      throw new ApiError({ status: 0, detailFa: 'ارتباط با سامانه برقرار نشد؛ اتصال اینترنت را بررسی کنید.' });
    }
    if (response.status === 401 && token) this.session = null;
    const text = await response.text();
    const parsed = text ? safeJson(text) : undefined;
    if (!response.ok) {
      const problem = (parsed && typeof parsed === 'object' ? parsed : {}) as Partial<Problem>;
      throw new ApiError({ ...problem, status: response.status });
    }
    return parsed as T;
  }

  /**
   * Saves a file the API only gives to the signed-in owner: a plain link
   * cannot carry the bearer token, so the file is fetched and handed over as a blob.
   */
  async download(path: string, fileName: string): Promise<void> {
    const token = this.session?.token;
    const response = await fetch(path, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    if (!response.ok) {
      const problem = safeJson(await response.text()) as Partial<Problem>;
      throw new ApiError({ ...problem, status: response.status });
    }
    const url = URL.createObjectURL(await response.blob());
    const link = document.createElement('a');
    link.href = url;
    link.download = fileName;
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  }

  get<T>(path: string): Promise<T> { return this.call<T>('GET', path); }
  post<T>(path: string, body: unknown = {}, headers?: Record<string, string>): Promise<T> { return this.call<T>('POST', path, body, headers); }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return { detail: text };
  }
}
