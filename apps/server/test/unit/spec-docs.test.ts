import { Ajv } from 'ajv';
import addFormatsPlugin from 'ajv-formats';
import { describe, expect, test } from 'vitest';
import { type HttpMethod, loadSpec, specOperations } from '../../src/spec.js';

// ajv-formats is CommonJS: its default export arrives wrapped under NodeNext.
const addFormats = addFormatsPlugin as unknown as typeof addFormatsPlugin.default;

type Json = Record<string, unknown>;
type Direction = 'request' | 'response';

interface MediaType {
  schema?: Json;
  example?: unknown;
  examples?: Record<string, { value?: unknown }>;
}

interface Operation {
  summary?: string;
  description?: string;
  security?: unknown[];
  requestBody?: Json;
  responses?: Record<string, Json>;
}

const spec = loadSpec() as unknown as {
  paths: Record<string, Record<HttpMethod, Operation>>;
  components: { schemas: Record<string, Json>; responses?: Record<string, Json>; requestBodies?: Record<string, Json> };
};

/** Follows a `#/components/...` reference of a response or request body. */
function resolve(object: Json): Json {
  const ref = object['$ref'];
  if (typeof ref !== 'string') return object;
  const [, , kind, name] = ref.split('/');
  const target = (spec.components as unknown as Record<string, Record<string, Json>>)[kind ?? '']?.[name ?? ''];
  if (!target) throw new Error(`unresolved ${ref}`);
  return resolve(target);
}

/**
 * An OpenAPI 3.0 schema as JSON Schema for one direction: `nullable` becomes a `null` type; a request may not carry
 * `readOnly` properties and a response may not carry `writeOnly` ones (and neither is then required).
 */
function toJsonSchema(schema: unknown, direction: Direction): unknown {
  if (Array.isArray(schema)) return schema.map((item) => toJsonSchema(item, direction));
  if (typeof schema !== 'object' || schema === null) return schema;
  const { nullable, example: _example, ...rest } = schema as Json;
  const converted: Json = {};
  for (const [key, value] of Object.entries(rest)) {
    if (key === 'properties') {
      const properties: Json = {};
      const hidden: string[] = [];
      for (const [name, property] of Object.entries(value as Json)) {
        const p = property as Json;
        const excluded = direction === 'request' ? p['readOnly'] === true : p['writeOnly'] === true;
        if (excluded) hidden.push(name);
        properties[name] = excluded ? false : toJsonSchema(property, direction);
      }
      converted['properties'] = properties;
      if (Array.isArray(rest['required'])) {
        converted['required'] = (rest['required'] as string[]).filter((name) => !hidden.includes(name));
      }
    } else if (key !== 'required') {
      converted[key] = toJsonSchema(value, direction);
    }
  }
  if (nullable === true) {
    if (typeof converted['type'] === 'string') converted['type'] = [converted['type'], 'null'];
    else return { anyOf: [converted, { type: 'null' }] };
  }
  return converted;
}

const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
for (const direction of ['request', 'response'] as const) {
  ajv.addSchema({
    $id: `usher-${direction}`,
    components: { schemas: toJsonSchema(spec.components.schemas, direction) },
  });
}

function validate(schema: Json, example: unknown, direction: Direction): string[] {
  // `#/components/...` references inside the schema resolve against the per-direction document added above.
  const rebased = JSON.parse(
    JSON.stringify(toJsonSchema(schema, direction)).replaceAll('"#/components/', `"usher-${direction}#/components/`),
  ) as Json;
  const check = ajv.compile(rebased);
  return check(example) ? [] : (check.errors ?? []).map((error) => `${error.instancePath || '/'} ${error.message}`);
}

interface Example {
  where: string;
  direction: Direction;
  schema: Json;
  value: unknown;
}

function examplesOf(operation: Operation): Example[] {
  const found: Example[] = [];
  const collect = (where: string, direction: Direction, container: Json | undefined) => {
    const content = (container?.['content'] ?? {}) as Record<string, MediaType>;
    for (const [mediaType, media] of Object.entries(content)) {
      if (!media.schema) continue;
      const values = [
        ...(media.example === undefined ? [] : [media.example]),
        ...Object.values(media.examples ?? {}).map((example) => example.value),
      ];
      for (const value of values)
        found.push({ where: `${where} ${mediaType}`, direction, schema: media.schema, value });
    }
  };
  if (operation.requestBody) collect('request', 'request', resolve(operation.requestBody));
  for (const [status, response] of Object.entries(operation.responses ?? {})) {
    collect(`response ${status}`, 'response', resolve(response));
  }
  return found;
}

const operations = specOperations().map((op) => ({
  ...op,
  definition: spec.paths[op.path]?.[op.method] as Operation,
}));

describe('every operation is documented', () => {
  test.each(operations.map((op) => [op.operationId, op] as const))('%s', (_id, op) => {
    expect(op.definition.summary?.trim(), 'summary').toBeTruthy();
    expect(op.definition.description?.trim(), 'description').toBeTruthy();
    // Roles: a non-empty `security`, or `security: []` written out for a public endpoint.
    expect(Array.isArray(op.definition.security), 'security (roles, or [] when public)').toBe(true);
    if ((op.definition.security ?? []).length > 0) expect(op.roles?.length, 'roles').toBeGreaterThan(0);
    expect(examplesOf(op.definition).length, 'examples').toBeGreaterThan(0);
  });
});

describe('every example validates against its own schema', () => {
  const examples = operations.flatMap((op) =>
    examplesOf(op.definition).map((example) => [`${op.operationId} ${example.where}`, example] as const),
  );
  test('there are examples to check', () => {
    expect(examples.length).toBeGreaterThan(operations.length);
  });
  test.each(examples)('%s', (_name, example) => {
    expect(validate(example.schema, example.value, example.direction)).toEqual([]);
  });

  test('the check refuses an example that breaks its schema', () => {
    const buyer = { $ref: '#/components/schemas/Buyer' };
    expect(validate(buyer, { Name: 'x', DateCreated: '2026-01-01T00:00:00Z' }, 'request')).not.toEqual([]);
    expect(validate(buyer, { Name: 7 }, 'response')).not.toEqual([]);
    expect(
      validate({ $ref: '#/components/schemas/ApiClient' }, { AppName: 'a', ClientSecret: 'x' }, 'response'),
    ).not.toEqual([]);
    expect(validate(buyer, { Name: 'x', xp: null }, 'request')).toEqual([]);
  });
});
