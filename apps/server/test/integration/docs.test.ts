import fs from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import express from 'express';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { docsRouter } from '../../src/docs/docs.routes.js';
import { errorMiddleware } from '../../src/http/error-middleware.js';
import { createLogger } from '../../src/shared/logger.js';
import { SPEC_PATH } from '../../src/spec.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

describe('sqlite: the spec and the documentation site', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  test('/openapi.yaml is the spec as written, /openapi.json the same document', async () => {
    const yaml = await fetch(`${t.url}/openapi.yaml`);
    expect(yaml.status).toBe(200);
    expect(yaml.headers.get('content-type')).toMatch(/^text\/yaml/);
    const text = await yaml.text();
    expect(text).toBe(fs.readFileSync(SPEC_PATH, 'utf8'));
    const json = await fetch(`${t.url}/openapi.json`);
    expect(json.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await json.json()).toEqual(parse(text));
  });

  test('/docs and its in-page routes answer the built page under a same-origin content policy', async () => {
    for (const route of ['/docs', '/docs/', '/docs/section/authentication']) {
      const page = await fetch(`${t.url}${route}`);
      expect(page.status, route).toBe(200);
      expect(page.headers.get('content-type'), route).toMatch(/^text\/html/);
      expect(page.headers.get('content-security-policy'), route).toContain("default-src 'self'");
      expect(await page.text(), route).toContain('Usher API');
    }
  });
});

describe('/docs before the site is built', () => {
  let server: Server;
  let url: string;
  beforeAll(async () => {
    const app = express();
    app.use(docsRouter(fs.mkdtempSync(path.join(os.tmpdir(), 'usher-no-docs-'))));
    app.use(errorMiddleware(createLogger('silent')));
    server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, () => resolve(s));
    });
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  test('answers 404 saying to run pnpm build', async () => {
    const response = await fetch(`${url}/docs`);
    expect(response.status).toBe(404);
    const body = (await response.json()) as { Errors: Array<{ ErrorCode: string; Message: string }> };
    expect(body.Errors[0]?.ErrorCode).toBe('NotFound');
    expect(body.Errors[0]?.Message).toContain('pnpm build');
  });
});
