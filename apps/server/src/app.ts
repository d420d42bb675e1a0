import express from 'express';
import type { AppContext } from './app-context.js';
import { docsRouter, isDocsPath } from './docs/docs.routes.js';
import { bindOperations, unmatchedRoute } from './http/bind.js';
import { errorMiddleware } from './http/error-middleware.js';
import { handlers } from './http/handlers.js';
import { requestFrontDoor } from './http/hardening.js';
import { loadSpec } from './spec.js';

/** Builds the Express app for a context; does not listen (main.ts and tests do). */
export function createApp(context: AppContext): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('case sensitive routing', true);
  // Only the configured number of proxies may speak for the client address: a forged X-Forwarded-For cannot dodge the
  // per-address rate limits.
  app.set('trust proxy', context.config.trustProxyHops);
  // Nothing relies on Express's weak ETag (the spec has no conditional requests), and hashing every body costs.
  app.set('etag', false);
  app.use(requestFrontDoor(context.config, context.logger, context.metrics));
  // Each operation parses the body types its spec declares (see bindOperations).
  const operations = bindOperations(app, context, {
    spec: loadSpec(),
    handlers,
    validateResponses: context.config.validateResponses,
  });
  // The documentation site and the spec itself, outside the API's operations (no path of theirs is one), so after
  // them: an operation does not pay for this check. Other paths skip its router.
  const docs = docsRouter();
  app.use((req, res, next) => (isDocsPath(req.path) ? docs(req, res, next) : next()));
  app.use(unmatchedRoute(operations));
  app.use(errorMiddleware(context.logger));
  return app;
}
