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
import { followSharedClock } from './clock.ts';
import { createKnex, migrateToLatest, openDatabase } from './database.ts';
import { createZeebeClient, type RetryPolicy } from './zeebe.ts';

export interface Runtime {
  config: Config;
  logger: Logger;
  /** Registers a closer; closers run in reverse order of registration. */
  onShutdown(close: () => Promise<void>): void;
}

/**
 * Runs an entry point. `body` returns 'keep-running' for servers; anything
 * else means the command is done and the process closes and exits 0.
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
  const closers: (() => Promise<void>)[] = [];
  let closing: Promise<void> | undefined;
  const close = () => (closing ??= (async () => {
    for (const closer of closers.reverse()) {
      try {
        await closer();
      } catch (error) {
        logger.error({ err: error }, 'error while shutting down');
      }
    }
  })());

  const onSignal = (signal: NodeJS.Signals) => {
    if (closing) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    logger.info({ signal }, 'shutting down');
    void close().then(() => process.exit(0));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  body({ config, logger, onShutdown: (closer) => closers.push(closer) })
    .then(async (result) => {
      if (result !== 'keep-running') {
        await close();
        process.exit(0);
      }
    })
    .catch(async (error: unknown) => {
      if (error instanceof ConfigError) process.stderr.write(`${error.message}\n`);
      else logger.fatal({ err: error }, `${name} failed`);
      await close();
      process.exit(1);
    });
}

/** The database: configured or embedded, migrated when `migrate` is true. */
export async function openKnex(runtime: Runtime, options: { migrate: boolean }): Promise<Knex> {
  const database = await openDatabase(runtime.config, runtime.logger);
  runtime.onShutdown(database.close);
  const db = createKnex(database.url);
  runtime.onShutdown(() => db.destroy());
  if (options.migrate) await migrateToLatest(db, runtime.logger);
  if (runtime.config.CLOCK === 'shared') {
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
  runtime.onShutdown(() => zeebe.close(2000).then(() => undefined));
  return zeebe;
}
