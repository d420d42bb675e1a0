import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadSpec, type SpecOperation, specOperations } from '../../src/spec.js';
import { createBuyer, createClient, createUser, startAuthTestApp } from '../support/auth-fixtures.js';
import { snapshotDb } from '../support/db-snapshot.js';
import { DIALECTS } from '../support/dialects.js';
import type { TestApp } from '../support/test-app.js';

// Spec-driven fuzzing: every operation of openapi.yaml gets invalid and boundary requests generated from its own
// schemas. None may answer 5xx; a 4xx must be one the operation (or every operation) documents, in the documented
// error shape, and must leave the stored data exactly as it was. Runs per operation: FUZZ_RUNS (default 10).

const RUNS = Number(process.env['FUZZ_RUNS'] ?? 10);
/** Answers any operation may give whatever it declares: transport-level refusals. */
const GLOBAL_4XX = new Set([401, 404, 405, 413, 415, 429]);

interface Schema {
  $ref?: string;
  type?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  enum?: unknown[];
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  nullable?: boolean;
  readOnly?: boolean;
  additionalProperties?: boolean | Schema;
}
interface Parameter {
  $ref?: string;
  name: string;
  in: 'path' | 'query' | 'header';
  required?: boolean;
  schema: Schema;
}
interface Operation {
  parameters?: Parameter[];
  requestBody?: { $ref?: string; content: Record<string, { schema: Schema }> };
  responses: Record<string, { $ref?: string; content?: Record<string, unknown> }>;
  'x-eov-allow-unknown-query-parameters'?: boolean;
}

const spec = loadSpec() as unknown as {
  paths: Record<string, Record<string, unknown> & { parameters?: Parameter[] }>;
  components: Record<string, Record<string, unknown>>;
};

function deref<T extends { $ref?: string }>(value: T): T {
  if (!value.$ref) return value;
  const [, , section, name] = value.$ref.split('/');
  const target = spec.components[section ?? '']?.[name ?? ''];
  if (!target) throw new Error(`unresolved ${value.$ref}`);
  return deref(target as T);
}

/** A value the schema accepts: the starting point that each mutation breaks in one place. */
function validSample(raw: Schema, key = ''): unknown {
  const schema = deref(raw);
  if (schema.enum) return schema.enum[0];
  switch (schema.type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [name, property] of Object.entries(schema.properties ?? {})) {
        if (!deref(property).readOnly) out[name] = validSample(property, name);
      }
      return out;
    }
    case 'array':
      return schema.items && key === 'RedirectUris' ? ['https://app.example.com/cb'] : [];
    case 'integer':
    case 'number':
      return schema.minimum ?? 1;
    case 'boolean':
      return true;
    default:
      if (schema.format === 'date-time') return '2026-01-02T03:04:05.000Z';
      if (schema.format === 'uri') return 'https://app.example.com/cb';
      if (key === 'Email') return 'fuzz@example.com';
      if (key === 'Password' || key === 'ClientSecret') return 'Fuzz-Password-1234567';
      return `fuzz${key}`.slice(0, Math.max(schema.minLength ?? 1, Math.min(schema.maxLength ?? 20, 20)));
  }
}

/** A value of a JSON type the schema's type is not, and that coercion cannot turn into it. */
function wrongTypeFor(raw: Schema): fc.Arbitrary<unknown> {
  const type = deref(raw).type;
  const options: fc.Arbitrary<unknown>[] = [fc.constant({ nested: [1] }), fc.constant([[]])];
  if (type !== 'string') options.push(fc.string({ minLength: 1 }).map((s) => `x${s}`));
  if (type === 'string' || type === 'object' || type === 'array') options.push(fc.constant(true), fc.integer());
  if (type === 'object' || type === 'array') options.push(fc.string());
  return fc.oneof(...options);
}

/** Nested xp, deep enough to hurt a recursive merge or a JSON path compiler, small enough for the body limit. */
const deepXp = fc.integer({ min: 50, max: 2000 }).map((depth) => {
  let xp: Record<string, unknown> = { leaf: 1 };
  for (let i = 0; i < depth; i++) xp = { n: xp };
  return xp;
});

