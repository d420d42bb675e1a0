import { createHash, randomBytes } from 'node:crypto';

/** A new bearer value (refresh token, code, sign-in request id): 256 random bits, base64url (43 characters). */
export const newOpaqueToken = (): string => randomBytes(32).toString('base64url');

/** What the database keeps of a bearer value: its SHA-256, so a copied table cannot be replayed. */
export const hashOpaqueToken = (token: string): string =>
  createHash('sha256').update(token, 'utf8').digest('base64url');
