import { describe, expect, test } from 'vitest';
import { ApiError } from '../../../src/http/errors.js';
import { listMeta, pageRequest } from '../../../src/list/list-page.js';

describe('listMeta', () => {
  test.each([
    ['first full page', { page: 1, pageSize: 20 }, 25, 20, { TotalPages: 2, ItemRange: [1, 20] }],
    ['last partial page', { page: 2, pageSize: 20 }, 25, 5, { TotalPages: 2, ItemRange: [21, 25] }],
    ['all on one page', { page: 1, pageSize: 20 }, 5, 5, { TotalPages: 1, ItemRange: [1, 5] }],
    ['empty result', { page: 1, pageSize: 20 }, 0, 0, { TotalPages: 0, ItemRange: [0, 0] }],
    ['page past the end', { page: 9, pageSize: 20 }, 25, 0, { TotalPages: 2, ItemRange: [0, 0] }],
  ])('%s', (_name, request, total, onPage, want) => {
    expect(listMeta(request, total, onPage)).toEqual({
      Page: request.page,
      PageSize: request.pageSize,
      TotalCount: total,
      ...want,
    });
  });
});

describe('pageRequest', () => {
  test('defaults to the first page of 20', () => {
    expect(pageRequest({})).toEqual({ page: 1, pageSize: 20 });
  });

  // Found by fuzzing: page=1e309 passed the validator's coercion as Infinity and reached SQL as an OFFSET (a 500).
  test.each([
    ['page', { page: Number.POSITIVE_INFINITY }],
    ['page', { page: 100_000_001 }],
    ['page', { page: 0 }],
    ['pageSize', { pageSize: 101 }],
    ['pageSize', { pageSize: 1.5 }],
  ])('%s out of bounds is a 400 ValidationFailure: %j', (property, query) => {
    const error = (() => {
      try {
        pageRequest(query);
      } catch (e) {
        return e;
      }
      return null;
    })();
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(400);
    expect((error as ApiError).data).toMatchObject({ Property: property });
  });
});
