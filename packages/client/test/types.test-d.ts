import { assertType, describe, expectTypeOf, test } from 'vitest';
import type { ApiErrorList, Filters, ListItem, ListPath, PostTokenResponse, UsherClient } from '../src/index.js';
import { createClient } from '../src/index.js';

declare const client: UsherClient;

describe('types', () => {
  test('list paths and their items come from the spec', () => {
    expectTypeOf<'/v1/buyers'>().toExtend<ListPath>();
    expectTypeOf<'/v1/buyers/{buyerID}'>().not.toExtend<ListPath>();
    expectTypeOf<ListItem<'/v1/buyers'>['Name']>().toEqualTypeOf<string>();
  });

  test('filters complete top-level fields and accept xp paths, nothing else', () => {
    assertType<Filters<ListItem<'/v1/buyers'>>>({ Name: 'A*', Active: true, 'xp.Region': ['EU', '!US'] });
    // @ts-expect-error not a field of Buyer
    assertType<Filters<ListItem<'/v1/buyers'>>>({ Nmae: 'A*' });
    // @ts-expect-error sortBy names fields
    void client.list('/v1/buyers', { sortBy: ['!Nmae'] });
  });

  test('errors are typed values', async () => {
    const result = await client.GET('/v1/buyers/{buyerID}', { params: { path: { buyerID: 'x' } } });
    if (result.error) expectTypeOf(result.error).toEqualTypeOf<ApiErrorList>();
    // @ts-expect-error path parameters are required
    void client.GET('/v1/buyers/{buyerID}', {});
  });

  test('auth options are one of the three ways to sign in', () => {
    createClient({ baseUrl: 'x', auth: { clientId: 'a', clientSecret: 'b' } });
    createClient({ baseUrl: 'x', auth: { clientId: 'a', username: 'u', password: 'p' } });
    createClient({ baseUrl: 'x', auth: { accessToken: 't' } });
    // @ts-expect-error a token and a password at once
    createClient({ baseUrl: 'x', auth: { accessToken: 't', username: 'u', password: 'p' } });
    expectTypeOf<PostTokenResponse['tokenType']>().toEqualTypeOf<'Bearer'>();
  });
});
