// What every entry point in bin/ shares: read the configuration once, make the
// logger, open what the command needs, and close it all in reverse order on
// SIGINT/SIGTERM or failure. A failed start never exits 0.
//
// Entry points import the heavy parts (engine, API, workers) inside their body,
// so a wrong setting is reported at once instead of after loading everything.
import type { Knex } from 'knex';
import type { ZBClient } from 'zeebe-node';
import { ConfigError, readConfig, type Config } from './config.ts';
import { createLogger, type Logger } from './logger.ts';
import { clock, followSharedClock } from './clock.ts';
import { createKnex, migrateToLatest, openDatabase } from './database.ts';
import { createZeebeClient, type RetryPolicy } from './zeebe.ts';

export interface Runtime {
  config: Config;
  logger: Logger;
  /**
   * Registers a closer; closers run in reverse order of registration. An
   * essential closer (stopping the embedded PostgreSQL this process started)
   * runs even when shutdown has to hurry.
   */
  onShutdown(close: () => Promise<void>, options?: { essential?: boolean }): void;
  /**
   * Aborted when shutdown must hurry (a later signal, or the grace period
   * over): closers waiting for work in flight stop waiting and hand it back.
   */
  hurry: AbortSignal;
  /** Shuts the process down as failed (exit 1), as an uncaught error does: for a part that cannot go on (the embedded engine after a fatal error). */
  fail(error: unknown): void;
}

/** How long a shutdown may take before it hurries; below Kubernetes' default 30 s grace period. */
const gracePeriodMs = 20_000;
/** After hurrying, how long the closers get before the essential ones run regardless. */
const hurriedMs = 3_000;
/**
 * A terminal's Ctrl-C signals npm and node together, and npm passes its own
 * on: signals this close to the first are the same request to stop.
 */
const sameRequestMs = 1_000;

interface Closer { close: () => Promise<void>; essential: boolean; done?: Promise<void> }

/**
 * Runs an entry point. `body` returns 'keep-running' for servers; anything
 * else means the command is done and the process closes and exits 0.
 *
 * Shutdown: the first SIGINT/SIGTERM closes everything in order and exits 0
 * (1 if a closer failed). More signals within a second are the same Ctrl-C.
 * A signal after that, or the grace period running out, hurries: closers
 * hand back what they hold, and closers still busy a few seconds later are
 * left behind — the essential ones run, and the process exits with 128 + the
 * signal's number, as if the signal had ended it. PostgreSQL started here is
 * stopped in every case, also after an uncaught error.
 */
