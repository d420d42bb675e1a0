import { expectTypeOf, test } from 'vitest';
import type { Handler, Handlers } from '../../src/http/operation.js';

test('handlers may only return what the spec declares', () => {
  // @ts-expect-error 201 is not a response of getBuyer
  const wrongStatus: Handler<'getBuyer'> = async () => ({ status: 201, body: { Name: 'x' } });
  // @ts-expect-error the Buyer body lacks the required Name
  const missingField: Handler<'getBuyer'> = async () => ({ status: 200, body: { ID: 'x' } });
  // @ts-expect-error 204 carries no body
  const bodyOn204: Handler<'deleteBuyer'> = async () => ({ status: 204, body: {} });
  const right: Handler<'deleteBuyer'> = async () => ({ status: 204 });
  expectTypeOf(right).toBeFunction();
  void [wrongStatus, missingField, bodyOn204];
});

test('the handler map is exactly the spec operations', () => {
  expectTypeOf<keyof Handlers>().toEqualTypeOf<import('@usher/api-types').OperationId>();
  // @ts-expect-error listWidgets is not an operation of openapi.yaml
  type Missing = Handler<'listWidgets'>;
  expectTypeOf<Missing>().not.toBeNever();
});

test('path and query parameters are typed from the spec', () => {
  type Request = Parameters<Handler<'listBuyers'>>[0];
  expectTypeOf<Request['query']['pageSize']>().toEqualTypeOf<number | undefined>();
  expectTypeOf<Parameters<Handler<'getBuyer'>>[0]['path']['buyerID']>().toEqualTypeOf<string>();
});
