// A round-robin HTTP load balancer in front of the API processes, as nginx
// or a Kubernetes Service would be. A backend that refuses the connection
// (restarting) is skipped and the request goes to the next one: nothing was
// sent, so that is always safe. A backend that dies mid-request (kill -9)
// answers 502, as a real balancer does; the client decides what to retry.
//
// Each client names itself in `x-bench-client`; the balancer connects from a
// loopback address of its own (127.2.x.y), so the API sees one address per
// citizen, as it would in a city, and its per-address limits apply per citizen.
import http from 'node:http';

export interface Balancer {
  url: string;
  /** Requests sent to a backend that refused the connection and were passed to the next. */
  rerouted: number;
  /** Requests a backend dropped after taking them (answered 502). */
  dropped: number;
  close(): Promise<void>;
}

const clientAddress = (client: string | undefined) => {
  const n = Number(client ?? 0) % (254 * 254);
  return `127.2.${Math.floor(n / 254) + 1}.${(n % 254) + 1}`;
};

export async function startBalancer(backends: () => number[]): Promise<Balancer> {
  let next = 0;
  const stats = { rerouted: 0, dropped: 0 };
  const server = http.createServer((incoming, outgoing) => {
    const body: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => body.push(chunk));
    incoming.on('end', () => {
      const headers = { ...incoming.headers };
      const localAddress = clientAddress(headers['x-bench-client'] as string | undefined);
      delete headers['x-bench-client'];
      const ports = backends();
      const attempt = (tries: number) => {
        const port = ports[next++ % ports.length]!;
        let request: http.ClientRequest;
        try {
          request = http.request({ host: '127.0.0.1', port, localAddress, method: incoming.method, path: incoming.url, headers }, (answer) => {
            outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
            answer.pipe(outgoing);
            answer.on('error', () => outgoing.destroy());
          });
        } catch (error) {
          outgoing.writeHead(502, { 'content-type': 'text/plain' }).end(`balancer: ${(error as Error).message}`);
          return;
        }
        request.on('error', (error: NodeJS.ErrnoException) => {
          if (outgoing.headersSent) return outgoing.destroy();
          if (error.code === 'ECONNREFUSED' && tries < ports.length * 20) {
            stats.rerouted++;
            // Every backend refusing (all restarting at once) waits a little.
            setTimeout(() => attempt(tries + 1), tries >= ports.length ? 100 : 0);
            return;
          }
          stats.dropped++;
          outgoing.writeHead(502, { 'content-type': 'text/plain' }).end(`backend ${port}: ${error.code ?? error.message}`);
        });
        request.end(Buffer.concat(body));
      };
      attempt(0);
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    get rerouted() { return stats.rerouted; },
    get dropped() { return stats.dropped; },
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
