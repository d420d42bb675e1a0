import { describe, expect, test } from 'vitest';
import { listQuery, serializeQuery } from '../src/index.js';

type User = { ID?: string; LastName: string; FirstName: string; Active: boolean; xp?: Record<string, unknown> | null };

describe('listQuery', () => {
  const cases: Array<[string, { given: Parameters<typeof listQuery<User>>[0]; want: string }]> = [
    ['nothing', { given: {}, want: '' }],
    ['equality', { given: { filters: { LastName: 'Smith' } }, want: 'LastName=Smith' }],
    ['wildcards stay literal', { given: { filters: { LastName: '*mit*' } }, want: 'LastName=*mit*' }],
    ['OR is an encoded pipe', { given: { filters: { LastName: 'Smith|Jo*' } }, want: 'LastName=Smith%7CJo*' }],
    [
      'AND repeats the key',
      { given: { filters: { LastName: ['!Smith', '!Jones'] } }, want: 'LastName=!Smith&LastName=!Jones' },
    ],
    [
      'comparisons are encoded',
      {
        given: { filters: { 'xp.Age': ['>=18', '<65'], 'xp.Since': '>2020-01-01' } },
        want: 'xp.Age=%3E%3D18&xp.Age=%3C65&xp.Since=%3E2020-01-01',
      },
    ],
    ['absent', { given: { filters: { 'xp.Billed': '!*' } }, want: 'xp.Billed=!*' }],
    ['booleans and false', { given: { filters: { Active: false } }, want: 'Active=false' }],
    ['empty and undefined are dropped', { given: { filters: { LastName: '', FirstName: undefined } }, want: '' }],
    ['spaces are %20, not +', { given: { search: 'van der' }, want: 'search=van%20der' }],
    [
      'search, searchOn, sortBy (comma lists) and paging, after the filters',
      {
        given: {
          page: 2,
          pageSize: 50,
          sortBy: ['!LastName', 'FirstName'],
          searchOn: ['LastName', 'FirstName'],
          search: 'ann',
          filters: { Active: true },
        },
        want: 'Active=true&search=ann&searchOn=LastName%2CFirstName&sortBy=!LastName%2CFirstName&page=2&pageSize=50',
      },
    ],
  ];
  test.each(cases)('%s', (_name, { given, want }) => {
    expect(listQuery(given)).toBe(want);
  });
});

describe('serializeQuery (the client-wide query serializer)', () => {
  test('spreads object parameters into dotted keys, as the OrderCloud SDK flattens filters', () => {
    expect(serializeQuery({ filters: { xp: { Color: ['red', 'blue'] }, LastName: 'S*' }, page: 1 })).toBe(
      'xp.Color=red&xp.Color=blue&LastName=S*&page=1',
    );
  });
  test('leaves out null and undefined', () => {
    expect(serializeQuery({ page: undefined, pageSize: null })).toBe('');
    expect(serializeQuery(undefined)).toBe('');
  });
});
