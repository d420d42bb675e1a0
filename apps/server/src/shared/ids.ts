import { randomBytes, randomUUID } from 'node:crypto';

/** A new object ID in the ID alphabet (letters, digits, - and _): 128 random bits, 22 characters. */
export const generateId = (): string => randomBytes(16).toString('base64url');

export const toBool = (value: number): boolean => value === 1;
export const fromBool = (value: boolean): number => (value ? 1 : 0);

/**
 * A UUIDv7 (RFC 9562): milliseconds first, then random bits. Rows created together get neighbouring keys, so a bulk
 * load appends to the primary-key index instead of writing all over it.
 */
export function timeOrderedUuid(): string {
  const millis = Date.now().toString(16).padStart(12, '0');
  // A random UUIDv4 (drawn from Node's pooled entropy, unlike randomBytes) past its version digit holds the 74
  // random bits and the variant that a UUIDv7 keeps.
  return `${millis.slice(0, 8)}-${millis.slice(8)}-7${randomUUID().slice(15)}`;
}
