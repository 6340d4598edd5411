import pino, { type Logger } from 'pino';
import type { Config } from './config.ts';

export type { Logger };

/** One root logger per process; components take children with their name. */
export function createLogger(config: Pick<Config, 'LOG_LEVEL'>): Logger {
  return pino({ level: config.LOG_LEVEL, base: { app: 'shahrdari' } });
}
