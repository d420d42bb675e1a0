import { type KeyObject, sign, verify } from 'node:crypto';

export interface JwtHeader {
  alg: string;
  typ?: string;
  kid?: string;
  [key: string]: unknown;
}

export type JwtPayload = Record<string, unknown>;

export interface DecodedJwt {
  header: JwtHeader;
  payload: JwtPayload;
  signingInput: string;
  signature: Buffer;
}

/** The JWS algorithms this server signs and verifies with, and the one key type each may use. */
export type JwsAlgorithm = 'RS256' | 'ES256';

/** A public key and the one algorithm it verifies: a token naming any other `alg` fails against it. */
export interface VerificationKey {
  alg: JwsAlgorithm;
  publicKey: KeyObject;
}

type KeyInput = KeyObject | { key: KeyObject; dsaEncoding: 'ieee-p1363' };

const JWS_ALGORITHMS: Readonly<
  Record<JwsAlgorithm, { fits: (key: KeyObject) => boolean; keyInput: (key: KeyObject) => KeyInput }>
> = {
  RS256: { fits: (key) => key.asymmetricKeyType === 'rsa', keyInput: (key) => key },
  // JWS (RFC 7518 §3.4) carries the raw r‖s pair, not the DER that node:crypto uses by default.
  ES256: {
    fits: (key) => key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1',
    keyInput: (key) => ({ key, dsaEncoding: 'ieee-p1363' }),
  },
};

export const isJwsAlgorithm = (alg: string): alg is JwsAlgorithm => Object.hasOwn(JWS_ALGORITHMS, alg);

const encodeJson = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Signs a JWS in compact form with `header.alg`, which must be one of ours and fit the key. */
export function signJwt(header: JwtHeader, payload: JwtPayload, privateKey: KeyObject): string {
  const algorithm = isJwsAlgorithm(header.alg) ? JWS_ALGORITHMS[header.alg] : undefined;
  if (!algorithm?.fits(privateKey))
    throw new Error(`Cannot sign ${header.alg} with a ${privateKey.asymmetricKeyType} key.`);
  const signingInput = `${encodeJson(header)}.${encodeJson(payload)}`;
  const signature = sign('sha256', Buffer.from(signingInput), algorithm.keyInput(privateKey));
  return `${signingInput}.${signature.toString('base64url')}`;
}

const BASE64URL = /^[A-Za-z0-9_-]*$/;

/** Splits and parses a compact JWS without trusting it; null for anything that is not one. */
export function decodeJwt(token: string): DecodedJwt | null {
  if (token.length > 8192) return null;
  const parts = token.split('.');
  if (parts.length !== 3) return null;
  const [h, p, s] = parts as [string, string, string];
  if (!BASE64URL.test(h) || !BASE64URL.test(p) || !BASE64URL.test(s)) return null;
  try {
    const header: unknown = JSON.parse(Buffer.from(h, 'base64url').toString('utf8'));
    const payload: unknown = JSON.parse(Buffer.from(p, 'base64url').toString('utf8'));
    if (!isObject(header) || !isObject(payload) || typeof header['alg'] !== 'string') return null;
    return { header: header as JwtHeader, payload, signingInput: `${h}.${p}`, signature: Buffer.from(s, 'base64url') };
  } catch {
    return null;
  }
}

/**
 * Checks the signature with the key's own algorithm: a token whose `alg` is not exactly the key's fails (no `none`,
 * no HMAC keyed with the public key, no RS256 against an EC key), whatever the token says.
 */
export function verifyJwtSignature(jwt: DecodedJwt, key: VerificationKey): boolean {
  if (jwt.header.alg !== key.alg) return false;
  const algorithm = JWS_ALGORITHMS[key.alg];
  if (!algorithm.fits(key.publicKey)) return false;
  try {
    return verify('sha256', Buffer.from(jwt.signingInput), algorithm.keyInput(key.publicKey), jwt.signature);
  } catch {
    // A signature of the wrong length for the curve throws instead of failing.
    return false;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
