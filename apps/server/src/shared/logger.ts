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
  /** The same logger for the lines of one request: each carries its `requestId`. */
  forRequest(requestId: string): Logger;
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
 * JSON lines (pino) on stdout, or through `write` (tests read them). Secrets are censored whatever the caller passes.
 * A request's lines carry its `requestId` through the logger the request is handled with (`forRequest`), passed along
 * explicitly: an AsyncLocalStorage scope would do it implicitly, but on Node 20 it slows every promise of every
 * request (about a tenth of GET one user's throughput).
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
    },
    { write },
  );
  return new PinoLogger(base, null);
}

/** A class rather than closures: a request's logger is made for every request, and costs one small object. */
class PinoLogger implements Logger {
  readonly #base: pino.Logger;
  readonly #requestId: string | null;

  constructor(base: pino.Logger, requestId: string | null) {
    this.#base = base;
    this.#requestId = requestId;
  }

  #fields(fields: LogFields | undefined): LogFields {
    if (this.#requestId === null) return fields ?? {};
    return { requestId: this.#requestId, ...fields };
  }

  debug(msg: string, fields?: LogFields): void {
    if (this.#base.isLevelEnabled('debug')) this.#base.debug(this.#fields(fields), msg);
  }

  info(msg: string, fields?: LogFields): void {
    if (this.#base.isLevelEnabled('info')) this.#base.info(this.#fields(fields), msg);
  }

  warn(msg: string, fields?: LogFields): void {
    if (this.#base.isLevelEnabled('warn')) this.#base.warn(this.#fields(fields), msg);
  }

  error(msg: string, fields?: LogFields): void {
    if (this.#base.isLevelEnabled('error')) this.#base.error(this.#fields(fields), msg);
  }

  enabled(level: 'debug' | 'info' | 'warn' | 'error'): boolean {
    return this.#base.isLevelEnabled(level);
  }

  forRequest(requestId: string): Logger {
    return new PinoLogger(this.#base, requestId);
  }
}
