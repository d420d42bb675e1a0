import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

// Client secrets are long random strings, so a keyed fast hash is as strong as a slow KDF here and keeps the
// token endpoint fast; the key (pepper) lives apart from the hashes, so a copied hash alone is useless.

export function hashClientSecret(pepper: Buffer, secret: string): string {
  return createHmac('sha256', pepper).update(secret, 'utf8').digest('base64url');
}

/** Constant time in the secret: both sides are 32-byte digests, compared with timingSafeEqual. */
export function verifyClientSecret(pepper: Buffer, presented: string, storedHash: string | null): boolean {
  const presentedDigest = createHmac('sha256', pepper).update(presented, 'utf8').digest();
  const stored = storedHash === null ? null : Buffer.from(storedHash, 'base64url');
  const comparable =
    stored !== null && stored.length === presentedDigest.length ? stored : randomBytes(presentedDigest.length);
  return timingSafeEqual(presentedDigest, comparable) && comparable === stored;
}

/** A new secret with 256 bits of entropy. */
export function generateClientSecret(): string {
  return randomBytes(32).toString('base64url');
}
