import type { OperationId } from '@usher/api-types';
import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import * as OpenApiValidator from 'express-openapi-validator';
import type { AppContext } from '../app-context.js';
import { verifyAccessToken } from '../auth/access-tokens.js';
import type { AuthContext } from '../auth/auth-context.js';
import { hasAnyRole } from '../auth/auth-context.js';
import { type OpenApiDocument, type SpecOperation, specOperations } from '../spec.js';
import {
  ApiError,
  insufficientRoles,
  invalidToken,
  missingToken,
  notFound,
  userNotAuthorizedToAdmin,
} from './errors.js';
import type { AnyHandler } from './handlers.js';
import { requestLogger } from './hardening.js';
import { rejectNulCharacters } from './input-guards.js';
import type { ApiRequest, Handlers } from './operation.js';
import { operationRouter } from './operation-router.js';

/**
 * Fails when the spec and the handler map disagree. Typecheck already guards this; the boot-time check also
 * catches generated types that are stale against openapi.yaml.
 */
export function assertHandlerCoverage(
  operations: readonly SpecOperation[],
  handlers: Readonly<Record<string, unknown>>,
): void {
  const specIds = new Set(operations.map((op) => op.operationId));
  const handlerIds = new Set(Object.keys(handlers));
  const missing = [...specIds].filter((id) => !handlerIds.has(id));
  const extra = [...handlerIds].filter((id) => !specIds.has(id));
  if (missing.length > 0 || extra.length > 0) {
    throw new Error(
      `openapi.yaml and the handler map disagree. Without a handler: ${missing.join(', ') || 'none'}. ` +
        `Without an operation: ${extra.join(', ') || 'none'}. Run \`pnpm typecheck\` to regenerate the types and see where.`,
    );
  }
}

/** Verifies the bearer token and the operation's roles before anything else looks at the request. */
function authorize(operation: SpecOperation, context: AppContext): RequestHandler {
  const roles = operation.roles;
  return async (req, res, next) => {
    if (roles === null) return next();
    const header = req.headers.authorization ?? '';
    const match = /^Bearer +(\S*) *$/i.exec(header);
    const token = match?.[1];
    if (!token) return next(header === '' || match ? missingToken() : invalidToken());
    const auth = await verifyAccessToken(context, token);
    if (!auth) return next(invalidToken());
    if (!hasAnyRole(auth.roles, roles)) return next(insufficientRoles(roles, auth.roles));
    const outOfScope = buyerScopeError(operation, auth, req.params);
    if (outOfScope) return next(outOfScope);
    res.locals['auth'] = auth;
    next();
  };
}

/**
 * Keeps a buyer user's token inside the user's buyer, whatever its roles (the spec's `x-usher-buyer-scope`). Another
 * buyer answers NotFound without looking it up, so its existence is not revealed. Tokens without a user pass.
 */
export function buyerScopeError(
  operation: Pick<SpecOperation, 'buyerScope'>,
  auth: Pick<AuthContext, 'user'>,
  params: Readonly<Record<string, unknown>>,
): ApiError | null {
  if (auth.user === null) return null;
  switch (operation.buyerScope) {
    case 'none':
      return userNotAuthorizedToAdmin();
    case 'own': {
      const buyerId = String(params['buyerID'] ?? '');
      return buyerId === auth.user.buyerId ? null : notFound('Buyer', buyerId);
    }
    default:
      return null;
  }
}

function queryEntries(req: Request): Array<[string, string]> {
  const questionMark = req.originalUrl.indexOf('?');
  return questionMark < 0 ? [] : [...new URLSearchParams(req.originalUrl.slice(questionMark + 1))];
}

/** Calls the handler with the validated request and writes its result: the only place that touches `res`. */
function invoke(handler: AnyHandler, context: AppContext): RequestHandler {
  return async (req, res, next) => {
    try {
      const request = {
        path: req.params,
        query: req.query,
        body: req.body,
        auth: (res.locals['auth'] as AuthContext | undefined) ?? null,
        queryEntries: queryEntries(req),
        headers: req.headers as Record<string, string | undefined>,
        ip: req.ip ?? '',
      } satisfies Record<keyof ApiRequest<OperationId>, unknown>;
      // The handler's context logs for this request: its lines carry the request id.
      const result = await handler(request as never, { ...context, logger: requestLogger(context.logger, res) });
      if (result.headers) res.set(result.headers);
      res.status(result.status);
      if (result.body !== undefined) {
        res.json(result.body);
      } else if ('html' in result) {
        res.type('html').send(result.html);
      } else if ('text' in result) {
        // The handler's Content-Type header (e.g. Prometheus' versioned text/plain) wins over Express's default.
        if (!res.get('Content-Type')) res.type('text/plain');
        res.send(result.text);
      } else {
        res.end();
      }
    } catch (error) {
      next(error);
    }
  };
}

