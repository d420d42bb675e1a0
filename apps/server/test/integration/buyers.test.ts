import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DIALECTS } from '../support/dialects.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

for (const dialect of DIALECTS) {
  describe(`${dialect}: buyers`, () => {
    let t: TestApp;
    let api: TestApp['client'];
    beforeAll(async () => {
      t = await startTestApp({ dialect });
      api = t.as(await t.adminToken());
    });
    afterAll(() => t.close());

    test('creates, reads, lists, replaces, patches and deletes a buyer', async () => {
      const created = await api.POST('/v1/buyers', {
        body: { ID: 'acme', Name: 'Acme', xp: { Region: 'EU', Nested: { a: 1 } } },
      });
      expect(created.response.status).toBe(201);
      expect(created.response.headers.get('location')).toBe('/v1/buyers/acme');
      expect(created.data).toMatchObject({ ID: 'acme', Name: 'Acme', Active: true, xp: { Region: 'EU' } });
      expect(Date.parse(created.data?.DateCreated ?? '')).not.toBeNaN();

      const got = await api.GET('/v1/buyers/{buyerID}', { params: { path: { buyerID: 'acme' } } });
      expect(got.data).toEqual(created.data);

      const patched = await api.PATCH('/v1/buyers/{buyerID}', {
        params: { path: { buyerID: 'acme' } },
        body: { xp: { Nested: { b: 2 }, Tier: null } },
      });
      expect(patched.response.status).toBe(200);
      expect(patched.data?.xp).toEqual({ Region: 'EU', Nested: { a: 1, b: 2 }, Tier: null });
      expect(patched.data?.Name).toBe('Acme');

      const replaced = await api.PUT('/v1/buyers/{buyerID}', {
        params: { path: { buyerID: 'acme' } },
        body: { Name: 'Acme Corp', Active: false, xp: { Only: true } },
      });
      expect(replaced.response.status).toBe(200);
      expect(replaced.data).toMatchObject({ ID: 'acme', Name: 'Acme Corp', Active: false, xp: { Only: true } });
      expect(replaced.data?.DateCreated).toBe(created.data?.DateCreated);

      const deleted = await api.DELETE('/v1/buyers/{buyerID}', { params: { path: { buyerID: 'acme' } } });
      expect(deleted.response.status).toBe(204);
      const gone = await api.GET('/v1/buyers/{buyerID}', { params: { path: { buyerID: 'acme' } } });
      expect(gone.response.status).toBe(404);
      expect(gone.error).toEqual({
        Errors: [
          { ErrorCode: 'NotFound', Message: 'Object not found.', Data: { ObjectType: 'Buyer', ObjectID: 'acme' } },
        ],
      });
    });

    test('PUT creates a missing buyer and generates IDs on POST', async () => {
      const put = await api.PUT('/v1/buyers/{buyerID}', {
        params: { path: { buyerID: 'put-made' } },
        body: { Name: 'Made by PUT' },
      });
      expect(put.response.status).toBe(200);
      expect(put.data?.ID).toBe('put-made');
      const generated = await api.POST('/v1/buyers', { body: { Name: 'No ID' } });
      expect(generated.data?.ID).toMatch(/^[A-Za-z0-9_-]{22}$/);
    });

    test('a duplicate ID is 409 IdExists and changes nothing', async () => {
      await api.POST('/v1/buyers', { body: { ID: 'dup', Name: 'First' } });
      const again = await api.POST('/v1/buyers', { body: { ID: 'dup', Name: 'Second' } });
      expect(again.response.status).toBe(409);
      expect(again.error?.Errors[0]).toMatchObject({
        ErrorCode: 'IdExists',
        Data: { ObjectType: 'Buyer', ObjectID: 'dup' },
      });
      const got = await api.GET('/v1/buyers/{buyerID}', { params: { path: { buyerID: 'dup' } } });
      expect(got.data?.Name).toBe('First');
    });

    test('PATCH renames a buyer; renaming onto an existing ID is 409', async () => {
      await api.POST('/v1/buyers', { body: { ID: 'old-name', Name: 'Renamed' } });
      await api.POST('/v1/buyers', { body: { ID: 'taken', Name: 'Taken' } });
      const clash = await api.PATCH('/v1/buyers/{buyerID}', {
        params: { path: { buyerID: 'old-name' } },
        body: { ID: 'taken' },
      });
      expect(clash.response.status).toBe(409);
      const renamed = await api.PATCH('/v1/buyers/{buyerID}', {
        params: { path: { buyerID: 'old-name' } },
        body: { ID: 'new-name' },
      });
      expect(renamed.data?.ID).toBe('new-name');
      expect(
        (await api.GET('/v1/buyers/{buyerID}', { params: { path: { buyerID: 'old-name' } } })).response.status,
      ).toBe(404);
    });

    test('invalid bodies are 400 naming the field, and store nothing', async () => {
      const cases: Array<[string, unknown, string]> = [
        ['missing Name', { ID: 'bad1' }, 'Name'],
        ['Name too long', { ID: 'bad2', Name: 'x'.repeat(101) }, 'Name'],
        ['ID with a space', { ID: 'bad 3', Name: 'x' }, 'ID'],
        ['Active not boolean', { ID: 'bad4', Name: 'x', Active: 'yes' }, 'Active'],
        ['xp over 8000 bytes', { ID: 'bad5', Name: 'x', xp: { blob: 'é'.repeat(4000) } }, 'xp'],
      ];
      for (const [name, body, property] of cases) {
        const res = await api.POST('/v1/buyers', { body: body as never });
        expect(res.response.status, name).toBe(400);
        expect(res.error?.Errors[0]?.Data, name).toMatchObject({ Property: property });
      }
      const list = await api.GET('/v1/buyers', { params: { query: { pageSize: 100 } } });
      expect(list.data?.Items.map((b) => b.ID)).not.toContain('bad5');
      const malformed = await fetch(`${t.url}/v1/buyers`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${await t.adminToken()}`, 'Content-Type': 'application/json' },
        body: '{"Name":',
      });
      expect(malformed.status).toBe(400);
      expect(((await malformed.json()) as { Errors: Array<{ ErrorCode: string }> }).Errors[0]?.ErrorCode).toBe(
        'Request.InvalidRequestBody',
      );
    });

    test('lists are paged with 1-based Meta and a stable order', async () => {
      for (let i = 0; i < 5; i++) await api.POST('/v1/buyers', { body: { ID: `page-${i}`, Name: `Page ${i}` } });
      const all = await api.GET('/v1/buyers', { params: { query: { pageSize: 100 } } });
      const total = all.data?.Meta.TotalCount ?? 0;
      const ids = all.data?.Items.map((b) => b.ID) ?? [];
      expect(ids).toEqual([...ids].sort());
      const page2 = await api.GET('/v1/buyers', { params: { query: { page: 2, pageSize: 2 } } });
      expect(page2.data?.Meta).toEqual({
        Page: 2,
        PageSize: 2,
        TotalCount: total,
        TotalPages: Math.ceil(total / 2),
        ItemRange: [3, 4],
      });
      expect(page2.data?.Items.map((b) => b.ID)).toEqual(ids.slice(2, 4));
      const beyond = await api.GET('/v1/buyers', { params: { query: { page: 1000 } } });
      expect(beyond.data?.Items).toEqual([]);
      expect(beyond.data?.Meta.ItemRange).toEqual([0, 0]);
      const tooBig = await api.GET('/v1/buyers', { params: { query: { pageSize: 101 } } });
      expect(tooBig.response.status).toBe(400);
    });
  });
}
