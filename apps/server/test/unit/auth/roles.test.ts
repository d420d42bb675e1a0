import { describe, expect, test } from 'vitest';
import { grantRoles, parseScope } from '../../../src/auth/roles.js';

describe('parseScope', () => {
  test.each([
    [undefined, null],
    ['', null],
    ['   ', null],
    ['BuyerReader', ['BuyerReader']],
    ['BuyerReader  BuyerAdmin BuyerReader', ['BuyerReader', 'BuyerAdmin']],
  ])('%j → %j', (scope, want) => {
    expect(parseScope(scope)).toEqual(want);
  });
});

describe('grantRoles', () => {
  test.each([
    ['no scope grants all held roles', ['BuyerReader', 'MyCustom'], null, ['BuyerReader', 'MyCustom']],
    ['narrows to the requested held roles', ['BuyerReader', 'BuyerAdmin'], ['BuyerAdmin'], ['BuyerAdmin']],
    ['drops roles not held', ['BuyerReader'], ['BuyerAdmin', 'BuyerReader'], ['BuyerReader']],
    ['ignores unknown words', ['BuyerReader'], ['openid', 'nonsense', 'BuyerReader'], ['BuyerReader']],
    ['FullAccess covers any ApiRole', ['FullAccess'], ['BuyerAdmin', 'FullAccess'], ['BuyerAdmin', 'FullAccess']],
    ['FullAccess does not cover custom roles', ['FullAccess'], ['MyCustom'], []],
    ['custom roles held are granted', ['MyCustom'], ['MyCustom'], ['MyCustom']],
  ])('%s', (_name, held, requested, want) => {
    expect(grantRoles(held, requested)).toEqual(want);
  });
});
