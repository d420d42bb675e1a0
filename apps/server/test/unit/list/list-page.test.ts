import { describe, expect, test } from 'vitest';
import { listMeta } from '../../../src/list/list-page.js';

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
