// The embedded workflow engine: a Zeebe gateway (gRPC) in front of a lean
// token executor whose state is durable in PostgreSQL. See engine/README.md.
import type { UntypedServiceImplementation } from '@grpc/grpc-js';
import type { Knex } from 'knex';
import { feelBudget } from './feel.ts';
import { gatewayHandlers } from './grpc/gateway.ts';
import { listen } from './grpc/server.ts';
import { listenClockControl } from './rest/clock.ts';
import { Engine, type EngineTestHooks } from './runtime/engine.ts';
import { acquireEngineLock } from './store/lock.ts';

export interface EngineOptions {
  db: Knex;
  host?: string;
  port: number /* 0 = pick a free port */;
  logger: import('pino').Logger;
  /** Serve the clock control over HTTP on 127.0.0.1 at this port (0 = pick one); unset = no HTTP control. */
  clockPort?: number;
  /**
   * Called once when the engine stops on an unexpected failure (a command
   * failing with anything but a Zeebe rejection, a refused commit, the lock's
   * connection lost). By then the gateway is shut and nothing more is
   * committed; whoever runs the engine must start it again. Default: the
   * process exits with status 70, for a supervisor to restart it.
   */
  onFatal?: (error: Error) => void;
  /**
   * Budgets (engine/README.md, "Budgets"): steps one command runs before the
   * rest waits for a follow-up command (default 500, and at most 10 ms of
   * them); element activations an instance may make without reaching a wait
   * state before an incident stops it (default 10,000); milliseconds one FEEL
   * evaluation that can run long may take (default 200; process-wide).
   */
  limits?: { stepsPerCommand?: number; stepsWithoutWait?: number; feelTimeMs?: number };
  /** Tests only: break the engine from inside (engine/runtime/engine.ts). */
  testHooks?: EngineTestHooks;
}

/** The engine's clock, as Camunda's `PUT /v2/clock` and `POST /v2/clock/reset` drive Zeebe's. */
export interface EngineClockControl {
  /** The engine's current time, epoch milliseconds. */
  now(): number;
  /** The pinned instant, or null while the clock follows system time. */
  pinned(): number | null;
  /** Pins the clock; resolves once what fell due by then has fired and committed. */
  pin(timestamp: number): Promise<void>;
  /** Back to system time; resolves once what is due by it has fired and committed. */
  reset(): Promise<void>;
}

export interface RunningEngine {
  host: string;
  port: number;
  address: string /* "host:port" */;
  clock: EngineClockControl;
  /** "http://127.0.0.1:port" of the clock control, when `clockPort` was given. */
  clockUrl?: string;
  /** Per job type: long polls and job streams waiting now, and jobs ready to take (diagnostics; tests await a worker's poll with it). */
  waitingWorkers(): Record<string, { pollers: number; streams: number; activatable: number }>;
  stop(): Promise<void>;
}

export async function startEngine(options: EngineOptions): Promise<RunningEngine> {
  // "localhost" binds both 127.0.0.1 and ::1. Clients resolving localhost try
  // ::1 too; an older grpc-js (zeebe-node's) can leave a call queued forever
  // when one resolved address refuses, which stalls workers' long polls.
  const host = options.host ?? 'localhost';
  const logger = options.logger;
  const lock = await acquireEngineLock(options.db);
  if (options.limits?.feelTimeMs !== undefined) feelBudget.timeMs = options.limits.feelTimeMs;
  const engine = new Engine(options.db, logger, lock, {
    ...(options.testHooks ? { hooks: options.testHooks } : {}),
    budget: { ...(options.limits?.stepsPerCommand ? { stepsPerCommand: options.limits.stepsPerCommand } : {}), ...(options.limits?.stepsWithoutWait ? { stepsWithoutWait: options.limits.stepsWithoutWait } : {}) },
  });
  try {
    await engine.load();
  } catch (error) {
    await lock.release();
    throw error;
  }
  let bound = { host, port: options.port };
  const { server, port } = await listen(gatewayHandlers(engine, () => bound) as UntypedServiceImplementation, host, options.port);
  bound = { host, port };
  logger.info({ host, port }, 'engine gateway listening');
  const clock: EngineClockControl = {
    now: () => engine.clock.now(),
    pinned: () => engine.clock.pinned,
    pin: (timestamp) => engine.pinClock(timestamp),
    reset: () => engine.resetClock(),
  };
  const clockServer = options.clockPort === undefined ? null : await listenClockControl(clock, options.clockPort, logger);
  if (clockServer) logger.warn({ port: clockServer.port }, 'engine clock control listening on 127.0.0.1 (tests and simulation only)');
  if (process.env.ENGINE_DEBUG_WORKERS) setInterval(() => logger.warn({ workers: engine.jobs.waitingWorkers() }, 'waiting workers'), 2_000).unref();
  let stopped: Promise<void> | null = null;
  const closeServers = async () => {
    if (clockServer) {
      clockServer.server.closeAllConnections();
      await new Promise((resolve) => clockServer.server.close(resolve));
    }
    await new Promise<void>((resolve) => {
      // Long polls would keep a graceful shutdown waiting for up to their timeout.
      const force = setTimeout(() => { server.forceShutdown(); resolve(); }, 1_000);
      server.tryShutdown(() => { clearTimeout(force); resolve(); });
    });
  };
  engine.onFatal((error) => {
    // No new calls; the calls in hand get their answer (UNAVAILABLE) before the gateway shuts.
    stopped ??= (async () => {
      await closeServers();
      await lock.release();
    })();
    void stopped.then(() => {
      if (options.onFatal) options.onFatal(error);
      else process.exit(70);
    });
  });
  return {
    host,
    port,
    address: `${host}:${port}`,
    clock,
    ...(clockServer ? { clockUrl: `http://127.0.0.1:${clockServer.port}` } : {}),
    waitingWorkers: () => engine.jobs.waitingWorkers(),
    stop() {
      stopped ??= (async () => {
        await closeServers();
        await engine.stop();
        await lock.release();
      })();
      return stopped;
    },
  };
}
