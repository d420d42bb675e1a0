import { describe, expect, test } from 'vitest';
import { checkBatch, checkedBatches } from '../../../src/bulk/checked-batches.js';
import type { SourceItem } from '../../../src/bulk/sources.js';
import { PASSWORD } from '../../support/auth-fixtures.js';

const user = (line: number, fields: Record<string, unknown>): SourceItem => ({
  line,
  record: { FirstName: 'Ana', LastName: 'Łukasz', Email: 'A@x.test', Active: true, ...fields },
});

describe('checkBatch', () => {
  test('rejects unreadable and invalid records in line order, then duplicates within the batch', async () => {
    const batch = await checkBatch(
      [
        user(1, { ID: 'u1', Username: 'Ann' }),
        { line: 2, error: 'not valid JSON.' },
        user(3, { ID: 'u2', Username: 'ann' }),
        user(4, { ID: 'bad id', Username: 'b' }),
        user(5, { ID: 'u1', Username: 'c' }),
        { line: 6, record: { Type: 'Buyer', ID: 'b1', Name: 'B' } },
        { line: 7, record: { Type: 'Buyer', ID: 'b1', Name: 'Again' } },
      ],
      'b1',
    );
    expect(batch.records).toBe(7);
    expect(batch.rejections).toEqual([
      { line: 2, reason: 'not valid JSON.' },
      { line: 4, reason: 'ID may contain only letters, digits, - and _.' },
      { line: 3, reason: 'Username ann is already on line 1.' },
      { line: 5, reason: 'User ID u1 in buyer b1 is already on line 1.' },
      { line: 7, reason: 'Buyer ID b1 is already on line 6.' },
    ]);
    expect(batch.buyers.map((b) => [b.line, b.row.id])).toEqual([[6, 'b1']]);
    expect(batch.users.lines).toEqual([1]);
    expect(batch.users.buyerIds).toEqual(['b1']);
  });

  test("serializes the users as value arrays in the columns' order, with the searchable columns lower-cased", async () => {
    const { users } = await checkBatch([user(1, { ID: 'U1', Username: 'Ann', BuyerID: 'b2' })], null);
    expect(users.count).toBe(1);
    const [row] = JSON.parse(users.values) as unknown[][];
    const value = (column: string) => row?.[users.columns.indexOf(column)];
    expect([value('buyer_id'), value('id'), value('username'), value('username_key')]).toEqual([
      'b2',
      'U1',
      'Ann',
      'ann',
    ]);
    expect(users.lowered?.columns).toEqual(['id', 'username', 'first_name', 'last_name', 'email']);
    expect(JSON.parse(users.lowered?.values ?? '')).toEqual([['u1', 'ann', 'ana', 'łukasz', 'a@x.test']]);
  });

  test('hashes passwords, so that the rows are complete when they leave the worker', async () => {
    const { users } = await checkBatch([user(1, { ID: 'u1', Username: 'a', Password: PASSWORD })], 'b');
    const [row] = JSON.parse(users.values) as unknown[][];
    expect(row?.[users.columns.indexOf('password_hash')]).toEqual(expect.any(String));
    expect(row?.[users.columns.indexOf('password_last_set_date')]).toBe(row?.[users.columns.indexOf('date_created')]);
  });
});

describe('checkedBatches', () => {
  test('cuts batches of readable records; unreadable ones ride along with the batch they sit in', async () => {
    async function* items(): AsyncGenerator<SourceItem> {
      yield user(1, { ID: 'u1', Username: 'a' });
      yield { line: 2, error: 'not valid JSON.' };
      yield user(3, { ID: 'u2', Username: 'b' });
      yield user(4, { ID: 'u3', Username: 'c' });
    }
    const batches = [];
    for await (const batch of checkedBatches(items(), 2, 'b')) batches.push(batch);
    expect(batches.map((b) => [b.records, b.users.lines])).toEqual([
      [3, [1, 3]],
      [1, [4]],
    ]);
  });
});
