import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { decodeJwt, signJwt, verifyJwtSignature } from '../../../src/auth/jwt.js';

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const other = generateKeyPairSync('rsa', { modulusLength: 2048 });

describe('jwt', () => {
  test('a signed token decodes and verifies with its key only', () => {
    const token = signJwt({ alg: 'RS256', kid: 'k1' }, { sub: 'x', n: 1 }, privateKey);
    const jwt = decodeJwt(token);
    expect(jwt?.header).toEqual({ alg: 'RS256', kid: 'k1' });
    expect(jwt?.payload).toEqual({ sub: 'x', n: 1 });
    expect(jwt && verifyJwtSignature(jwt, publicKey)).toBe(true);
    expect(jwt && verifyJwtSignature(jwt, other.publicKey)).toBe(false);
  });

  test('a changed payload fails verification', () => {
    const [h, , s] = signJwt({ alg: 'RS256' }, { role: 'Shopper' }, privateKey).split('.');
    const forged = `${h}.${Buffer.from(JSON.stringify({ role: 'FullAccess' })).toString('base64url')}.${s}`;
    const jwt = decodeJwt(forged);
    expect(jwt && verifyJwtSignature(jwt, publicKey)).toBe(false);
  });

  test('alg none is never accepted', () => {
    const none = `${Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url')}.${Buffer.from('{}').toString('base64url')}.`;
    const jwt = decodeJwt(none);
    expect(jwt).not.toBeNull();
    expect(jwt && verifyJwtSignature(jwt, publicKey)).toBe(false);
  });

  test.each([['not-a-jwt'], ['a.b'], ['a.b.c.d'], ['!!.??.**'], [`${'a'.repeat(9000)}.b.c`], ['e30.bnVsbA.']])(
    'decodeJwt(%j) is null',
    (token) => {
      expect(decodeJwt(token)).toBeNull();
    },
  );
});
