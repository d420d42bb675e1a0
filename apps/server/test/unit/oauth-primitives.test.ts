import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { accessTokenHash } from '../../src/auth/id-tokens.js';
import { InMemoryFailureLimiter } from '../../src/oauth/failure-limiter.js';
import { hashOpaqueToken, newOpaqueToken } from '../../src/oauth/opaque-tokens.js';
import { isPkceValue, verifierMatches } from '../../src/oauth/pkce.js';
import { escapeHtml, signInPage } from '../../src/oauth/sign-in-page.js';

describe('PKCE', () => {
  test('the RFC 7636 Appendix B example verifies', () => {
    expect(
      verifierMatches('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk', 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM'),
    ).toBe(true);
    expect(
      verifierMatches('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXj', 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM'),
    ).toBe(false);
    expect(verifierMatches('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk', 'short')).toBe(false);
  });

  test('verifiers are 43-128 unreserved characters', () => {
    expect(isPkceValue('a'.repeat(43))).toBe(true);
    expect(isPkceValue('a'.repeat(128))).toBe(true);
    expect(isPkceValue('a'.repeat(42))).toBe(false);
    expect(isPkceValue('a'.repeat(129))).toBe(false);
    expect(isPkceValue(`${'a'.repeat(42)}~`)).toBe(true);
    for (const bad of ['+', '/', '=', ' ', 'é']) expect(isPkceValue(`${'a'.repeat(42)}${bad}`)).toBe(false);
  });
});

describe('opaque tokens', () => {
  test('X5: 32 random bytes, base64url, hashed with SHA-256 for storage', () => {
    const token = newOpaqueToken();
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    expect(hashOpaqueToken(token)).not.toBe(token);
    expect(Buffer.from(hashOpaqueToken(token), 'base64url')).toHaveLength(32);
  });

  test('X5: no Math.random anywhere in the server', () => {
    const root = fileURLToPath(new URL('../../src', import.meta.url));
    const files = fs
      .readdirSync(root, { recursive: true })
      .map(String)
      .filter((f) => f.endsWith('.ts'));
    expect(files.length).toBeGreaterThan(20);
    for (const file of files) expect(fs.readFileSync(path.join(root, file), 'utf8'), file).not.toContain('Math.random');
  });
});

describe('ID tokens', () => {
  test('I3: at_hash is the base64url left half of SHA-256 (OIDC Core example)', () => {
    // OpenID Connect Core 1.0 Appendix A.3 access token and at_hash.
    expect(accessTokenHash('jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y')).toBe('77QmUPtjPfzWtF2AnpK9RQ');
  });
});

describe('failure limiter', () => {
  test('X1: a key is throttled after its budget, refills over a minute, and keys are independent', () => {
    let now = 0;
    const limiter = new InMemoryFailureLimiter({ failuresPerClient: 3, failuresPerAddress: 5 }, () => now);
    for (let i = 0; i < 3; i++) limiter.recordFailure('client:a');
    expect(limiter.retryAfter('client:a')).toBe(20);
    expect(limiter.retryAfter('client:b')).toBe(0);
    expect(limiter.retryAfter('ip:1.2.3.4')).toBe(0);
    now = 20_000;
    expect(limiter.retryAfter('client:a')).toBe(0);
    for (let i = 0; i < 4; i++) limiter.recordFailure('ip:1.2.3.4');
    expect(limiter.retryAfter('ip:1.2.3.4')).toBe(0);
    limiter.recordFailure('ip:1.2.3.4');
    expect(limiter.retryAfter('ip:1.2.3.4')).toBeGreaterThan(0);
  });
});

describe('sign-in page', () => {
  test('escapes what it echoes and labels every input', () => {
    expect(escapeHtml(`<a href="x">'&`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;');
    const html = signInPage({ appName: '<b>Shop</b>', requestId: 'r"1', username: '"><script>', error: 'Nope <i>' });
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<b>Shop</b>');
    expect(html).toContain('role="alert"');
    expect(html).toContain('<label for="username">');
    expect(html).toContain('<label for="password">');
    expect(html).toContain('value="r&quot;1"');
  });
});

describe('operator CLI', () => {
  test('unknown commands and malformed options print the usage and exit 2 without touching a database', async () => {
    const { runCli } = await import('../../src/cli-commands.js');
    for (const argv of [[], ['rotate'], ['rotate-keys', '--activate-in'], ['rotate-keys', '--activate-in', 'soon']]) {
      const lines: string[] = [];
      expect(await runCli(argv, { DATABASE_URL: '/nonexistent/dir/never.sqlite' }, (l) => lines.push(l))).toBe(2);
      expect(lines.join('\n')).toContain('Usage: usher rotate-keys');
    }
  });
});