/** The parser of each request body media type the spec uses; the validator refuses any other type (415). */
const BODY_PARSERS: Readonly<Record<string, RequestHandler>> = {
  'application/json': express.json({ limit: '256kb' }),
  // extended: false keeps repeated parameters as arrays, which the spec then refuses (RFC 6749 §3.2).
  'application/x-www-form-urlencoded': express.urlencoded({ extended: false, limit: '16kb', parameterLimit: 100 }),
};

/**
 * The parsers for the media types an operation's request body declares; nothing for operations without a body, so a
 * GET does not pay for parsers that could find nothing to parse.
 */
function bodyParsers(spec: OpenApiDocument, operation: SpecOperation): RequestHandler[] {
  const declared = spec.paths[operation.path]?.[operation.method] as
    | { requestBody?: { content?: Record<string, unknown>; $ref?: string } }
    | undefined;
  const requestBody = declared?.requestBody;
  if (requestBody === undefined) return [];
  if (requestBody.$ref !== undefined) throw new Error(`${operation.operationId}: inline its requestBody.`);
  return Object.keys(requestBody.content ?? {}).map((mediaType) => {
    const parser = BODY_PARSERS[mediaType];
    if (!parser) throw new Error(`${operation.operationId}: no body parser for ${mediaType}.`);
    return parser;
  });
}

export interface BindOptions {
  spec: OpenApiDocument;
  handlers: Handlers;
  validateResponses: boolean;
}

/**
 * Installs the spec's operations, found by one middleware (operationRouter): each runs its body parsers, roles, then
 * express-openapi-validator against the same spec (requests always, responses when asked), then the typed handler.
 */
export function bindOperations(app: express.Express, context: AppContext, options: BindOptions): SpecOperation[] {
  const operations = specOperations(options.spec);
  assertHandlerCoverage(operations, options.handlers);
  const validator = OpenApiValidator.middleware({
    // The validator rewrites parts of the document, but only of its own deep copy (it clones apiSpec first).
    apiSpec: options.spec as never,
    validateRequests: { allowUnknownQueryParameters: false, removeAdditional: true, coerceTypes: true },
    validateResponses: options.validateResponses ? { removeAdditional: false } : false,
    validateSecurity: false,
    // openapi.yaml is checked against the OpenAPI schema by `pnpm lint` and test/unit/spec-docs.test.ts; doing it
    // again on every start cost a third of the cold start.
    validateApiSpec: false,
    validateFormats: true,
    ignoreUndocumented: false,
    // No operation takes multipart/form-data or a binary body, so its multipart step could only ever call next().
    fileUploader: false,
  });
  // With validateSecurity off its security middleware only calls next(); leaving it out saves a layer per request.
  const validatorSteps = validator.filter((middleware) => middleware.name !== 'securityMiddleware');
  const table = options.handlers as unknown as Record<string, AnyHandler>;
  // Spec order, so a literal path (`/usergroups/assignments`) wins over a parameter at its place, as it did in Express.
  const byPath = new Map<string, { expressPath: string; chains: Map<string, RequestHandler[]> }>();
  for (const operation of operations) {
    const handler = table[operation.operationId];
    if (!handler) continue;
    let routed = byPath.get(operation.path);
    if (!routed) {
      routed = { expressPath: operation.expressPath, chains: new Map() };
      byPath.set(operation.path, routed);
    }
    routed.chains.set(operation.method.toUpperCase(), [
      ...bodyParsers(options.spec, operation),
      authorize(operation, context),
      ...validatorSteps,
      rejectNulCharacters,
      invoke(handler, context),
    ]);
  }
  app.use(operationRouter([...byPath.values()]));
  return operations;
}

/** 405 with `Allow` for a known path and another method, 404 for anything else. */
export function unmatchedRoute(operations: readonly SpecOperation[]) {
  const byPath = new Map<RegExp, string[]>();
  for (const op of operations) {
    const pattern = new RegExp(
      `^${op.path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\\\{[^}]+\\\}/g, '[^/]+')}/?$`,
    );
    const existing = [...byPath.keys()].find((p) => p.source === pattern.source);
    if (existing) byPath.get(existing)?.push(op.method.toUpperCase());
    else byPath.set(pattern, [op.method.toUpperCase()]);
  }
  return (req: Request, _res: Response, next: NextFunction) => {
    const allowed = [...byPath.entries()].find(([pattern]) => pattern.test(req.path))?.[1];
    if (allowed) {
      return next(
        new ApiError(405, 'MethodNotAllowed', `${req.method} is not allowed here; use ${allowed.join(', ')}.`, null, {
          Allow: allowed.join(', '),
        }),
      );
    }
    next(new ApiError(404, 'NotFound', 'Object not found.', { ObjectType: 'Endpoint', ObjectID: req.path }));
  };
}
