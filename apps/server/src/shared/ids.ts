import { randomBytes } from 'node:crypto';

/** A new object ID in the ID alphabet (letters, digits, - and _): 128 random bits, 22 characters. */
export const generateId = (): string => randomBytes(16).toString('base64url');

export const toBool = (value: number): boolean => value === 1;
export const fromBool = (value: boolean): number => (value ? 1 : 0);

/**
 * A UUIDv7 (RFC 9562): milliseconds first, then random bits. Rows created together get neighbouring keys, so a bulk
 * load appends to the primary-key index instead of writing all over it.
 */
export function timeOrderedUuid(): string {
  const bytes = randomBytes(16);
  bytes.writeUIntBE(Date.now(), 0, 6);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x70;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
