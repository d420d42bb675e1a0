import { randomBytes } from 'node:crypto';

/** A new object ID in the ID alphabet (letters, digits, - and _): 128 random bits, 22 characters. */
export const generateId = (): string => randomBytes(16).toString('base64url');

export const toBool = (value: number): boolean => value === 1;
export const fromBool = (value: boolean): number => (value ? 1 : 0);
