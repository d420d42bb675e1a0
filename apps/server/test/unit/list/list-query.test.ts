import { describe, expect, test } from 'vitest';
import { ApiError } from '../../../src/http/errors.js';
import {
  type Condition,
  escapeLike,
  type ListDefinition,
  type ListParameters,
  parseListQuery,
} from '../../../src/list/list-query.js';
import { isSelective } from '../../../src/list/list-sql.js';

const PEOPLE: ListDefinition = {
  fields: {
    ID: { column: 'id', type: 'string', searchable: true, sortable: true },
    Name: { column: 'name', type: 'string', searchable: true, sortable: true },
    Phone: { column: 'phone', type: 'string' },
    Age: { column: 'age', type: 'number', sortable: true },
    Active: { column: 'active', type: 'boolean' },
    DateCreated: { column: 'date_created', type: 'date', sortable: true },
    Roles: { column: 'roles', type: 'string', filterable: false },
  },
  xpColumn: 'xp',
  defaultSort: ['Name'],
  idField: 'ID',
};

const conditionsOf = (key: string, value: string): Condition[] =>
  parseListQuery(PEOPLE, {}, [[key, value]]).filters[0]?.anyOf ?? [];

describe('filter values', () => {
  const cases: Array<[string, string, string, Array<Partial<Condition>>]> = [
    ['equality', 'Name', 'Smith', [{ comparison: 'eq', negated: false, value: 'Smith' }]],
    ['prefix wildcard', 'Name', 'Jo*', [{ comparison: 'like', value: 'jo%' }]],
    ['suffix wildcard', 'Name', '*ith', [{ comparison: 'like', value: '%ith' }]],
    ['contains wildcard', 'Name', '*mit*', [{ comparison: 'like', value: '%mit%' }]],
    ['LIKE metacharacters are literal', 'Name', '50%_off*', [{ comparison: 'like', value: '50\\%\\_off%' }]],
    [
      'or',
      'Name',
      'Smith|Jo*',
      [
        { comparison: 'eq', value: 'Smith' },
        { comparison: 'like', value: 'jo%' },
      ],
    ],
    ['negation', 'Name', '!Smith', [{ comparison: 'eq', negated: true, value: 'Smith' }]],
    ['negated wildcard', 'Name', '!Jo*', [{ comparison: 'like', negated: true, value: 'jo%' }]],
    ['greater than (lexical)', 'ID', '>user-10', [{ comparison: 'gt', value: 'user-10' }]],
    ['less than', 'ID', '<b', [{ comparison: 'lt', value: 'b' }]],
    ['at least', 'Age', '>=18', [{ comparison: 'gte', value: 18 }]],
    ['at most', 'Age', '<=65', [{ comparison: 'lte', value: 65 }]],
    ['.NET SDK at least', 'Age', '!<18', [{ comparison: 'gte', negated: false, value: 18 }]],
    ['.NET SDK at most', 'Age', '!>65', [{ comparison: 'lte', negated: false, value: 65 }]],
    ['number equality', 'Age', '42', [{ comparison: 'eq', value: 42 }]],
    ['decimal number', 'Age', '-1.5', [{ comparison: 'eq', value: -1.5 }]],
    ['boolean', 'Active', 'true', [{ comparison: 'eq', value: true }]],
    ['boolean any case', 'Active', 'FALSE', [{ comparison: 'eq', value: false }]],
    ['negated boolean', 'Active', '!true', [{ comparison: 'eq', negated: true, value: true }]],
    ['present', 'Phone', '*', [{ comparison: 'present' }]],
    ['absent', 'Phone', '!*', [{ comparison: 'absent' }]],
    ['date after', 'DateCreated', '>2015-01-01', [{ comparison: 'gt', value: '2015-01-01T00:00:00.000Z' }]],
    [
      'date-only equality means that day',
      'DateCreated',
      '2026-03-04',
      [{ comparison: 'eq', value: '2026-03-04T00:00:00.000Z', dayEnd: '2026-03-05T00:00:00.000Z' }],
    ],
    [
      'date with time',
      'DateCreated',
      '<2026-03-04T10:00:00+02:00',
      [{ comparison: 'lt', value: '2026-03-04T08:00:00.000Z' }],
    ],
    ['empty string', 'Name', '', [{ comparison: 'eq', value: '' }]],
    ['xp equality keeps the text', 'xp.Size', '10', [{ comparison: 'eq', value: '10' }]],
    ['xp comparison', 'xp.Size', '>9', [{ comparison: 'gt', value: '9' }]],
  ];
  test.each(cases)('%s: %s=%s', (_name, key, value, want) => {
    const got = conditionsOf(key, value);
    expect(got).toHaveLength(want.length);
    for (const [i, condition] of want.entries()) expect(got[i]).toMatchObject(condition);
  });
});

describe('filter targets', () => {
  test('xp paths are nested, dot-separated', () => {
    const [filter] = parseListQuery(PEOPLE, {}, [['xp.Address.City', 'Paris']]).filters;
    expect(filter?.target).toEqual({ kind: 'xp', name: 'xp.Address.City', column: 'xp', path: ['Address', 'City'] });
  });
  test('field names match case-insensitively', () => {
    const [filter] = parseListQuery(PEOPLE, {}, [['name', 'x']]).filters;
    expect(filter?.target).toMatchObject({ kind: 'field', name: 'Name' });
  });
  test('a repeated key is two filters (AND)', () => {
    const { filters } = parseListQuery(PEOPLE, {}, [
      ['Name', '!Smith'],
      ['Name', '!Jones'],
    ]);
    expect(filters).toHaveLength(2);
  });
  test('declared list parameters are not filters', () => {
    const entries: Array<[string, string]> = [
      ['page', '2'],
      ['pageSize', '5'],
      ['search', 'x'],
      ['searchOn', 'Name'],
      ['sortBy', 'Name'],
      ['userGroupID', 'g'],
    ];
    expect(
      parseListQuery(PEOPLE, {}, entries, ['page', 'pageSize', 'search', 'searchOn', 'sortBy', 'userGroupID']).filters,
    ).toEqual([]);
  });
});

