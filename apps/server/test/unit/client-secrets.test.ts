import * as crypto from 'node:crypto';
import { describe, expect, test, vi } from 'vitest';

vi.mock('node:crypto', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:crypto')>();
  return { ...actual, timingSafeEqual: vi.fn(actual.timingSafeEqual) };
});

const { generateClientSecret, hashClientSecret, verifyClientSecret } = await import('../../src/auth/client-secrets.js');

const pepper = Buffer.alloc(32, 7);

describe('client secrets', () => {
  test('C6: every comparison goes through timingSafeEqual on equal-length digests, whatever the input length', () => {
    const stored = hashClientSecret(pepper, 'the-right-secret-0123');
    const spy = vi.mocked(crypto.timingSafeEqual);
    spy.mockClear();
    for (const presented of ['the-right-secret-0123', 'x', 'the-right-secret-0124', 'y'.repeat(500)]) {
      verifyClientSecret(pepper, presented, stored);
    }
    verifyClientSecret(pepper, 'anything', null);
    verifyClientSecret(pepper, 'anything', 'short');
    expect(spy).toHaveBeenCalledTimes(6);
    for (const [a, b] of spy.mock.calls) expect((a as Buffer).length).toBe((b as Buffer).length);
  });

  test('C6: right secrets pass; wrong, missing or malformed stored hashes fail without throwing', () => {
    const stored = hashClientSecret(pepper, 'the-right-secret-0123');
    expect(verifyClientSecret(pepper, 'the-right-secret-0123', stored)).toBe(true);
    expect(verifyClientSecret(pepper, 'the-right-secret-0124', stored)).toBe(false);
    expect(verifyClientSecret(pepper, 'the-right-secret-0123', null)).toBe(false);
    expect(verifyClientSecret(pepper, 'the-right-secret-0123', 'not-a-digest')).toBe(false);
    expect(verifyClientSecret(Buffer.alloc(32, 8), 'the-right-secret-0123', stored)).toBe(false);
  });

  test('C7: generated secrets carry 256 bits', () => {
    const secret = generateClientSecret();
    expect(Buffer.from(secret, 'base64url')).toHaveLength(32);
  });
});
