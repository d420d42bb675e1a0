import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DIALECTS } from '../support/dialects.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

interface ErrorBody {
  Errors: Array<{ ErrorCode: string; Message: string; Data: unknown }>;
}

/** How a path reaches its operation: what Express's router did before one middleware took over (operation-router). */
for (const dialect of DIALECTS) {
  describe(`${dialect}: routing`, () => {
    let t: TestApp;
    let headers: Record<string, string>;
    const send = (method: string, path: string) => fetch(`${t.url}${path}`, { method, headers });
    beforeAll(async () => {
      t = await startTestApp({ dialect });
      headers = { Authorization: `Bearer ${await t.adminToken()}`, 'Content-Type': 'application/json' };
      const created = await fetch(`${t.url}/v1/buyers`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ ID: 'b1', Name: 'B1' }),
      });
      expect(created.status).toBe(201);
    });
    afterAll(() => t.close());

    test('one trailing slash reaches the same operation; two do not', async () => {
      const [list, listSlash, one, oneSlash, twoSlashes] = await Promise.all([
        send('GET', '/v1/buyers'),
        send('GET', '/v1/buyers/'),
        send('GET', '/v1/buyers/b1'),
        send('GET', '/v1/buyers/b1/'),
        send('GET', '/v1/buyers/b1//'),
      ]);
      expect([list.status, listSlash.status, one.status, oneSlash.status]).toEqual([200, 200, 200, 200]);
      expect(await listSlash.json()).toEqual(await list.json());
      expect(await oneSlash.json()).toEqual(await one.json());
      expect(twoSlashes.status).toBe(404);
      expect(((await twoSlashes.json()) as ErrorBody).Errors[0]?.Data).toEqual({
        ObjectType: 'Endpoint',
        ObjectID: '/v1/buyers/b1//',
      });
    });

    test('paths are case-sensitive', async () => {
      expect((await send('GET', '/v1/Buyers/b1')).status).toBe(404);
    });

    test('path parameters are percent-decoded, an encoded slash included; a malformed escape is a 400', async () => {
      const encoded = await send('GET', '/v1/buyers/%621');
      expect(encoded.status).toBe(200);
      expect(await encoded.json()).toMatchObject({ ID: 'b1' });

      const slash = await send('GET', '/v1/buyers/b1/usergroups/g%2F1');
      expect(slash.status).toBe(404);
      expect(((await slash.json()) as ErrorBody).Errors[0]?.Data).toEqual({ ObjectType: 'UserGroup', ObjectID: 'g/1' });

      for (const method of ['GET', 'DELETE']) {
        const malformed = await send(method, '/v1/buyers/%E0%A4%A');
        expect(malformed.status).toBe(400);
        expect(((await malformed.json()) as ErrorBody).Errors[0]).toMatchObject({
          ErrorCode: 'InvalidRequest',
          Message: "Failed to decode param '%E0%A4%A'",
        });
      }
    });

    test('HEAD reaches the GET operation, whose validator refuses it with a 405 and no body', async () => {
      const head = await send('HEAD', '/v1/buyers/b1');
      expect(head.status).toBe(405);
      expect(await head.text()).toBe('');
    });

    test('a literal path wins over a parameter in its place; another method there is refused by the validator', async () => {
      const assignments = await send('GET', '/v1/buyers/b1/usergroups/assignments');
      expect(assignments.status).toBe(200);
      expect(await assignments.json()).toMatchObject({ Items: [] });
      // DELETE exists only for /usergroups/{userGroupID}: Express ran that operation, and its validator, which
      // matches the first path (the literal one), answered 405. That is kept as it was.
      const deleted = await send('DELETE', '/v1/buyers/b1/usergroups/assignments');
      expect(deleted.status).toBe(405);
    });

    test('metrics count a request under the template of the operation it reached', async () => {
      await send('GET', '/v1/buyers/b1/');
      await send('HEAD', '/v1/buyers/b1/users');
      const metrics = await (await fetch(`${t.url}/metrics`)).text();
      expect(metrics).toMatch(
        /http_request_duration_seconds_count\{method="GET",route="\/v1\/buyers\/\{buyerID\}",status="200"\} \d/,
      );
      expect(metrics).toMatch(
        /http_request_duration_seconds_count\{method="HEAD",route="\/v1\/buyers\/\{buyerID\}\/users",status="405"\} 1/,
      );
    });
  });
}
