import { describe, expect, test } from 'vitest';
import { assertHandlerCoverage } from '../../../src/http/bind.js';
import { handlers } from '../../../src/http/handlers.js';
import { loadSpec, specOperations } from '../../../src/spec.js';

describe('assertHandlerCoverage', () => {
  const operations = specOperations(loadSpec());

  test('the spec and the handler map agree', () => {
    expect(() => assertHandlerCoverage(operations, handlers)).not.toThrow();
  });

  test('an operation without a handler is named at boot', () => {
    const { getBuyer: _omitted, ...rest } = handlers;
    expect(() => assertHandlerCoverage(operations, rest)).toThrow(/Without a handler: getBuyer/);
  });

  test('a handler without an operation is named at boot', () => {
    expect(() => assertHandlerCoverage(operations, { ...handlers, listWidgets: handlers.getBuyer })).toThrow(
      /Without an operation: listWidgets/,
    );
  });

  test('every spec operation names its roles or is explicitly public', () => {
    for (const op of operations) {
      if (op.roles === null) continue;
      expect(op.roles.length, op.operationId).toBeGreaterThan(0);
      expect(op.roles, op.operationId).toContain('FullAccess');
    }
  });
});