describe('errors', () => {
  const cases: Array<[string, () => unknown, string, string]> = [
    ['unknown property', () => parseListQuery(PEOPLE, {}, [['Nope', 'x']]), 'List.InvalidProperty', 'Nope'],
    ['computed property', () => parseListQuery(PEOPLE, {}, [['Roles', 'x']]), 'List.InvalidProperty', 'Roles'],
    ['empty xp segment', () => parseListQuery(PEOPLE, {}, [['xp..a', 'x']]), 'List.InvalidProperty', 'xp..a'],
    // Found by fuzzing: these once matched Object.prototype's members and ended in a 500.
    [
      'prototype member',
      () => parseListQuery(PEOPLE, {}, [['constructor', 'x']]),
      'List.InvalidProperty',
      'constructor',
    ],
    ['prototype key', () => parseListQuery(PEOPLE, {}, [['__proto__', 'x']]), 'List.InvalidProperty', '__proto__'],
    ['number expected', () => parseListQuery(PEOPLE, {}, [['Age', 'old']]), 'List.InvalidType', 'Age'],
    ['number wildcard', () => parseListQuery(PEOPLE, {}, [['Age', '4*']]), 'List.InvalidType', 'Age'],
    ['boolean expected', () => parseListQuery(PEOPLE, {}, [['Active', 'yes']]), 'List.InvalidType', 'Active'],
    ['boolean comparison', () => parseListQuery(PEOPLE, {}, [['Active', '>true']]), 'List.InvalidType', 'Active'],
    ['date expected', () => parseListQuery(PEOPLE, {}, [['DateCreated', '>soon']]), 'List.InvalidType', 'DateCreated'],
    ['unsortable', () => parseListQuery(PEOPLE, { sortBy: 'Phone' }, []), 'List.InvalidSortProperty', 'Phone'],
    ['unknown sort', () => parseListQuery(PEOPLE, { sortBy: '!Nope' }, []), 'List.InvalidSortProperty', 'Nope'],
    [
      'unsearchable',
      () => parseListQuery(PEOPLE, { search: 'x', searchOn: 'Age' }, []),
      'List.InvalidSearchProperty',
      'Age',
    ],
  ];
  test.each(cases)('%s', (_name, run, code, property) => {
    let error: unknown;
    try {
      run();
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 400, code, data: { Property: property } });
  });
});

describe('search and sort', () => {
  test('search covers every searchable field by default, lower-cased and escaped', () => {
    const { search } = parseListQuery(PEOPLE, { search: 'A_b' }, []);
    expect(search?.pattern).toBe('%a\\_b%');
    expect(search?.fields.map((f) => f.column)).toEqual(['id', 'name']);
  });
  test('searchOn narrows the fields', () => {
    expect(parseListQuery(PEOPLE, { search: 'x', searchOn: 'Name' }, []).search?.fields.map((f) => f.column)).toEqual([
      'name',
    ]);
  });
  test('no search text, no search', () => {
    expect(parseListQuery(PEOPLE, { search: '' }, []).search).toBeNull();
  });
  const sorts: Array<[string | undefined, Array<[string, boolean]>]> = [
    [
      undefined,
      [
        ['Name', false],
        ['ID', false],
      ],
    ],
    [
      '!Age,Name',
      [
        ['Age', true],
        ['Name', false],
        ['ID', false],
      ],
    ],
    ['!ID', [['ID', true]]],
    [
      'DateCreated, !Name',
      [
        ['DateCreated', false],
        ['Name', true],
        ['ID', false],
      ],
    ],
  ];
  test.each(sorts)('sortBy=%s', (sortBy, want) => {
    const { sort } = parseListQuery(PEOPLE, { sortBy }, []);
    expect(sort.map((key) => [key.name, key.descending])).toEqual(want);
  });
  test('escapeLike escapes the escape character too', () => {
    expect(escapeLike('a\\b%c_d')).toBe('a\\\\b\\%c\\_d');
  });
});

describe('selective lists (their matches are read once for page and count)', () => {
  const cases: Array<[string, ListParameters, Array<[string, string]>, boolean]> = [
    ['no search, no filter', {}, [], false],
    ['search', { search: 'ann' }, [], true],
    ['text equality', {}, [['Name', 'Smith']], true],
    ['a choice of texts', {}, [['Name', 'Smith|Jones']], true],
    ['xp equality', {}, [['xp.Region', 'EU']], true],
    ['boolean', {}, [['Active', 'true']], false],
    ['range', {}, [['ID', '>u1']], false],
    ['negation', {}, [['Name', '!Smith']], false],
    ['wildcard', {}, [['Name', 'Sm*']], false],
    [
      'text equality among broad filters',
      {},
      [
        ['Active', 'true'],
        ['Name', 'Smith'],
      ],
      true,
    ],
  ];
  test.each(cases)('%s', (_name, params, entries, want) => {
    expect(isSelective(parseListQuery(PEOPLE, params, entries))).toBe(want);
  });
});
