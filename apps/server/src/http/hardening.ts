import { randomUUID } from 'node:crypto';
import cors from 'cors';
import type { Request, RequestHandler, Response } from 'express';
import helmet from 'helmet';
import type { Config } from '../config.js';
import type { HttpMetrics } from '../observability/http-metrics.js';
import type { Logger } from '../shared/logger.js';

/** An incoming X-Request-Id is kept only when it is short and plain, so it cannot forge or flood log lines. */
const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Pages that send their own Content-Security-Policy, so the API's strict default is not applied to them. The docs
 * page (`/docs`) loads its own script and styles; it must set its CSP itself.
 */
export const PATHS_WITH_OWN_CSP: readonly string[] = ['/docs'];

/** Never CORS-enabled: the sign-in page is a top-level navigation, and cross-origin scripts must not drive it. */
const PATHS_WITHOUT_CORS: readonly string[] = ['/oauth/authorize'];

/** The spec-style template of the matched route (`/v1/buyers/{buyerID}`), or `unmatched`: bounded label values. */
function routeTemplate(req: Request): string {
  const path = (req.route as { path?: unknown } | undefined)?.path;
  if (typeof path !== 'string') return 'unmatched';
  let template = routeTemplates.get(path);
  if (template === undefined) {
    template = path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    routeTemplates.set(path, template);
  }
  return template;
}

/** Templates by Express route path: the routes are the spec's operations, a fixed set. */
const routeTemplates = new Map<string, string>();

/** What a header middleware does to a response: set a header to a value, or (null) remove it. */
type HeaderChange = readonly [name: string, value: unknown];

/**
 * The header changes a helmet middleware makes, recorded once. With a fixed configuration (no per-request directive
 * functions) helmet sets the same headers on every response; replaying them saves a dozen middleware calls per request.
 */
function recordedHeaderChanges(middleware: RequestHandler): HeaderChange[] {
  const changes: HeaderChange[] = [];
  const recorder = {
    setHeader: (name: string, value: unknown) => changes.push([name, value]),
    removeHeader: (name: string) => changes.push([name, null]),
  };
  let finished = false;
  middleware({} as Request, recorder as unknown as Response, (error?: unknown) => {
    if (error) throw error;
    finished = true;
  });
  if (!finished) throw new Error('A security header middleware did not finish at once; it cannot be replayed.');
  return changes;
}

function applyHeaderChanges(res: Response, changes: readonly HeaderChange[]): void {
  for (const [name, value] of changes) {
    if (value === null) res.removeHeader(name);
    else res.setHeader(name, value as string);
  }
}

/** helmet's headers for every response, and its strict API CSP for every path but the pages that set their own. */
function securityHeaderChanges(config: Config): { all: HeaderChange[]; apiCsp: HeaderChange[] } {
  const https = config.issuer.startsWith('https:');
  const all = recordedHeaderChanges(
    helmet({
      contentSecurityPolicy: false,
      // Served over TLS (ISSUER says so): browsers must never fall back to plain http for this host.
      strictTransportSecurity: https ? { maxAge: 31_536_000, includeSubDomains: true } : false,
    }),
  );
  // An API answers JSON: nothing in it may load, run, be framed or post anywhere.
  const apiCsp = recordedHeaderChanges(
    helmet.contentSecurityPolicy({
      useDefaults: false,
      directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"], baseUri: ["'none'"], formAction: ["'none'"] },
    }),
  );
  return { all, apiCsp };
}

/** CORS for the configured origins only (null when there are none), never on the sign-in page. */
function corsPolicy(config: Config): RequestHandler | null {
  if (config.corsOrigins.length === 0) return null;
  return cors({
    origin: [...config.corsOrigins],
    credentials: false,
    exposedHeaders: ['X-Request-Id', 'Location', 'WWW-Authenticate', 'Retry-After'],
    maxAge: 600,
  });
}

/**
 * What every request gets before anything else, in one middleware (each Express layer costs a dispatch): an id (a
 * sane incoming X-Request-Id or a new UUID) that it echoes and that every line logged for it carries (requestLogger);
 * on finish, its metrics and one log line; helmet's security headers; and CORS when configured.
 */
export function requestFrontDoor(config: Config, logger: Logger, metrics: HttpMetrics): RequestHandler {
  const { all, apiCsp } = securityHeaderChanges(config);
  const policy = corsPolicy(config);
  return (req, res, next) => {
    const incoming = req.headers['x-request-id'];
    const requestId = typeof incoming === 'string' && SANE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
    res.locals['requestId'] = requestId;
    res.setHeader('X-Request-Id', requestId);
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const route = routeTemplate(req);
      metrics.observe({ method: req.method, route, status: res.statusCode, seconds });
      // Skip building the line (and its request logger) when it would be dropped.
      if (!logger.enabled('info')) return;
      logger.forRequest(requestId).info('request', {
        method: req.method,
        route,
        status: res.statusCode,
        ms: Math.round(seconds * 1e4) / 10,
      });
    });
    applyHeaderChanges(res, all);
    const path = req.path;
    if (!PATHS_WITH_OWN_CSP.some((own) => path === own || path.startsWith(`${own}/`))) applyHeaderChanges(res, apiCsp);
    if (policy && !PATHS_WITHOUT_CORS.includes(path)) policy(req, res, next);
    else next();
  };
}

/** The logger for the lines of the request `res` answers: they carry its id (see requestFrontDoor). */
export function requestLogger(logger: Logger, res: Response): Logger {
  const requestId = res.locals['requestId'];
  return typeof requestId === 'string' ? logger.forRequest(requestId) : logger;
}
