import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { describe, expect, test } from 'vitest';
import { operationRouter, runChain } from '../../../src/http/operation-router.js';

const res = {} as Response;

/** Runs a middleware and resolves with what it passed to `next` (a chain may finish a turn or more later). */
function outcome(middleware: RequestHandler, req: Partial<Request>): Promise<{ error: unknown; req: Request }> {
  return new Promise((resolve) => {
    middleware(req as Request, res, ((error?: unknown) => resolve({ error, req: req as Request })) as NextFunction);
  });
}

const chainOutcome = (chain: RequestHandler[]) => outcome((req, r, next) => runChain(chain, req, r, next), {});

describe('runChain', () => {
  test('runs each step in turn and calls done() at the end', async () => {
    const ran: string[] = [];
    const { error } = await chainOutcome([
      (_req, _res, next) => {
        ran.push('sync');
        next();
      },
      async (_req, _res, next) => {
        await Promise.resolve();
        ran.push('async');
        next();
      },
    ]);
    expect(error).toBeUndefined();
    expect(ran).toEqual(['sync', 'async']);
  });

  const failure = new Error('boom');
  const afterFailure: RequestHandler = () => {
    throw new Error('a step after a failure must not run');
  };
  test.each<[string, RequestHandler]>([
    ['next(error)', (_req, _res, next) => next(failure)],
    [
      'a thrown error',
      () => {
        throw failure;
      },
    ],
    [
      'an async step that throws',
      async () => {
        await Promise.resolve();
        throw failure;
      },
    ],
  ])('%s skips the rest of the chain and reaches done(error)', async (_name, failing) => {
    expect((await chainOutcome([failing, afterFailure])).error).toBe(failure);
  });

  test('a promise rejected without a reason is an error, as in Express 5', async () => {
    const { error } = await chainOutcome([() => Promise.reject(undefined), afterFailure]);
    expect(error).toEqual(new Error('Rejected promise'));
  });

  test("next('route') leaves the chain without an error", async () => {
    expect((await chainOutcome([(_req, _res, next) => next('route'), afterFailure])).error).toBeUndefined();
  });
});

describe('operationRouter', () => {
  /** A chain that records which path answered, and with what parameters. */
  const answer =
    (name: string): RequestHandler =>
    (req, _res, next) =>
      next({ answeredBy: name, params: { ...req.params }, route: req.route?.path });
  const router = operationRouter([
    { expressPath: '/things', chains: new Map([['GET', [answer('list')]]]) },
    { expressPath: '/things/special', chains: new Map([['GET', [answer('special')]]]) },
    {
      expressPath: '/things/:thingID',
      chains: new Map([
        ['GET', [answer('get')]],
        ['DELETE', [answer('delete')]],
      ]),
    },
    { expressPath: '/things/:thingID/parts/:partID', chains: new Map([['PUT', [(_req, _res, next) => next()]]]) },
    { expressPath: '/things/:thingID/:kind/:partID', chains: new Map([['PUT', [answer('fallback')]]]) },
  ]);
  const route = (method: string, path: string) => outcome(router, { method, path });

  test.each([
    ['GET', '/things', { answeredBy: 'list', params: {}, route: '/things' }],
    ['GET', '/things/', { answeredBy: 'list', params: {}, route: '/things' }],
    ['GET', '/things/special', { answeredBy: 'special', params: {}, route: '/things/special' }],
    ['DELETE', '/things/special', { answeredBy: 'delete', params: { thingID: 'special' }, route: '/things/:thingID' }],
    ['GET', '/things/a%20b', { answeredBy: 'get', params: { thingID: 'a b' }, route: '/things/:thingID' }],
    ['GET', '/things/a%2Fb/', { answeredBy: 'get', params: { thingID: 'a/b' }, route: '/things/:thingID' }],
    ['HEAD', '/things/x', { answeredBy: 'get', params: { thingID: 'x' }, route: '/things/:thingID' }],
  ])('%s %s reaches the operation Express would', async (method, path, expected) => {
    expect((await route(method, path)).error).toEqual(expected);
  });

  test.each([
    ['GET', '/Things'],
    ['GET', '/things//'],
    ['GET', '/things/x/y/z'],
    ['POST', '/things'],
    ['OPTIONS', '/things'],
  ])('%s %s goes on to the next middleware', async (method, path) => {
    const { error, req } = await route(method, path);
    expect(error).toBeUndefined();
    expect(req.route).toBeUndefined();
  });

  test('a chain that ends without answering goes on to the later paths, as Express did', async () => {
    expect((await route('PUT', '/things/t/parts/p')).error).toEqual({
      answeredBy: 'fallback',
      params: { thingID: 't', kind: 'parts', partID: 'p' },
      route: '/things/:thingID/:kind/:partID',
    });
  });

  test('a malformed escape in a matching path is a 400 with Express’s message', async () => {
    const { error } = await route('DELETE', '/things/%E0%A4%A');
    expect(error).toBeInstanceOf(URIError);
    expect(error).toMatchObject({ status: 400, message: "Failed to decode param '%E0%A4%A'" });
  });

  test('the validator reuses the match only when it would find the same path first', async () => {
    const openapiMatch = async (method: string, path: string) =>
      ((await route(method, path)).req as Request & { openapiMatch?: unknown }).openapiMatch;
    expect(await openapiMatch('GET', '/things/a%20b')).toEqual({
      expressRoute: '/things/:thingID',
      params: { thingID: 'a b' },
    });
    // The literal /things/special comes first and has no DELETE: the validator must look for itself, as before.
    expect(await openapiMatch('DELETE', '/things/special')).toBeUndefined();
  });
});
