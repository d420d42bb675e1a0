import { createHmac, generateKeyPairSync } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { decodeJwt, type JwsAlgorithm, signJwt, verifyJwtSignature } from '../../../src/auth/jwt.js';

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const otherRsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const otherEc = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const KEYS = { RS256: [rsa, otherRsa], ES256: [ec, otherEc] } as const;

const segment = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe.each(Object.keys(KEYS) as JwsAlgorithm[])('jwt %s', (alg) => {
  const [own, other] = KEYS[alg];
  const verifier = { alg, publicKey: own.publicKey };

  test('a signed token decodes and verifies with its key only', () => {
    const token = signJwt({ alg, kid: 'k1' }, { sub: 'x', n: 1 }, own.privateKey);
    const jwt = decodeJwt(token);
    expect(jwt?.header).toEqual({ alg, kid: 'k1' });
    expect(jwt?.payload).toEqual({ sub: 'x', n: 1 });
    expect(jwt && verifyJwtSignature(jwt, verifier)).toBe(true);
    expect(jwt && verifyJwtSignature(jwt, { alg, publicKey: other.publicKey })).toBe(false);
  });

  test('a changed payload fails verification', () => {
    const [h, , s] = signJwt({ alg }, { role: 'Shopper' }, own.privateKey).split('.');
    const jwt = decodeJwt(`${h}.${segment({ role: 'FullAccess' })}.${s}`);
    expect(jwt && verifyJwtSignature(jwt, verifier)).toBe(false);
  });

  test('alg none is never accepted', () => {
    const jwt = decodeJwt(`${segment({ alg: 'none' })}.${segment({})}.`);
    expect(jwt).not.toBeNull();
    expect(jwt && verifyJwtSignature(jwt, verifier)).toBe(false);
  });

  test('HS256 keyed with the public key is refused', () => {
    const signingInput = `${segment({ alg: 'HS256' })}.${segment({ role: 'FullAccess' })}`;
    for (const secret of [
      own.publicKey.export({ format: 'pem', type: 'spki' }),
      JSON.stringify(own.publicKey.export({ format: 'jwk' })),
    ]) {
      const mac = createHmac('sha256', secret).update(signingInput).digest('base64url');
      const jwt = decodeJwt(`${signingInput}.${mac}`);
      expect(jwt && verifyJwtSignature(jwt, verifier)).toBe(false);
    }
  });

  test('a token of the other algorithm fails against this key, even with a valid signature of its own', () => {
    const otherAlg: JwsAlgorithm = alg === 'RS256' ? 'ES256' : 'RS256';
    const foreign = decodeJwt(signJwt({ alg: otherAlg }, { sub: 'x' }, KEYS[otherAlg][0].privateKey));
    expect(foreign && verifyJwtSignature(foreign, verifier)).toBe(false);
    // A key object of the wrong type under a claimed algorithm verifies nothing either.
    expect(foreign && verifyJwtSignature(foreign, { alg: otherAlg, publicKey: own.publicKey })).toBe(false);
  });

  test('signing refuses an algorithm the key does not fit', () => {
    expect(() => signJwt({ alg: alg === 'RS256' ? 'ES256' : 'RS256' }, {}, own.privateKey)).toThrow();
    expect(() => signJwt({ alg: 'HS256' }, {}, own.privateKey)).toThrow();
  });
});

describe('jwt', () => {
  test('ES256 signatures are JWS r‖s (64 bytes), not DER', () => {
    const jwt = decodeJwt(signJwt({ alg: 'ES256' }, { sub: 'x' }, ec.privateKey));
    expect(jwt?.signature).toHaveLength(64);
  });

  test('a P-384 key is not an ES256 key', () => {
    const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' });
    expect(() => signJwt({ alg: 'ES256' }, {}, p384.privateKey)).toThrow();
  });

  test.each([['not-a-jwt'], ['a.b'], ['a.b.c.d'], ['!!.??.**'], [`${'a'.repeat(9000)}.b.c`], ['e30.bnVsbA.']])(
    'decodeJwt(%j) is null',
    (token) => {
      expect(decodeJwt(token)).toBeNull();
    },
  );
});
