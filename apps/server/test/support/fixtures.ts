import { expect } from 'vitest';
import type { TestApp } from './test-app.js';

type Api = TestApp['client'];

export const STRONG_PASSWORD = 'Correct-Horse-42';

/** Creates a buyer and fails the test if that does not work. */
export async function createBuyer(api: Api, id: string): Promise<void> {
  const res = await api.POST('/v1/buyers', { body: { ID: id, Name: `Buyer ${id}` } });
  expect(res.response.status, JSON.stringify(res.error)).toBe(201);
}

export interface UserFields {
  ID: string;
  FirstName?: string;
  LastName?: string;
  Email?: string;
  Username?: string;
  Active?: boolean;
  xp?: Record<string, unknown>;
  Password?: string;
}

/** Creates a user whose Username defaults to `<ID>@<buyer>.test`. */
export async function createUser(api: Api, buyerID: string, fields: UserFields) {
  const res = await api.POST('/v1/buyers/{buyerID}/users', {
    params: { path: { buyerID } },
    body: {
      Username: `${fields.ID}@${buyerID}.test`,
      FirstName: 'First',
      LastName: 'Last',
      Email: `${fields.ID}@example.test`,
      Active: true,
      ...fields,
    },
  });
  expect(res.response.status, JSON.stringify(res.error)).toBe(201);
  if (!res.data) throw new Error('no user');
  return res.data;
}

/** A client_credentials token holding only `roles`, from a new API client. */
export async function tokenWithRoles(t: TestApp, roles: string[]): Promise<string> {
  const api = t.as(await t.adminToken());
  const id = `client-${roles.join('-')}-${Math.random().toString(36).slice(2, 8)}`;
  const secret = 'a-long-enough-client-secret-123';
  const res = await api.POST('/v1/apiclients', { body: { ID: id, AppName: id, ClientSecret: secret, Roles: roles } });
  expect(res.response.status, JSON.stringify(res.error)).toBe(201);
  return t.token(id, secret);
}

/** Two buyers, acme (users ann and bob) and globex (user gus): the cast of the assignment tests. */
export async function createTwoBuyersWithUsers(api: Api): Promise<void> {
  await createBuyer(api, 'acme');
  await createBuyer(api, 'globex');
  await createUser(api, 'acme', { ID: 'ann' });
  await createUser(api, 'acme', { ID: 'bob' });
  await createUser(api, 'globex', { ID: 'gus' });
}
