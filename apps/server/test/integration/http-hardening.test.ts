import http from 'node:http';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createLogger } from '../../src/shared/logger.js';
import { createBuyer, createClient, createUser, passwordGrant, startAuthTestApp } from '../support/auth-fixtures.js';
import { DIALECTS } from '../support/dialects.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const SECURITY_HEADERS = ['x-content-type-options', 'x-frame-options', 'referrer-policy', 'content-security-policy'];

function expectSecurityHeaders(res: Response): void {
  for (const name of SECURITY_HEADERS) expect(res.headers.get(name), name).toBeTruthy();
  expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  expect(res.headers.get('x-powered-by')).toBeNull();
}

/** Log lines as parsed JSON, captured from a real logger. */
function captureLogs() {
  const lines: string[] = [];
  const logger = createLogger('debug', (line) => lines.push(line));
  const entries = () => lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  return { logger, lines, entries };
}

for (const dialect of DIALECTS) {
  describe(`${dialect}: HTTP hardening`, () => {
    const logs = captureLogs();
    let t: TestApp;
    beforeAll(async () => {
      t = await startAuthTestApp(dialect, {}, logs.logger);
    });
    afterAll(() => t.close());

    test('a body is parsed only as the media type its operation declares; the validator refuses the others', async () => {
      const token = await t.adminToken();
      const json = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
      const answers = [
        // A form body to a JSON operation, and JSON to the form-encoded token endpoint.
        await fetch(`${t.url}/v1/buyers`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${token}` },
          body: new URLSearchParams({ ID: 'form-buyer', Name: 'Form' }),
        }),
        await fetch(`${t.url}/oauth/token`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ grant_type: 'client_credentials' }),
        }),
        // Malformed JSON where JSON is declared; no parser runs for a path that is no operation.
        await fetch(`${t.url}/v1/buyers`, { method: 'POST', headers: json, body: '{bad' }),
        await fetch(`${t.url}/v1/no-such-operation`, { method: 'POST', headers: json, body: '{bad' }),
      ];
      expect(answers.map((res) => res.status)).toEqual([415, 400, 400, 404]);
      const bodies = (await Promise.all(answers.map((res) => res.json()))) as Array<{
        Errors?: Array<{ ErrorCode: string }>;
        error?: string;
      }>;
      expect(bodies.map((body) => body.error ?? body.Errors?.[0]?.ErrorCode)).toEqual([
        'Request.InvalidContentType',
        'invalid_request',
        'Request.InvalidRequestBody',
        'NotFound',
      ]);
      expect((await fetch(`${t.url}/v1/buyers/form-buyer`, { headers: json })).status).toBe(404);
    });

    test('every kind of answer carries the security headers, the API a strict CSP, the sign-in page its own', async () => {
      const token = await t.adminToken();
      const answers = [
        await fetch(`${t.url}/healthz`),
        await fetch(`${t.url}/v1/buyers`, { headers: { Authorization: `Bearer ${token}` } }),
        await fetch(`${t.url}/v1/buyers`),
        await fetch(`${t.url}/no/such/path`),
        await fetch(`${t.url}/oauth/token`, { method: 'POST', body: new URLSearchParams({ grant_type: 'nope' }) }),
      ];
      expect(answers.map((res) => res.status)).toEqual([200, 200, 401, 404, 400]);
      for (const res of answers) {
        expectSecurityHeaders(res);
        expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
      }
      const client = await createClient(t, { ClientSecret: 'hardening-client-secret-01' });
      const page = await fetch(
        `${t.url}/oauth/authorize?${new URLSearchParams({
          response_type: 'code',
          client_id: client.id,
          redirect_uri: 'https://app.example.com/cb',
          code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
          code_challenge_method: 'S256',
        })}`,
      );
      expect(page.status).toBe(200);
      expectSecurityHeaders(page);
      expect(page.headers.get('content-security-policy')).toMatch(/style-src 'sha256-[^']+'/);
    });

    test('bodies over the limits answer 413 in the documented shapes', async () => {
      const token = await t.adminToken();
      const big = await fetch(`${t.url}/v1/buyers`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ Name: 'x', xp: { blob: 'x'.repeat(300_000) } }),
      });
      expect(big.status).toBe(413);
      expect(await big.json()).toEqual({
        Errors: [{ ErrorCode: 'Request.TooLarge', Message: 'Request body is too large.', Data: null }],
      });
      const form = await fetch(`${t.url}/oauth/token`, {
        method: 'POST',
        body: new URLSearchParams({ grant_type: 'client_credentials', client_id: 'x'.repeat(20_000) }),
      });
      expect(form.status).toBe(413);
      expect(((await form.json()) as { error: string }).error).toBe('invalid_request');
    });

    test('CORS is off by default: no Access-Control headers, and a preflight is not answered', async () => {
      const res = await fetch(`${t.url}/healthz`, { headers: { Origin: 'https://evil.example' } });
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
      const preflight = await fetch(`${t.url}/v1/buyers`, {
        method: 'OPTIONS',
        headers: { Origin: 'https://evil.example', 'Access-Control-Request-Method': 'GET' },
      });
      expect(preflight.status).toBe(405);
      expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    });

    test('X-Request-Id: a sane one is echoed, a missing or hostile one replaced by a UUID', async () => {
      const sane = await fetch(`${t.url}/healthz`, { headers: { 'X-Request-Id': 'req-123.abc:9' } });
      expect(sane.headers.get('x-request-id')).toBe('req-123.abc:9');
      const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
      expect((await fetch(`${t.url}/healthz`)).headers.get('x-request-id')).toMatch(uuid);
      for (const hostile of ['a'.repeat(129), 'two words', '{"level":"error"}']) {
        const res = await fetch(`${t.url}/healthz`, { headers: { 'X-Request-Id': hostile } });
        expect(res.headers.get('x-request-id')).toMatch(uuid);
      }
    });

    test('one JSON line per request with route template, status, ms and the request id, also on handler lines', async () => {
      const token = await t.adminToken();
      await fetch(`${t.url}/v1/buyers/no-such-buyer`, {
        headers: { Authorization: `Bearer ${token}`, 'X-Request-Id': 'trace-get-buyer' },
      });
      const client = await createClient(t, { ClientSecret: 'trace-client-secret-0123' });
      await fetch(`${t.url}/oauth/token`, {
        method: 'POST',
        headers: { 'X-Request-Id': 'trace-token' },
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: client.id,
          client_secret: 'trace-client-secret-0123',
        }),
      });
      const entries = logs.entries();
      const access = entries.find((e) => e['msg'] === 'request' && e['requestId'] === 'trace-get-buyer');
      expect(access).toMatchObject({ level: 'info', method: 'GET', route: '/v1/buyers/{buyerID}', status: 404 });
      expect(typeof access?.['ms']).toBe('number');
      // Logged by the token handler after the form body was parsed: the id survives the body parser.
      expect(entries.find((e) => e['msg'] === 'grant.success' && e['client_id'] === client.id)).toMatchObject({
        requestId: 'trace-token',
      });
    });

    test('no password, client secret or token reaches the logs, whatever a caller logs', async () => {
      const buyerId = await createBuyer(t);
      const client = await createClient(t, { ClientSecret: 'never-log-this-secret-42' });
      const user = await createUser(t, buyerId);
      const grant = await passwordGrant(t, client, user);
      expect(grant.status).toBe(200);
      const accessToken = String(grant.json['access_token']);
      await fetch(`${t.url}/v1/me`, { headers: { Authorization: `Bearer ${accessToken}` } });
      logs.logger.info('careless', {
        password: user.password,
        client_secret: 'never-log-this-secret-42',
        headers: { authorization: `Bearer ${accessToken}` },
        body: { refresh_token: String(grant.json['refresh_token']) },
      });
      const text = logs.lines.join('');
      for (const secret of [
        user.password,
        'never-log-this-secret-42',
        accessToken,
        String(grant.json['refresh_token']),
      ]) {
        expect(text).not.toContain(secret);
      }
      expect(logs.entries().find((e) => e['msg'] === 'careless')).toMatchObject({
        password: '[redacted]',
        client_secret: '[redacted]',
        headers: { authorization: '[redacted]' },
      });
    });

    test('/metrics: Prometheus text with requests by route template and status, and process metrics', async () => {
      const token = await t.adminToken();
      await fetch(`${t.url}/v1/buyers/nobody`, { headers: { Authorization: `Bearer ${token}` } });
      const res = await fetch(`${t.url}/metrics`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
      const text = await res.text();
      expect(text).toMatch(/http_requests_total\{method="GET",route="\/v1\/buyers\/\{buyerID\}",status="404"\} \d+/);
      expect(text).toMatch(/http_request_duration_seconds_bucket\{le="[\d.]+",method="GET",route="\/healthz"/);
      expect(text).toContain('process_resident_memory_bytes');
      expect(text).toContain('nodejs_eventloop_lag_seconds');
    });

    test('graceful shutdown: new connections are refused, a request already in flight still completes', async () => {
      const own = await startTestApp({ dialect });
      const token = await own.adminToken();
      const body = JSON.stringify({ ID: 'in-flight', Name: 'Sent during shutdown' });
      const { port } = new URL(own.url);
      const received = new Promise<void>((resolve) => {
        own.running.server.on('request', (req: http.IncomingMessage) => {
          if (req.method === 'POST' && req.url === '/v1/buyers') resolve();
        });
      });
      let startShutdown = () => {};
      const shutdownStarted = new Promise<void>((resolve) => {
        startShutdown = resolve;
      });
      const answer = new Promise<{ status: number; text: string }>((resolve, reject) => {
        const req = http.request({
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: '/v1/buyers',
          headers: {
            Authorization: `Bearer ${token}`,
            'Content-Type': 'application/json',
            'Content-Length': Buffer.byteLength(body),
          },
        });
        req.on('response', (res) => {
          let text = '';
          res.on('data', (chunk: Buffer) => {
            text += chunk.toString();
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        });
        req.on('error', reject);
        // Half the body now; the rest only once the shutdown has begun.
        req.write(body.slice(0, 10));
        shutdownStarted.then(() => req.end(body.slice(10)), reject);
      });
      // The server has the half-sent request once it has parsed its headers.
      await received;
      const closing = own.running.close();
      await expect(fetch(`${own.url}/healthz`)).rejects.toThrow();
      startShutdown();
      const { status, text } = await answer;
      expect(status).toBe(201);
      expect(JSON.parse(text)).toMatchObject({ ID: 'in-flight' });
      await closing;
    });
  });

  describe(`${dialect}: HTTP hardening options`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp({
        dialect,
        env: { CORS_ORIGINS: 'https://shop.example.com', METRICS_TOKEN: 'metrics-token-0123456789' },
      });
    });
    afterAll(() => t.close());

    test('CORS_ORIGINS enables CORS for those origins only, and never on the sign-in page', async () => {
      const allowed = await fetch(`${t.url}/healthz`, { headers: { Origin: 'https://shop.example.com' } });
      expect(allowed.headers.get('access-control-allow-origin')).toBe('https://shop.example.com');
      expect(allowed.headers.get('access-control-expose-headers')).toContain('X-Request-Id');
      const other = await fetch(`${t.url}/healthz`, { headers: { Origin: 'https://evil.example' } });
      expect(other.headers.get('access-control-allow-origin')).toBeNull();
      const preflight = await fetch(`${t.url}/v1/buyers`, {
        method: 'OPTIONS',
        headers: {
          Origin: 'https://shop.example.com',
          'Access-Control-Request-Method': 'POST',
          'Access-Control-Request-Headers': 'authorization,content-type',
        },
      });
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get('access-control-allow-origin')).toBe('https://shop.example.com');
      const signIn = await fetch(`${t.url}/oauth/authorize`, { headers: { Origin: 'https://shop.example.com' } });
      expect(signIn.headers.get('access-control-allow-origin')).toBeNull();
    });

    test('METRICS_TOKEN: /metrics needs that bearer token', async () => {
      expect((await fetch(`${t.url}/metrics`)).status).toBe(401);
      const wrong = await fetch(`${t.url}/metrics`, { headers: { Authorization: 'Bearer wrong-token-0123456789' } });
      expect(wrong.status).toBe(401);
      expect(((await wrong.json()) as { Errors: Array<{ ErrorCode: string }> }).Errors[0]?.ErrorCode).toBe(
        'InvalidToken',
      );
      const right = await fetch(`${t.url}/metrics`, { headers: { Authorization: 'Bearer metrics-token-0123456789' } });
      expect(right.status).toBe(200);
      expect(await right.text()).toContain('http_requests_total');
    });
  });
}