const hostileText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom(
    "' OR 1=1 --",
    '"; DROP TABLE users; --',
    '%',
    '%zz',
    '%E0%A4%A',
    '\u0000',
    '$.a[0]',
    "xp->>'a'",
    '*',
    '!',
    '|',
    '>=',
    '\uD800',
    '𝔘𝔰𝔥𝔢𝔯',
    'a'.repeat(600),
  ),
);

/** Percent-encodes any string, lone surrogates too (as U+FFFD, which is what a browser would send). */
const encodeText = (text: string): string => encodeURIComponent(text.replace(/[\uD800-\uDFFF]/g, '\uFFFD'));

type Mutation = { kind: 'json'; body: unknown } | { kind: 'raw'; text: string; contentType: string } | { kind: 'none' };

/** Bodies that break the operation's request schema in one way each. */
function bodyMutations(op: Operation, method: string): fc.Arbitrary<Mutation> {
  // fetch cannot send a GET body; a body there is ignored by the server anyway.
  if (method === 'get') return fc.constant({ kind: 'none' });
  const media = op.requestBody ? deref(op.requestBody).content : undefined;
  const [contentType, content] = Object.entries(media ?? {})[0] ?? [];
  if (!contentType || !content) {
    return fc.oneof(
      fc.constant<Mutation>({ kind: 'none' }),
      fc.constant<Mutation>({ kind: 'raw', text: '{"a":', contentType: 'application/json' }),
      fc.constant<Mutation>({ kind: 'raw', text: 'x'.repeat(300_000), contentType: 'application/json' }),
    );
  }
  const schema = deref(content.schema);
  const valid = validSample(schema) as Record<string, unknown>;
  const properties = Object.entries(schema.properties ?? {}).filter(([, p]) => !deref(p).readOnly);
  const encode = (body: Record<string, unknown>): Mutation =>
    contentType === 'application/json'
      ? { kind: 'json', body }
      : {
          kind: 'raw',
          contentType,
          // JSON text for non-strings: String() throws on a generated object whose `toString` is not a function.
          text: new URLSearchParams(
            Object.entries(body).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]),
          ).toString(),
        };
  const arbitraries: fc.Arbitrary<Mutation>[] = [
    fc.jsonValue().map((body) => (contentType === 'application/json' ? { kind: 'json', body } : encode({ body }))),
    fc
      .integer({ min: 0, max: 40 })
      .map((cut) => ({ kind: 'raw', contentType, text: JSON.stringify(valid).slice(0, cut) }) as Mutation),
    fc
      .constantFrom(
        'text/plain',
        'application/xml',
        'multipart/form-data; boundary=x',
        'application/json; charset=utf-7',
      )
      .map((type) => ({ kind: 'raw', contentType: type, text: JSON.stringify(valid) }) as Mutation),
    fc.constant<Mutation>({ kind: 'raw', contentType, text: 'x'.repeat(300_000) }),
    // Nesting far beyond any recursion limit, yet under the body size limit.
    fc.constantFrom('[', '{"a":').map((open) => ({
      kind: 'raw',
      contentType,
      text: `{"xp":${open.repeat(40_000)}1${(open === '[' ? ']' : '}').repeat(40_000)}}`,
    })),
  ];
  for (const name of schema.required ?? []) {
    arbitraries.push(fc.constant(encode(Object.fromEntries(Object.entries(valid).filter(([k]) => k !== name)))));
  }
  if (properties.length > 0) {
    arbitraries.push(
      fc
        .constantFrom(...properties)
        .chain(([name, property]) => wrongTypeFor(property).map((value) => encode({ ...valid, [name]: value }))),
    );
    const bounded = properties.filter(([, p]) => deref(p).maxLength !== undefined);
    if (bounded.length > 0) {
      arbitraries.push(
        fc
          .tuple(fc.constantFrom(...bounded), fc.integer({ min: 1, max: 5000 }))
          .map(([[name, p], extra]) => encode({ ...valid, [name]: 'y'.repeat((deref(p).maxLength ?? 0) + extra) })),
      );
    }
    if ('xp' in valid) {
      arbitraries.push(
        deepXp.map((xp) => encode({ ...valid, xp })),
        fc.constant(encode({ ...valid, xp: { big: 'z'.repeat(9000) } })),
        fc.constant(encode({ ...valid, xp: ['not', 'an', 'object'] })),
      );
    }
  }
  return fc.oneof(...arbitraries);
}

