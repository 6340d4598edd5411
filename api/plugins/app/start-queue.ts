// Starts a just-filed request's process instance right after its row is
// committed, off the response path: the citizen has the tracking code as soon
// as the request is safe in PostgreSQL. The queue lives in memory only; what
// a crash loses here the start sweeper finds in the table (the start outbox).
import fp from 'fastify-plugin';

declare module 'fastify' {
  interface FastifyInstance {
    startQueue: StartQueue;
  }
}

export interface StartQueue {
  /** Starts the request's instance soon; never throws. */
  enqueue(requestId: string): void;
  /** Resolves when every start taken so far has finished. */
  drain(): Promise<void>;
}

export function createStartQueue(start: (requestId: string) => Promise<unknown>, options: {
  concurrency?: number;
  /** Past this many waiting, requests are left to the sweeper instead of piling up in memory (an engine outage). */
  capacity?: number;
  onError(error: unknown, requestId: string): void;
}): StartQueue {
  const concurrency = options.concurrency ?? 8;
  const capacity = options.capacity ?? 10_000;
  const waiting: string[] = [];
  let running = 0;
  let idle: Array<() => void> = [];

  const next = () => {
    while (running < concurrency && waiting.length > 0) {
      const requestId = waiting.shift()!;
      running++;
      start(requestId)
        .catch((error: unknown) => options.onError(error, requestId))
        .finally(() => {
          running--;
          next();
        });
    }
    if (running === 0 && waiting.length === 0) {
      const resolved = idle;
      idle = [];
      for (const resolve of resolved) resolve();
    }
  };

  return {
    enqueue(requestId) {
      if (waiting.length >= capacity) return;
      waiting.push(requestId);
      next();
    },
    drain() {
      if (running === 0 && waiting.length === 0) return Promise.resolve();
      return new Promise((resolve) => idle.push(resolve));
    },
  };
}

export default fp(async (app) => {
  const queue = createStartQueue((requestId) => app.requests.start(requestId), {
    onError: (error, requestId) => app.log.warn({ err: error, requestId }, 'start failed; the sweeper retries'),
  });
  app.decorate('startQueue', queue);
  // Starts under way finish before the database and the Zeebe client close.
  app.addHook('onClose', () => queue.drain());
}, { name: 'start-queue', dependencies: ['requests'] });
