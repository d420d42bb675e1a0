import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { snapshotDb } from '../support/db-snapshot.js';
import { DIALECTS } from '../support/dialects.js';
import { createBuyer, createUser } from '../support/fixtures.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

// Values that mean something to SQL, LIKE, JSON paths or Unicode folding are stored and matched as the data they
// are: each finds exactly the user that holds it, and nothing else changes.

const HOSTILE: Array<[id: string, firstName: string, xpKey: string]> = [
  ['sql', "Robert'); DROP TABLE users;--", "q'uote"],
  ['like', '100%_match\\', 'per%cent'],
  ['json', "$.a[0] ->> 'b'", '$[0]'],
  ['uni', 'Zoë 𝔘𝔰𝔥𝔢𝔯 ‮rtl', 'ключ'],
  ['plain', 'Plain', 'plain'],
];

for (const dialect of DIALECTS) {
  describe(`${dialect}: hostile text in lists is data`, () => {
    let t: TestApp;
    const ids = async (query: string) => {
      const res = await fetch(`${t.url}/v1/buyers/inj/users?${query}`, {
        headers: { Authorization: `Bearer ${await t.adminToken()}` },
      });
      const body = (await res.json()) as { Items?: Array<{ ID: string }>; Errors?: Array<{ ErrorCode: string }> };
      return { status: res.status, ids: body.Items?.map((u) => u.ID) ?? [], code: body.Errors?.[0]?.ErrorCode };
    };

    beforeAll(async () => {
      t = await startTestApp({ dialect });
      const api = t.as(await t.adminToken());
      await createBuyer(api, 'inj');
      for (const [id, firstName, xpKey] of HOSTILE) {
        await createUser(api, 'inj', { ID: id, FirstName: firstName, xp: { [xpKey]: firstName, n: 1 } });
      }
    });
    afterAll(() => t.close());

    test.each(HOSTILE.filter(([id]) => id !== 'plain'))(
      '%s: search, an exact filter and an xp filter each find only that user',
      async (id, firstName, xpKey) => {
        const before = await snapshotDb(t.running.context.db);
        // Filter operators count only at the start of a value (and | and * anywhere); no name uses them there.
        const exact = encodeURIComponent;
        expect(await ids(`search=${encodeURIComponent(firstName)}&searchOn=FirstName`)).toMatchObject({ ids: [id] });
        expect(await ids(`FirstName=${exact(firstName)}`)).toMatchObject({ ids: [id] });
        expect(await ids(`xp.${encodeURIComponent(xpKey)}=${exact(firstName)}`)).toMatchObject({ ids: [id] });
        expect(await snapshotDb(t.running.context.db)).toEqual(before);
      },
    );

    test('LIKE wildcards in search are literal: % and _ match only themselves', async () => {
      expect((await ids('search=%25&searchOn=FirstName')).ids).toEqual(['like']);
      expect((await ids('search=_&searchOn=FirstName')).ids).toEqual(['like']);
    });

    test.each([
      ['sortBy=FirstName;DROP TABLE users', 'List.InvalidSortProperty'],
      ["sortBy=xp.a')--", undefined],
      ['sortBy=xp.$[0]', undefined],
      ["xp.a'||'=1", undefined],
    ])('%s is refused or harmless, and changes nothing', async (query, code) => {
      const before = await snapshotDb(t.running.context.db);
      const answer = await ids(query.replace(/[;'|$[\]()]/g, encodeURIComponent));
      expect([200, 400]).toContain(answer.status);
      if (code) expect(answer.code).toBe(code);
      if (answer.status === 200) expect(answer.ids.length).toBeLessThanOrEqual(HOSTILE.length);
      expect(await snapshotDb(t.running.context.db)).toEqual(before);
      expect((await ids('')).ids).toHaveLength(HOSTILE.length);
    });
  });
}
