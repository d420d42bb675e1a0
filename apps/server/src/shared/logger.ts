import { AsyncLocalStorage } from 'node:async_hooks';
import pino from 'pino';
import type { Config } from '../config.js';

export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** Whether a line at this level would be written: callers skip building lines that would be dropped. */
  enabled(level: 'debug' | 'info' | 'warn' | 'error'): boolean;
}

/** The request a line is logged for: every line written while handling it carries its id, without threading it through. */
const requestScope = new AsyncLocalStorage<{ requestId: string }>();

export function runWithRequestId<T>(requestId: string, fn: () => T): T {
  return requestScope.run({ requestId }, fn);
}

// Secrets that a field or header could carry, at the top level and one or two levels down (pino's paths are explicit).
const SECRET_KEYS = [
  'authorization',
  'cookie',
  'password',
  'Password',
  'secret',
  'client_secret',
  'ClientSecret',
  'clientSecret',
  'token',
  'access_token',
  'refresh_token',
  'id_token',
  'code',
  'code_verifier',
];
const REDACT_PATHS = SECRET_KEYS.flatMap((key) => [key, `*.${key}`, `*.*.${key}`]);

/**
 * JSON lines (pino) on stdout, or through `write` (tests read them). Secrets are censored whatever the caller passes;
 * lines logged while a request is handled carry its `requestId`.
 */
export function createLogger(
  level: Config['logLevel'],
  write: (line: string) => void = (l) => process.stdout.write(l),
): Logger {
  const base = pino(
    {
      level,
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      mixin: () => {
        const scope = requestScope.getStore();
        return scope ? { requestId: scope.requestId } : {};
      },
    },
    { write },
  );
  return {
    debug: (msg, fields) => base.debug(fields ?? {}, msg),
    info: (msg, fields) => base.info(fields ?? {}, msg),
    warn: (msg, fields) => base.warn(fields ?? {}, msg),
    error: (msg, fields) => base.error(fields ?? {}, msg),
    enabled: (level) => base.isLevelEnabled(level),
  };
}
