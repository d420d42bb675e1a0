import { validationFailure } from '../http/errors.js';

export type Xp = Record<string, unknown>;

/** OrderCloud's limit on serialized xp. */
export const XP_MAX_BYTES = 8000;

/** Serializes xp for storage, refusing more than 8000 bytes. */
export function serializeXp(xp: Xp | null | undefined): string | null {
  if (xp === null || xp === undefined) return null;
  const text = JSON.stringify(xp);
  if (Buffer.byteLength(text, 'utf8') > XP_MAX_BYTES) {
    throw validationFailure('xp', 'maxBytes', `xp must serialize to at most ${XP_MAX_BYTES} bytes.`);
  }
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
  return serializeXp(patch === null ? null : deepMerge(parseXp(stored), patch));
}
