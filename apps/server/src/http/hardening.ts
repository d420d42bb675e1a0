import { randomUUID } from 'node:crypto';
import cors from 'cors';
import type { Request, RequestHandler, Response } from 'express';
import helmet from 'helmet';
import type { Config } from '../config.js';
import type { HttpMetrics } from '../observability/http-metrics.js';
import { type Logger, runWithRequestId } from '../shared/logger.js';

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

/**
 * Gives each request an id (a sane incoming X-Request-Id or a new UUID), echoes it, and on finish logs one line
 * and records the metrics. Every line logged while the request is handled carries the id.
 */
export function requestContext(logger: Logger, metrics: HttpMetrics): RequestHandler {
  return (req, res, next) => {
    const incoming = req.get('x-request-id');
    const requestId = incoming !== undefined && SANE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
    res.locals['requestId'] = requestId;
    res.set('X-Request-Id', requestId);
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const route = routeTemplate(req);
      metrics.observe({ method: req.method, route, status: res.statusCode, seconds });
      runWithRequestId(requestId, () =>
        logger.info('request', {
          method: req.method,
          route,
          status: res.statusCode,
          ms: Math.round(seconds * 1e4) / 10,
        }),
      );
    });
    runWithRequestId(requestId, next);
  };
}

/**
 * Body parsers resume on the socket's stream events, outside the request's async context; entering it again after
 * them keeps the request id on the lines that handlers log.
 */
export const reenterRequestContext: RequestHandler = (_req, res, next) => {
  const requestId = res.locals['requestId'];
  if (typeof requestId === 'string') runWithRequestId(requestId, next);
  else next();
};

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

/** helmet's headers on every response; its strict CSP everywhere but on pages that set their own. */
export function securityHeaders(config: Config): RequestHandler[] {
  const https = config.issuer.startsWith('https:');
  const headers = recordedHeaderChanges(
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
  const setHeaders: RequestHandler = (req, res, next) => {
    applyHeaderChanges(res, headers);
    if (!PATHS_WITH_OWN_CSP.some((path) => req.path === path || req.path.startsWith(`${path}/`))) {
      applyHeaderChanges(res, apiCsp);
    }
    next();
  };
  return [setHeaders];
}

/** CORS for the configured origins only (off when there are none), never on the sign-in page. */
export function corsPolicy(config: Config): RequestHandler {
  if (config.corsOrigins.length === 0) return (_req, _res, next) => next();
  const policy = cors({
    origin: [...config.corsOrigins],
    credentials: false,
    exposedHeaders: ['X-Request-Id', 'Location', 'WWW-Authenticate', 'Retry-After'],
    maxAge: 600,
  });
  return (req, res, next) => (PATHS_WITHOUT_CORS.includes(req.path) ? next() : policy(req, res, next));
}
