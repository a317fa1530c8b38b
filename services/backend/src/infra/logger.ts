import { pino, type Logger } from 'pino';
import type { Config } from './config.js';

export type { Logger };

/** Paths pino blanks out wherever they appear, so keys and tokens never reach a log line. */
const REDACT = ['req.headers.authorization', 'req.headers.cookie', 'headers.authorization', 'authorization', 'apiKey', 'key', 'token', 'password'];

export function createLogger(config: Pick<Config, 'logLevel' | 'instanceId'>, bindings: Record<string, unknown> = {}): Logger {
  return pino({
    level: config.logLevel,
    base: { instance: config.instanceId, pid: process.pid, ...bindings },
    redact: { paths: REDACT, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  });
}

/**
 * Start-up facts (pool sizes, ports) are printed whatever LOG_LEVEL says: operators grep
 * for them ("connection pool") even when production runs at warn.
 */
export function startupLogger(logger: Logger): Logger {
  return logger.level === 'silent' ? logger : logger.child({}, { level: 'info' });
}
