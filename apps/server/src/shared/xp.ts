import { validationFailure } from '../http/errors.js';

export type Xp = Record<string, unknown>;

/** OrderCloud's limit on serialized xp. */
export const XP_MAX_BYTES = 8000;

const tooLarge = () => validationFailure('xp', 'maxBytes', `xp must serialize to at most ${XP_MAX_BYTES} bytes.`);

/**
 * Refuses xp whose serialization is sure to exceed the limit, counting without recursion: JSON.stringify on the
 * tens of thousands of nesting levels that fit in a request body overflows the stack (a 500). Xp that passes is at
 * most a few thousand levels deep, which JSON.stringify and deepMerge handle.
 */
function assertSmallEnough(xp: unknown): void {
  // A lower bound of the serialized length: quotes, brackets, commas and colons included, nothing overcounted.
  let bytes = 0;
  const pending: unknown[] = [xp];
  while (pending.length > 0) {
    const next = pending.pop();
    if (typeof next === 'string') {
      bytes += next.length + 2;
    } else if (Array.isArray(next)) {
      bytes += 1 + Math.max(next.length, 1);
      for (const item of next) pending.push(item);
    } else if (typeof next === 'object' && next !== null) {
      const entries = Object.entries(next);
      bytes += 1 + Math.max(entries.length, 1);
      for (const [key, value] of entries) {
        bytes += key.length + 3;
        pending.push(value);
      }
    } else {
      bytes += 1;
    }
    if (bytes > XP_MAX_BYTES) throw tooLarge();
  }
}

/** Serializes xp for storage, refusing more than 8000 bytes. */
export function serializeXp(xp: Xp | null | undefined): string | null {
  if (xp === null || xp === undefined) return null;
  assertSmallEnough(xp);
  const text = JSON.stringify(xp);
  if (Buffer.byteLength(text, 'utf8') > XP_MAX_BYTES) throw tooLarge();
  return text;
}

export function parseXp(text: string | null): Xp | null {
  return text === null ? null : (JSON.parse(text) as Xp);
}

/** PATCH semantics: objects merge key by key, anything else (null included) replaces. */
export function deepMerge(target: Xp | null, patch: Xp): Xp {
  const merged: Xp = { ...(target ?? {}) };
  for (const [key, value] of Object.entries(patch)) {
    const current = merged[key];
    merged[key] = isPlainObject(value) && isPlainObject(current) ? deepMerge(current, value) : value;
  }
  return merged;
}

function isPlainObject(value: unknown): value is Xp {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The stored xp after a PATCH: absent keeps it, null clears it, an object deep-merges into it. */
export function patchedXp(stored: string | null, patch: Xp | null | undefined): string | null {
  if (patch === undefined) return stored;
  if (patch !== null) assertSmallEnough(patch);
  return serializeXp(patch === null ? null : deepMerge(parseXp(stored), patch));
}
