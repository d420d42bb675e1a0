import { randomBytes } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { generateClientSecret, hashClientSecret, verifyClientSecret } from '../../../src/auth/client-secrets.js';

const pepper = randomBytes(32);

describe('client secrets', () => {
  test('verifies the right secret and refuses others', () => {
    const hash = hashClientSecret(pepper, 'correct horse battery staple');
    expect(verifyClientSecret(pepper, 'correct horse battery staple', hash)).toBe(true);
    expect(verifyClientSecret(pepper, 'correct horse battery stapl', hash)).toBe(false);
    expect(verifyClientSecret(pepper, '', hash)).toBe(false);
  });

  test('the hash is keyed: another pepper does not verify, and the secret is not in the hash', () => {
    const secret = 'a-secret-value-0123456789';
    const hash = hashClientSecret(pepper, secret);
    expect(verifyClientSecret(randomBytes(32), secret, hash)).toBe(false);
    expect(hash).not.toContain(secret);
    expect(Buffer.from(hash, 'base64url')).toHaveLength(32);
  });

  test('no stored hash (public client) and malformed hashes never verify', () => {
    expect(verifyClientSecret(pepper, 'anything', null)).toBe(false);
    expect(verifyClientSecret(pepper, 'anything', 'short')).toBe(false);
  });

  test('generated secrets carry 256 bits in the base64url alphabet', () => {
    const secret = generateClientSecret();
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(generateClientSecret()).not.toBe(secret);
  });
});
