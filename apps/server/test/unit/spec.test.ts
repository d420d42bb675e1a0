import fs from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { isDocsPath } from '../../src/docs/docs.routes.js';
import { loadSpec, SPEC_PATH, specOperations } from '../../src/spec.js';

// The server skips express-openapi-validator's own check of the document on start (it cost a third of a cold
// start); this keeps the document checked by the same validator.

const require = createRequire(import.meta.url);
const { OpenAPISchemaValidator } = require('express-openapi-validator/dist/framework/openapi.schema.validator.js') as {
  OpenAPISchemaValidator: new (options: {
    version: string;
    validateApiSpec: boolean;
  }) => { validate(doc: unknown): { errors: unknown[] } };
};

const yamlSpec = () => parse(fs.readFileSync(SPEC_PATH, 'utf8')) as { openapi: string; info: { title: string } };

describe('openapi.yaml', () => {
  test('is a valid OpenAPI document by the validator the server uses', () => {
    const spec = yamlSpec();
    const validator = new OpenAPISchemaValidator({ version: spec.openapi, validateApiSpec: true });
    expect(validator.validate(spec).errors).toEqual([]);
    // The check itself can fail: a document without `info` is refused.
    expect(validator.validate({ ...spec, info: undefined }).errors).not.toEqual([]);
  });

  test('no operation has a path of the documentation site, which is routed after the operations', () => {
    const paths = specOperations(loadSpec()).map((operation) => operation.path);
    expect(paths.filter((path) => isDocsPath(path) || isDocsPath(path.split('/{')[0] ?? ''))).toEqual([]);
  });
});