export function runMain(name: string, body: (runtime: Runtime) => Promise<'keep-running' | void>): void {
  let config: Config;
  try {
    config = readConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const logger = createLogger(config).child({ process: name });
  const closers: Closer[] = [];
  const hurry = new AbortController();
  let failed = false;
  let closing: Promise<void> | undefined;
  let closed = false;
  let firstSignal: { signal: NodeJS.Signals; at: number } | undefined;
  let exiting = false;

  const runCloser = (closer: Closer) => (closer.done ??= (async () => {
    try {
      await closer.close();
    } catch (error) {
      failed = true;
      logger.error({ err: error }, 'error while shutting down');
    }
  })());
  // Reverse order; a closer registered while closing (a start still under way) runs too.
  const close = () => (closing ??= (async () => {
    for (let next = closers.findLast((closer) => !closer.done); next; next = closers.findLast((closer) => !closer.done)) {
      await runCloser(next);
    }
    // A hurried shutdown may have started an essential closer (PostgreSQL's
    // stop) beside this loop, which then skipped it: closed means it ended too.
    await Promise.all(closers.map((closer) => closer.done));
    closed = true;
  })());
  const exit = (code: number) => {
    if (exiting) return;
    exiting = true;
    process.exit(code);
  };
  const signalCode = () => 128 + (firstSignal ? osSignals[firstSignal.signal] ?? 15 : 15);

  let grace: NodeJS.Timeout | undefined;
  const hurryUp = async (reason: string) => {
    if (hurry.signal.aborted) return;
    logger.warn({ reason }, 'shutdown hurries: work in hand is handed back; PostgreSQL still stops');
    hurry.abort();
    clearTimeout(grace);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([close(), new Promise((resolve) => { timer = setTimeout(resolve, hurriedMs); })]);
    clearTimeout(timer);
    if (closed) return; // everything closed after all: the ordinary exit follows
    await Promise.all(closers.filter((closer) => closer.essential).map(runCloser));
    exit(signalCode());
  };
  const shutDown = (code: () => number) => {
    grace = setTimeout(() => void hurryUp(`not closed within ${gracePeriodMs / 1000} s`), gracePeriodMs);
    grace.unref();
    void close().then(() => exit(failed ? 1 : code()));
  };

  const onSignal = (signal: NodeJS.Signals) => {
    if (!firstSignal) {
      firstSignal = { signal, at: Date.now() };
      if (closing) return; // already closing after a failure: the grace timer watches it
      logger.info({ signal }, 'shutting down');
      shutDown(() => 0);
    } else if (Date.now() - firstSignal.at < sameRequestMs) {
      logger.debug({ signal }, 'the same request to stop');
    } else {
      void hurryUp(`${signal} while shutting down`);
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const onUncaught = (error: unknown) => {
    logger.fatal({ err: error }, 'uncaught error: shutting down');
    failed = true;
    if (!closing) shutDown(() => 1);
  };
  process.on('uncaughtException', onUncaught);
  process.on('unhandledRejection', onUncaught);

  const runtime: Runtime = {
    config,
    logger,
    hurry: hurry.signal,
    fail: onUncaught,
    onShutdown: (close, options) => {
      const closer: Closer = { close, essential: options?.essential ?? false };
      closers.push(closer);
      // Registered while closing: the close loop is past it, or finished; run it now.
      if (closing) void closing.then(() => runCloser(closer));
    },
  };
  body(runtime)
    .then(async (result) => {
      if (result !== 'keep-running' && !closing) {
        await close();
        exit(failed ? 1 : 0);
      }
    })
    .catch(async (error: unknown) => {
      if (closing) {
        // Closing pulled the ground from under the start; that is no failure of its own.
        logger.debug({ err: error }, `${name} start ended by shutdown`);
        return;
      }
      if (error instanceof ConfigError) process.stderr.write(`${error.message}\n`);
      else logger.fatal({ err: error }, `${name} failed`);
      failed = true;
      shutDown(() => 1);
    });
}

const osSignals: Partial<Record<NodeJS.Signals, number>> = { SIGINT: 2, SIGTERM: 15 };

/** The Prometheus endpoint of a process without the API (engine, workers), when METRICS_PORT asks for one. */
export async function serveProcessMetrics(runtime: Runtime): Promise<void> {
  if (runtime.config.METRICS_PORT === undefined) return;
  const { serveMetrics } = await import('./metrics.ts');
  const server = await serveMetrics(runtime.config.METRICS_PORT, runtime.config.HOST, runtime.logger);
  runtime.onShutdown(server.close);
}

/** The database: configured or embedded, migrated when `migrate` is true. */
export async function openKnex(runtime: Runtime, options: { migrate: boolean }): Promise<Knex> {
  // The closer is there before PostgreSQL starts: a signal during the start stops it once it is up.
  const opening = openDatabase(runtime.config, runtime.logger);
  runtime.onShutdown(async () => { await (await opening.catch(() => undefined))?.close(); }, { essential: true });
  const database = await opening;
  const db = createKnex(database.url);
  // The pool waits for every connection in use: one held by a handler whose
  // job was handed back (workers/job.ts) must not hold the exit; PostgreSQL
  // rolls back what such a handler left open.
  runtime.onShutdown(() => atMost(5_000, db.destroy()));
  if (options.migrate) await migrateToLatest(db, runtime.logger);
  if (runtime.config.CLOCK === 'shared') {
    clock.runShared();
    const follower = followSharedClock({ url: database.url, logger: runtime.logger.child({ component: 'clock' }) });
    runtime.onShutdown(follower.stop);
    await follower.ready;
  }
  return db;
}

/** Starts the embedded engine on ZEEBE_PORT unless ZEEBE_ADDRESS names a real gateway. Returns the address to use. */
export async function engineAddress(runtime: Runtime, db: Knex): Promise<string> {
  if (runtime.config.ZEEBE_ADDRESS) return runtime.config.ZEEBE_ADDRESS;
  const { startEngine } = await import('../engine/index.ts');
  const engine = await startEngine({
    db,
    port: runtime.config.ZEEBE_PORT,
    logger: runtime.logger.child({ component: 'engine' }),
    // Crash-only: the engine stopped on an unexpected failure; the whole process exits 1 for its supervisor to restart it.
    onFatal: (error) => runtime.fail(error),
    ...(runtime.config.ENGINE_CLOCK_PORT === undefined ? {} : { clockPort: runtime.config.ENGINE_CLOCK_PORT }),
  });
  runtime.onShutdown(engine.stop);
  runtime.logger.info({ address: engine.address }, 'embedded engine listening (Zeebe gateway protocol)');
  return engine.address;
}

/** The Zeebe address of a process that must not start an engine itself (api, workers, deploy). */
export function gatewayAddress(config: Config): string {
  return config.ZEEBE_ADDRESS ?? `127.0.0.1:${config.ZEEBE_PORT}`;
}

export function openZeebe(runtime: Runtime, address: string, retry?: RetryPolicy): ZBClient {
  const zeebe = createZeebeClient(runtime.config, address, runtime.logger, retry);
  // zeebe-node's close waits for every handler it started, also one whose job
  // was handed back and which is still at work; the channels end with the process.
  runtime.onShutdown(() => atMost(3_000, zeebe.close(2000)));
  return zeebe;
}

/** Waits for `work` at most `ms` (a closer that must not hold the exit; its failure still counts). */
async function atMost(ms: number, work: Promise<unknown>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([work, new Promise((resolve) => { timer = setTimeout(resolve, ms); })]);
  } finally {
    clearTimeout(timer);
  }
}
