// The clock control over HTTP, on the paths of Camunda's Orchestration Cluster
// REST API, so a test or the simulation drives the embedded engine and a real
// Camunda 8 the same way:
//   PUT  /v2/clock        {"timestamp": <epoch ms>}  → 204 (pinned; what fell due has fired)
//   POST /v2/clock/reset                             → 204 (system time again)
// An operator and test control only: it listens on loopback and exists only
// when a port is configured. Errors are RFC 9457 problem documents.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { EngineClock } from '../runtime/clock.ts';

export interface ClockControl {
  pin(timestamp: number): Promise<void>;
  reset(): Promise<void>;
}

const maxBody = 1_024;

function problem(response: ServerResponse, status: number, title: string, detail: string, extra: Record<string, string> = {}): void {
  const body = JSON.stringify({ type: 'about:blank', title, status, detail });
  response.writeHead(status, { 'content-type': 'application/problem+json', 'content-length': Buffer.byteLength(body), ...extra });
  response.end(body);
}

function readBody(request: IncomingMessage): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    // Past the limit the rest is read and dropped, so the client still gets its answer.
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBody) chunks.push(chunk);
    });
    request.on('end', () => resolve(size > maxBody ? null : Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

async function pinRequest(request: IncomingMessage): Promise<{ timestamp: number } | { problem: string; status?: number }> {
  const text = await readBody(request);
  if (text === null) return { problem: `The request body is larger than ${maxBody} bytes`, status: 413 };
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return { problem: 'The request body must be a JSON object such as {"timestamp": 1767225600000}' };
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return { problem: 'The request body must be a JSON object such as {"timestamp": 1767225600000}' };
  const timestamp = (body as { timestamp?: unknown }).timestamp;
  const reason = EngineClock.problem(timestamp);
  return reason ? { problem: reason } : { timestamp: timestamp as number };
}

export async function listenClockControl(control: ClockControl, port: number, logger: Logger): Promise<{ server: Server; port: number }> {
  const server = createServer((request, response) => {
    if (Number(request.headers['content-length'] ?? 0) > maxBody) {
      problem(response, 413, 'INVALID_ARGUMENT', `The request body is larger than ${maxBody} bytes`, { connection: 'close' });
      return;
    }
    const path = (request.url ?? '').split('?')[0];
    const route = path === '/v2/clock' ? 'pin' : path === '/v2/clock/reset' ? 'reset' : null;
    if (!route) {
      problem(response, 404, 'NOT_FOUND', `No clock control at ${path}; use PUT /v2/clock or POST /v2/clock/reset`);
      return;
    }
    const method = route === 'pin' ? 'PUT' : 'POST';
    if (request.method !== method) {
      problem(response, 405, 'METHOD_NOT_ALLOWED', `${path} accepts ${method} only`, { allow: method });
      return;
    }
    void (async () => {
      if (route === 'pin') {
        const parsed = await pinRequest(request);
        if ('problem' in parsed) {
          problem(response, parsed.status ?? 400, 'INVALID_ARGUMENT', parsed.problem);
          return;
        }
        await control.pin(parsed.timestamp);
        logger.info({ timestamp: parsed.timestamp, at: new Date(parsed.timestamp).toISOString() }, 'engine clock pinned');
      } else {
        await control.reset();
        logger.info('engine clock reset to system time');
      }
      response.writeHead(204);
      response.end();
    })().catch((error: unknown) => {
      logger.error({ err: error }, 'clock control failed');
      if (!response.headersSent) problem(response, 500, 'INTERNAL', 'The clock could not be changed; see the engine log');
    });
  });
  server.requestTimeout = 10_000;
  const bound = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve((server.address() as { port: number }).port);
    });
  });
  return { server, port: bound };
}
