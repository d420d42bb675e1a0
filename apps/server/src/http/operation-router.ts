import type { NextFunction, Request, RequestHandler, Response } from 'express';

/** One spec path and the middleware chain of each of its operations, keyed by upper-case HTTP method. */
export interface RoutedPath {
  /** The Express-style path (`/v1/buyers/:buyerID`): `req.route.path`, which the metrics labels read. */
  expressPath: string;
  chains: ReadonlyMap<string, readonly RequestHandler[]>;
}

/** What `req.route` holds for a dispatched operation: the parts of an Express Route that anything here reads. */
export interface DispatchedRoute {
  path: string;
  methods: Readonly<Record<string, true>>;
}

/**
 * The match express-openapi-validator's metadata step reuses instead of matching the path again (our patch of it):
 * the Express-style route and its decoded parameters.
 */
type OpenApiMatchRequest = Request & { openapiMatch?: { expressRoute: string; params: Record<string, string> } };

interface CompiledPath {
  /** Its number of slashes and its literal start, checked before the pattern: most paths fail one of them at once. */
  slashes: number;
  prefix: string;
  pattern: RegExp;
  keys: readonly string[];
  route: DispatchedRoute;
  chains: ReadonlyMap<string, readonly RequestHandler[]>;
}

/**
 * The pattern Express 5 (path-to-regexp 8, case-sensitive, non-strict) compiles for a path of literal segments and
 * `:name` parameters: a parameter is one or more characters other than `/`, and one trailing slash is allowed.
 */
function compile(expressPath: string): { prefix: string; pattern: RegExp; keys: string[] } {
  const keys: string[] = [];
  const parts = expressPath.split(/:([A-Za-z0-9_]+)/);
  let source = '';
  parts.forEach((part, index) => {
    if (index % 2 === 1) {
      keys.push(part);
      source += '([^/]+)';
    } else {
      source += part.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    }
  });
  return { prefix: parts[0] ?? '', pattern: new RegExp(`^(?:${source})(?:\\/$)?$`), keys };
}

function slashCount(path: string): number {
  let count = 0;
  for (let i = path.indexOf('/'); i !== -1; i = path.indexOf('/', i + 1)) count++;
  return count;
}

/** Decodes a path parameter as Express 5 does: only when it holds `%`, and a malformed escape is a 400. */
function decodeParam(value: string): string {
  if (!value.includes('%')) return value;
  try {
    return decodeURIComponent(value);
  } catch (error) {
    if (error instanceof URIError) {
      error.message = `Failed to decode param '${value}'`;
      Object.assign(error, { status: 400, statusCode: 400 });
    }
    throw error;
  }
}

/**
 * Runs a chain of middleware as an Express 5 route does: `next()` goes on, `next(error)` and a thrown error or
 * rejected promise leave the chain for `done(error)` (the error middleware); the end of the chain calls `done()`.
 */
export function runChain(chain: readonly RequestHandler[], req: Request, res: Response, done: NextFunction): void {
  let index = 0;
  const next = (error?: unknown): void => {
    const step = error ? undefined : chain[index++];
    if (step === undefined) {
      done(error === 'route' ? undefined : error);
      return;
    }
    try {
      const returned: unknown = step(req, res, next);
      if (returned instanceof Promise) {
        returned.then(undefined, (rejection: unknown) => next(rejection || new Error('Rejected promise')));
      }
    } catch (thrown) {
      next(thrown);
    }
  };
  next();
}

/**
 * One middleware in place of a route per operation: Express walked every operation's route in turn, each with its
 * own layer and dispatch, and that walk was the largest of our costs on a small request. This finds the path the
 * way Express did (the paths in order, the first that matches and has the method wins; HEAD runs GET), sets
 * `req.params` and `req.route` as Express would, and runs the operation's chain. Anything else goes on to `next`.
 */
export function operationRouter(paths: readonly RoutedPath[]): RequestHandler {
  const compiled: CompiledPath[] = paths.map(({ expressPath, chains }) => {
    const { prefix, pattern, keys } = compile(expressPath);
    const methods = Object.fromEntries([...chains.keys()].map((method) => [method.toLowerCase(), true] as const));
    return { slashes: slashCount(expressPath), prefix, pattern, keys, route: { path: expressPath, methods }, chains };
  });
  return (req, res, next) => {
    const path = req.path;
    const method = req.method;
    // A parameter holds no slash and cannot be empty, so only a trailing slash adds one to a matching path's count.
    const slashes = slashCount(path) - (path.length > 1 && path.endsWith('/') ? 1 : 0);
    let matchedEarlier = false;
    // From a path on, as Express's router: a chain that ends without answering, or calls next('route'), goes on
    // to the later paths, and then to the middleware after this one.
    const search = (from: number): void => {
      for (let index = from; index < compiled.length; index++) {
        const candidate = compiled[index] as CompiledPath;
        if (candidate.slashes !== slashes || !path.startsWith(candidate.prefix)) continue;
        const match = candidate.pattern.exec(path);
        if (match === null) continue;
        // Express decodes a matching path's parameters before it looks at the method; a malformed one ends the search.
        const params: Record<string, string> = Object.create(null);
        try {
          for (let i = 0; i < candidate.keys.length; i++) {
            params[candidate.keys[i] as string] = decodeParam(match[i + 1] as string);
          }
        } catch (error) {
          next(error);
          return;
        }
        const chain = candidate.chains.get(method) ?? (method === 'HEAD' ? candidate.chains.get('GET') : undefined);
        if (chain === undefined) {
          // Express enters any matching route for HEAD, runs nothing there and goes on, leaving its route and params.
          if (method === 'HEAD') {
            req.route = candidate.route;
            req.params = params;
          }
          matchedEarlier = true;
          continue;
        }
        req.route = candidate.route;
        req.params = params;
        // The validator takes the first path that matches, whatever the method: it may reuse this match only then.
        (req as OpenApiMatchRequest).openapiMatch = matchedEarlier
          ? undefined
          : { expressRoute: candidate.route.path, params };
        matchedEarlier = true;
        runChain(chain, req, res, (error?: unknown) => (error ? next(error) : search(index + 1)));
        return;
      }
      next();
    };
    search(0);
  };
}
