import { describe, expect, test } from 'vitest';
import { ApiError } from '../../../src/http/errors.js';
import { deepMerge, patchedXp, serializeXp } from '../../../src/shared/xp.js';

describe('deepMerge', () => {
  test.each([
    ['adds keys', { a: 1 }, { b: 2 }, { a: 1, b: 2 }],
    ['merges nested objects', { n: { a: 1, b: 1 } }, { n: { b: 2 } }, { n: { a: 1, b: 2 } }],
    ['keeps a null value', { a: 1 }, { a: null }, { a: null }],
    ['replaces arrays whole', { a: [1, 2] }, { a: [3] }, { a: [3] }],
    ['replaces an object by a scalar', { a: { x: 1 } }, { a: 5 }, { a: 5 }],
    ['starts from nothing', null, { a: { b: 1 } }, { a: { b: 1 } }],
  ])('%s', (_name, target, patch, want) => {
    expect(deepMerge(target, patch)).toEqual(want);
  });

  test('does not modify its inputs', () => {
    const target = { n: { a: 1 } };
    deepMerge(target, { n: { b: 2 } });
    expect(target).toEqual({ n: { a: 1 } });
  });
});

describe('serializeXp', () => {
  test('accepts exactly 8000 bytes and refuses 8001', () => {
    const overhead = JSON.stringify({ s: '' }).length;
    expect(serializeXp({ s: 'a'.repeat(8000 - overhead) })).toHaveLength(8000);
    expect(() => serializeXp({ s: 'a'.repeat(8001 - overhead) })).toThrow(ApiError);
  });

  test('counts bytes, not characters', () => {
    const overhead = JSON.stringify({ s: '' }).length;
    expect(() => serializeXp({ s: 'é'.repeat(Math.ceil((8001 - overhead) / 2)) })).toThrow(ApiError);
  });

  test('null and undefined store null', () => {
    expect(serializeXp(null)).toBeNull();
    expect(serializeXp(undefined)).toBeNull();
  });
});

describe('xp nesting and size', () => {
  const nested = (depth: number, open: 'object' | 'array'): Record<string, unknown> => {
    let value: unknown = 1;
    for (let i = 0; i < depth; i++) value = open === 'object' ? { a: value } : [value];
    return { deep: value };
  };

  // Found by fuzzing: 40,000 levels fit in a request body, and JSON.stringify overflowed the stack on them (a 500).
  test.each(['object', 'array'] as const)(
    '40,000 nested %s levels are a 400 maxBytes, not a stack overflow',
    (open) => {
      expect(() => serializeXp(nested(40_000, open))).toThrow(ApiError);
      expect(() => patchedXp(null, nested(40_000, open))).toThrow(ApiError);
    },
  );

  test('xp of exactly 8000 bytes, deeply nested or flat, is kept', () => {
    const flat = { s: 'x'.repeat(8000 - '{"s":""}'.length) };
    expect(serializeXp(flat)).toHaveLength(8000);
    let deep: unknown = 0;
    for (let i = 0; i < 3000; i++) deep = [deep];
    expect(serializeXp({ d: deep })?.length).toBeLessThanOrEqual(8000);
  });
});
