// The simulation's HTTP client for the real API: JSON in and out, a bearer
// token per call, every call counted and timed. A 503 (the engine away for a
// moment) or a dropped connection is tried again a few times, as a phone
// would; any other answer goes back to the caller to judge.
import http from 'node:http';

export interface ApiAnswer<T = unknown> { status: number; body: T; headers: http.IncomingHttpHeaders }

export interface CallOptions { token?: string; body?: unknown; form?: Record<string, string>; headers?: Record<string, string> }

export interface ApiClient {
  base: string;
  call<T = unknown>(method: string, path: string, options?: CallOptions): Promise<ApiAnswer<T>>;
  /** Calls made and their statuses so far. */
  stats(): { calls: number; byStatus: Record<string, number>; byKind: Record<string, number>; retries: number; totalMs: number };
}

/** One HTTP exchange on a kept-alive connection (node:http: a third of fetch's cost per call, measured). */
export function send(agent: http.Agent, url: URL, method: string, headers: Record<string, string>, body?: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request({
      host: url.hostname, port: url.port, path: `${url.pathname}${url.search}`, method, agent,
      headers: body === undefined ? headers : { ...headers, 'content-length': Buffer.byteLength(body) },
      timeout: 60_000,
    }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, text: Buffer.concat(chunks).toString('utf8') }));
      response.on('error', reject);
    });
    request.on('timeout', () => request.destroy(new Error(`${method} ${url.pathname} timed out`)));
    request.on('error', reject);
    request.end(body);
  });
}

export function createApiClient(base: string): ApiClient {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 32 });
  let calls = 0;
  let retries = 0;
  let totalMs = 0;
  const byStatus: Record<string, number> = {};
  const byKind: Record<string, number> = {};
  return {
    base,
    async call<T>(method: string, path: string, options: CallOptions = {}) {
      const url = new URL(path, base);
      const headers: Record<string, string> = { ...options.headers };
      if (options.token) headers.authorization = `Bearer ${options.token}`;
      let body: string | undefined;
      if (options.form) {
        headers['content-type'] = 'application/x-www-form-urlencoded';
        body = new URLSearchParams(options.form).toString();
      } else if (options.body !== undefined) {
        headers['content-type'] = 'application/json';
        body = JSON.stringify(options.body);
      }
      for (let attempt = 0; ; attempt++) {
        const started = performance.now();
        try {
          const response = await send(agent, url, method, headers, body);
          totalMs += performance.now() - started;
          calls++;
          byStatus[response.status] = (byStatus[response.status] ?? 0) + 1;
          const kind = callKind(method, url);
          byKind[kind] = (byKind[kind] ?? 0) + 1;
          if (response.status === 503 && attempt < 5) {
            retries++;
            await new Promise((resolve) => setTimeout(resolve, 200 * (attempt + 1)));
            continue;
          }
          let parsed: unknown = response.text;
          if (String(response.headers['content-type'] ?? '').includes('json') && response.text) parsed = JSON.parse(response.text);
          return { status: response.status, body: parsed as T, headers: response.headers };
        } catch (error) {
          totalMs += performance.now() - started;
          if (attempt >= 5) throw error;
          retries++;
          await new Promise((resolve) => setTimeout(resolve, 200 * (attempt + 1)));
        }
      }
    },
    stats: () => ({ calls, byStatus: { ...byStatus }, byKind: { ...byKind }, retries, totalMs }),
  };
}

/** `GET /api/tasks?limit&unassigned`: the route with its ids (any segment with a digit) as :id and the query's names. */
export function callKind(method: string, url: URL): string {
  const route = url.pathname.split('/').map((segment) => (/\d/.test(segment) ? ':id' : segment)).join('/');
  const names = [...new Set(url.searchParams.keys())].sort();
  return `${method} ${route}${names.length ? `?${names.join('&')}` : ''}`;
}

/** Fails with the call and its answer when the status is not one expected. */
export function expectStatus<T>(answer: ApiAnswer<T>, what: string, ...statuses: number[]): T {
  if (!statuses.includes(answer.status)) {
    throw new Error(`${what}: answered ${answer.status} ${typeof answer.body === 'string' ? answer.body.slice(0, 300) : JSON.stringify(answer.body).slice(0, 300)}`);
  }
  return answer.body;
}
