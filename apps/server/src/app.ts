import express from 'express';
import type { AppContext } from './app-context.js';
import { docsRouter } from './docs/docs.routes.js';
import { bindOperations, unmatchedRoute } from './http/bind.js';
import { errorMiddleware } from './http/error-middleware.js';
import { handlers } from './http/handlers.js';
import { corsPolicy, reenterRequestContext, requestContext, securityHeaders } from './http/hardening.js';
import { loadSpec } from './spec.js';

/** Builds the Express app for a context; does not listen (main.ts and tests do). */
export function createApp(context: AppContext): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('case sensitive routing', true);
  // Only the configured number of proxies may speak for the client address: a forged X-Forwarded-For cannot dodge the
  // per-address rate limits.
  app.set('trust proxy', context.config.trustProxyHops);
  if (context.config.issuer.startsWith('https:')) {
    // Served over TLS (ISSUER says so): browsers must never fall back to plain http for this host.
    app.use((_req, res, next) => {
      res.set('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
      next();
    });
  }
  app.use(requestContext(context.logger, context.metrics));
  app.use(...securityHeaders(context.config));
  app.use(corsPolicy(context.config));
  // The documentation site and the spec itself, outside the API's operations.
  app.use(docsRouter());
  app.use(express.json({ limit: '256kb' }));
  // extended: false keeps repeated parameters as arrays, which the spec then refuses (RFC 6749 §3.2).
  app.use(express.urlencoded({ extended: false, limit: '16kb', parameterLimit: 100 }));
  app.use(reenterRequestContext);
  const operations = bindOperations(app, context, {
    spec: loadSpec(),
    handlers,
    validateResponses: context.config.validateResponses,
  });
  app.use(unmatchedRoute(operations));
  app.use(errorMiddleware(context.logger));
  return app;
}
