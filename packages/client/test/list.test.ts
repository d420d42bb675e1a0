import { describe, expect, test } from 'vitest';
import { createClient, ListPageError } from '../src/index.js';
import { json, observedFetch, page } from './support/observed-fetch.js';

const baseUrl = 'http://usher.test';
const auth = { accessToken: 'token' };

describe('client.list and client.listAll', () => {
  test('list sends the list query language as the SDKs do and returns the typed page', async () => {
    const body = page([{ ID: 'acme', Name: 'Acme' }], 1, 1);
    const observed = observedFetch(() => json(body));
    const client = createClient({ baseUrl, fetch: observed.fetch, auth });
    const result = await client.list('/v1/buyers', {
      filters: { Name: 'Ac*|Bo*', Active: true, 'xp.Region': ['!EU', '!US'] },
      sortBy: ['!Name'],
      pageSize: 5,
    });
    expect(result.data?.Items[0]?.Name).toBe('Acme');
    expect(observed.seen[0]?.url.search).toBe(
      '?Name=Ac*%7CBo*&Active=true&xp.Region=!EU&xp.Region=!US&sortBy=!Name&pageSize=5',
    );
  });

  test('listAll follows Meta.TotalPages from the first page asked for', async () => {
    const observed = observedFetch((request) => {
      const n = Number(request.url.searchParams.get('page'));
      return json(page([{ ID: `b${n}`, Name: `B${n}` }], n, 3));
    });
    const client = createClient({ baseUrl, fetch: observed.fetch, auth });
    const ids: string[] = [];
    for await (const buyers of client.listAll('/v1/buyers', { pageSize: 1, page: 2 })) {
      for (const buyer of buyers.Items) ids.push(buyer.ID ?? '');
    }
    expect(ids).toEqual(['b2', 'b3']);
    expect(observed.seen.map((r) => r.url.search)).toEqual(['?page=2&pageSize=1', '?page=3&pageSize=1']);
  });

  test('listAll stops at an empty page and throws a ListPageError carrying the typed error', async () => {
    const empty = observedFetch(() => json({ ...page([], 1, 5), Items: [] }));
    const pages = [];
    for await (const p of createClient({ baseUrl, fetch: empty.fetch, auth }).listAll('/v1/buyers')) pages.push(p);
    expect(pages).toHaveLength(1);

    const errors = { Errors: [{ ErrorCode: 'InsufficientRoles', Message: 'No.', Data: null }] };
    const failing = observedFetch(() => json(errors, 403));
    const client = createClient({ baseUrl, fetch: failing.fetch, auth });
    const thrown = await (async () => {
      try {
        for await (const _ of client.listAll('/v1/buyers')) {
          // never reached
        }
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    expect(thrown).toBeInstanceOf(ListPageError);
    expect((thrown as ListPageError).error).toEqual(errors);
    expect((thrown as ListPageError).response.status).toBe(403);
  });
});
