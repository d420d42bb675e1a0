import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, test } from 'vitest';
import { parse, stringify } from 'yaml';

// The drift guard, proven: regenerate the types from an edited copy of openapi.yaml and type-check the server
// against them. Every edit the server does not follow must fail the typecheck; the unedited copy must pass.

const run = promisify(execFile);
const here = path.dirname(fileURLToPath(import.meta.url));
const serverDir = path.resolve(here, '../..');
const rootDir = path.resolve(serverDir, '../..');
const apiTypesDir = path.join(rootDir, 'packages/api-types');
const requireFromApiTypes = createRequire(path.join(apiTypesDir, 'package.json'));
const openapiTsCli = path.join(
  path.dirname(requireFromApiTypes.resolve('openapi-typescript/package.json')),
  'bin/cli.js',
);
const tscCli = createRequire(path.join(serverDir, 'package.json')).resolve('typescript/bin/tsc');

type Spec = {
  paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
  components: { schemas: Record<string, { required?: string[]; properties: Record<string, unknown> }> };
};
const original = parse(fs.readFileSync(path.join(rootDir, 'openapi.yaml'), 'utf8')) as Spec;
const workDirs: string[] = [];
afterAll(() => {
  for (const dir of workDirs) fs.rmSync(dir, { recursive: true, force: true });
});

/** Generates types from the edited spec and type-checks apps/server/src against them. */
async function typecheckWith(edit: (spec: Spec) => void): Promise<{ ok: boolean; output: string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'usher-drift-'));
  workDirs.push(dir);
  const spec = structuredClone(original);
  edit(spec);
  fs.writeFileSync(path.join(dir, 'openapi.yaml'), stringify(spec));
  fs.mkdirSync(path.join(dir, 'api-types/generated'), { recursive: true });
  fs.copyFileSync(path.join(apiTypesDir, 'src/index.ts'), path.join(dir, 'api-types/index.ts'));
  await run(process.execPath, [
    openapiTsCli,
    path.join(dir, 'openapi.yaml'),
    '--default-non-nullable',
    'false',
    '-o',
    path.join(dir, 'api-types/generated/openapi.d.ts'),
  ]);
  fs.writeFileSync(
    path.join(dir, 'tsconfig.json'),
    JSON.stringify({
      extends: path.join(rootDir, 'tsconfig.base.json'),
      compilerOptions: {
        noEmit: true,
        types: ['node'],
        typeRoots: [path.join(serverDir, 'node_modules/@types')],
        paths: { '@usher/api-types': [path.join(dir, 'api-types/index.ts')] },
      },
      include: [path.join(serverDir, 'src')],
    }),
  );
  try {
    const { stdout } = await run(process.execPath, [tscCli, '-p', path.join(dir, 'tsconfig.json')]);
    return { ok: true, output: stdout };
  } catch (error) {
    return { ok: false, output: String((error as { stdout?: string }).stdout ?? error) };
  }
}

const operation = (spec: Spec, route: string, method: string) => {
  const op = spec.paths[route]?.[method];
  if (!op) throw new Error(`no ${method} ${route} in openapi.yaml`);
  return op;
};

describe('spec drift fails the typecheck', { timeout: 120_000 }, () => {
  test('control: the unedited spec type-checks', async () => {
    const result = await typecheckWith(() => {});
    expect(result.output).toBe('');
    expect(result.ok).toBe(true);
  });

  test('a required response field renamed (Buyer.Name → DisplayName)', async () => {
    const result = await typecheckWith((spec) => {
      const buyer = spec.components.schemas['Buyer'];
      if (!buyer) throw new Error('no Buyer schema');
      buyer.properties['DisplayName'] = buyer.properties['Name'];
      delete buyer.properties['Name'];
      buyer.required = ['DisplayName'];
    });
    expect(result.ok).toBe(false);
    expect(result.output).toMatch(/buyers\/buyers\.(mapper|handlers)\.ts.*(DisplayName|Name)/);
  });

  test('an operation added without a handler', async () => {
    const result = await typecheckWith((spec) => {
      spec.paths['/v1/widgets'] = {
        get: { operationId: 'listWidgets', responses: { '204': { description: 'none' } } } as never,
      };
    });
    expect(result.ok).toBe(false);
    expect(result.output).toMatch(/http\/handlers\.ts.*listWidgets/);
  });

  test('an operation removed while its handler stays', async () => {
    const result = await typecheckWith((spec) => {
      delete spec.paths['/v1/buyers/{buyerID}']?.['delete'];
    });
    expect(result.ok).toBe(false);
    expect(result.output).toMatch(/deleteBuyer/);
  });

  test('a handler returning a status the spec no longer allows (getBuyer 200 → 203)', async () => {
    const result = await typecheckWith((spec) => {
      const responses = operation(spec, '/v1/buyers/{buyerID}', 'get').responses;
      responses['203'] = responses['200'];
      delete responses['200'];
    });
    expect(result.ok).toBe(false);
    expect(result.output).toMatch(/buyers\/buyers\.handlers\.ts/);
  });
});
