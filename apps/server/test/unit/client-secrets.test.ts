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

  test('C6: timing does not depend on how much of the secret matches (statistical, generous bound)', () => {
    const secret = 'a'.repeat(64);
    const stored = hashClientSecret(pepper, secret);
    const time = (presented: string) => {
      const start = process.hrtime.bigint();
      for (let i = 0; i < 2000; i++) verifyClientSecret(pepper, presented, stored);
      return Number(process.hrtime.bigint() - start);
    };
    const nearly: number[] = [];
    const wrong: number[] = [];
    // Interleaved rounds, best of each: JIT warm-up and noise hit both sides alike.
    for (let round = 0; round < 8; round++) {
      nearly.push(time(`${'a'.repeat(63)}b`));
      wrong.push(time('b'.repeat(64)));
    }
    const nearlyRight = Math.min(...nearly);
    const allWrong = Math.min(...wrong);
    expect(nearlyRight / allWrong).toBeGreaterThan(0.5);
    expect(nearlyRight / allWrong).toBeLessThan(2);
  });

  test('C7: generated secrets carry 256 bits', () => {
    const secret = generateClientSecret();
    expect(Buffer.from(secret, 'base64url')).toHaveLength(32);
  });
});