/** Query strings with unknown keys, malformed filters and values outside the parameters' bounds. */
function queryMutations(op: Operation, pathItem: { parameters?: Parameter[] }): fc.Arbitrary<string> {
  const declared = [...(pathItem.parameters ?? []), ...(op.parameters ?? [])]
    .map((p) => deref(p))
    .filter((p) => p.in === 'query');
  const pair = (key: fc.Arbitrary<string>, value: fc.Arbitrary<string>) =>
    fc.tuple(key, value).map(([k, v]) => `${encodeText(k)}=${encodeText(v)}`);
  const options: fc.Arbitrary<string>[] = [
    fc.constant(''),
    pair(fc.constantFrom('unknownKey', 'xp.', 'xp..a', 'xp.a.b.c.d.e.f.g.h', '__proto__', 'constructor'), hostileText),
    fc.constantFrom('%zz=1', 'a=%', '%E0%A4%A=%E0%A4%A', 'search=%00', '&&&=', 'sortBy=%FF'),
  ];
  if (declared.length > 0) {
    options.push(
      fc.constantFrom(...declared).chain((p) => {
        const schema = deref(p.schema);
        const bad =
          schema.type === 'integer'
            ? fc.constantFrom('-1', '0', '1.5', 'NaN', '1e309', '99999999999999999999', 'abc')
            : fc.oneof(hostileText, fc.constant('q'.repeat((schema.maxLength ?? 100) + 1)));
        return pair(fc.constant(p.name), bad);
      }),
    );
  }
  if (op['x-eov-allow-unknown-query-parameters']) {
    options.push(
      pair(fc.constantFrom('ID', 'Name', 'xp.a', 'DateCreated', 'Active', 'NoSuchField', 'xp.a.b'), hostileText),
      pair(fc.constant('sortBy'), fc.oneof(hostileText, fc.constantFrom('!', '!!ID', 'xp.a', 'ID,ID', ','))),
      pair(fc.constant('searchOn'), hostileText),
    );
  }
  return fc.array(fc.oneof(...options), { maxLength: 3 }).map((parts) => parts.filter((p) => p !== '').join('&'));
}

function pathArbitrary(op: SpecOperation, real: Record<string, string>): fc.Arbitrary<string> {
  const names = [...op.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1] ?? '');
  const segment = (name: string) =>
    fc.oneof(
      { weight: 3, arbitrary: fc.constant(encodeURIComponent(real[name] ?? 'x')) },
      fc.constantFrom('%zz', '%', '..', '%2e%2e', 'a%2Fb', '%00', 'q'.repeat(101), 'has%20space', '%C3%28', '*'),
      fc.string({ minLength: 1, maxLength: 30 }).map(encodeText),
    );
  return fc
    .tuple(...names.map(segment))
    .map((values) => names.reduce((path, name, i) => path.replace(`{${name}}`, values[i] ?? ''), op.path));
}

function declaredStatuses(op: Operation): Set<number> {
  return new Set(Object.keys(op.responses).map(Number));
}

function expectErrorShape(path: string, status: number, contentType: string, text: string, op: Operation): void {
  if (contentType.startsWith('text/html')) {
    // The sign-in pages answer people: an HTML 400 is what they document.
    expect(Object.keys(deref(op.responses[String(status)] ?? {}).content ?? {})).toContain('text/html');
    return;
  }
  expect(contentType).toMatch(/^application\/json/);
  const body = JSON.parse(text) as Record<string, unknown>;
  const errors = body['Errors'] as Array<Record<string, unknown>>;
  expect(Array.isArray(errors) && errors.length > 0).toBe(true);
  expect(typeof errors[0]?.['ErrorCode']).toBe('string');
  expect(typeof errors[0]?.['Message']).toBe('string');
  if (path.startsWith('/oauth/')) {
    expect(typeof body['error']).toBe('string');
    expect(typeof body['error_description']).toBe('string');
  }
}

