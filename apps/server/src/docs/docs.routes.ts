import fs from 'node:fs';
import path from 'node:path';
import express, { type Router } from 'express';
import { ApiError } from '../http/errors.js';
import { DOCS_DIR, SPEC_PATH } from '../repo-paths.js';
import { loadSpec } from '../spec.js';

/**
 * The page may load nothing from elsewhere: its script and styles are inline, and the spec is embedded. The policy
 * makes a browser refuse anything else, so a renderer update that reaches for a CDN shows up as a broken page in
 * the browser test, not as a silent third-party request.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'unsafe-inline'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "frame-ancestors 'none'",
].join('; ');

/** The paths docsRouter serves, matched as loosely as its router does (any case, one trailing slash). */
export const isDocsPath = (path: string): boolean => /^\/(?:openapi\.(?:yaml|json)\/?|docs(?:\/.*)?)$/i.test(path);

/**
 * The documentation site at `/docs` and the spec at `/openapi.yaml` and `/openapi.json`: static files outside the
 * API's operations (and so outside the request validator).
 */
export function docsRouter(docsDir: string = DOCS_DIR): Router {
  const router = express.Router();
  const specText = fs.readFileSync(SPEC_PATH, 'utf8');
  const specJson = JSON.stringify(loadSpec(), null, 2);

  router.get('/openapi.yaml', (_req, res) => {
    res.type('text/yaml; charset=utf-8').send(specText);
  });
  router.get('/openapi.json', (_req, res) => {
    res.type('application/json; charset=utf-8').send(specJson);
  });

  const index = path.join(docsDir, 'index.html');
  const setHeaders = (res: express.Response) => res.set('Content-Security-Policy', CONTENT_SECURITY_POLICY);
  router.use('/docs', express.static(docsDir, { index: false, redirect: false, setHeaders }));
  // The site routes in the browser (`/docs/buyers`, `/docs/section/authentication`): every other path gets the page.
  router.get(['/docs', '/docs/{*rest}'], (_req, res, next) => {
    if (!fs.existsSync(index)) {
      return next(
        new ApiError(
          404,
          'NotFound',
          'The documentation site is not built: run `pnpm build` (it builds @usher/docs).',
          {
            ObjectType: 'Endpoint',
            ObjectID: '/docs',
          },
        ),
      );
    }
    setHeaders(res);
    res.sendFile(index);
  });
  return router;
}