for (const dialect of DIALECTS) {
  describe(`${dialect}: spec-driven fuzzing of every operation`, () => {
    let t: TestApp;
    let token: string;
    const real: Record<string, string> = {};
    beforeAll(async () => {
      t = await startAuthTestApp(dialect);
      token = await t.adminToken();
      real['buyerID'] = await createBuyer(t);
      real['newBuyerID'] = await createBuyer(t);
      real['userID'] = (await createUser(t, real['buyerID'])).id;
      real['apiClientID'] = (await createClient(t)).id;
      const api = t.as(token);
      await api.POST('/v1/buyers/{buyerID}/usergroups', {
        params: { path: { buyerID: real['buyerID'] } },
        body: { ID: 'fuzz-group', Name: 'Fuzz' },
      });
      await api.POST('/v1/securityprofiles', { body: { ID: 'fuzz-profile', Name: 'Fuzz', Roles: ['Shopper'] } });
      real['userGroupID'] = 'fuzz-group';
      real['securityProfileID'] = 'fuzz-profile';
    });
    afterAll(() => t.close());

    // Found by fuzzing: PostgreSQL cannot store U+0000, so each of these was a 500 there.
    test.each([
      ['a path parameter', 'GET', '/v1/buyers/%00/usergroups/fuzz-group', undefined],
      ['a search', 'GET', '/v1/apiclients?search=%00', undefined],
      ['a body string', 'POST', '/v1/buyers', { Name: 'nul\u0000name' }],
      ['an xp key', 'POST', '/v1/buyers', { Name: 'ok', xp: { 'k\u0000': 1 } }],
    ])('U+0000 in %s is a 400 ValidationFailure and stores nothing', async (_name, method, path, body) => {
      const before = await snapshotDb(t.running.context.db);
      const res = await fetch(`${t.url}${path}`, {
        method,
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { Errors: Array<{ ErrorCode: string }> }).Errors[0]?.ErrorCode).toBe(
        'ValidationFailure',
      );
      expect(await snapshotDb(t.running.context.db)).toEqual(before);
    });

    test.each(specOperations().map((op) => [`${op.method.toUpperCase()} ${op.path}`, op] as const))(
      '%s: invalid input answers a documented 4xx and changes nothing',
      { timeout: 120_000 },
      async (_name, op) => {
        const pathItem = spec.paths[op.path] ?? {};
        const operation = pathItem[op.method] as Operation;
        const declared = declaredStatuses(operation);
        await fc.assert(
          fc.asyncProperty(
            pathArbitrary(op, real),
            queryMutations(operation, pathItem),
            bodyMutations(operation, op.method),
            async (path, query, mutation) => {
              const headers: Record<string, string> = { Authorization: `Bearer ${token}` };
              let body: string | undefined;
              if (mutation.kind === 'json') {
                headers['Content-Type'] = 'application/json';
                body = JSON.stringify(mutation.body);
              } else if (mutation.kind === 'raw') {
                headers['Content-Type'] = mutation.contentType;
                body = mutation.text;
              }
              const before = await snapshotDb(t.running.context.db);
              const res = await fetch(`${t.url}${path}${query ? `?${query}` : ''}`, {
                method: op.method.toUpperCase(),
                headers,
                redirect: 'manual',
                ...(body === undefined ? {} : { body }),
              });
              const text = await res.text();
              const where = `${op.method.toUpperCase()} ${path}?${query} ${body?.slice(0, 200)} → ${res.status} ${text.slice(0, 300)}`;
              expect(res.status, where).toBeLessThan(500);
              if (res.status < 400) {
                expect(declared.has(res.status), where).toBe(true);
                return;
              }
              expect(declared.has(res.status) || GLOBAL_4XX.has(res.status), where).toBe(true);
              expectErrorShape(path, res.status, res.headers.get('content-type') ?? '', text, operation);
              expect(await snapshotDb(t.running.context.db), where).toEqual(before);
            },
          ),
          { numRuns: RUNS, endOnFailure: true },
        );
      },
    );
  });
}
