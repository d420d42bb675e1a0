import fs from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { build } from 'esbuild';
import { describe, expect, test } from 'vitest';

const packageDir = path.resolve(import.meta.dirname, '..');
const distDir = path.join(packageDir, 'dist');
const packageJson = JSON.parse(fs.readFileSync(path.join(packageDir, 'package.json'), 'utf8')) as {
  exports: Record<string, { types: string; import: string }>;
};

// `turbo run test` builds this package first (packages/client/turbo.json); run `pnpm build` before a bare `vitest`.
describe('the built package', () => {
  test('the exports map points at built JavaScript and declarations', () => {
    const entry = packageJson.exports['.'];
    expect(entry).toEqual({ types: './dist/index.d.ts', import: './dist/index.js' });
    expect(fs.existsSync(path.join(packageDir, entry?.types ?? ''))).toBe(true);
    expect(fs.existsSync(path.join(packageDir, entry?.import ?? ''))).toBe(true);
  });

  test('imports no Node built-in module at run time', () => {
    const builtins = new Set([...builtinModules, ...builtinModules.map((name) => `node:${name}`)]);
    const imported = fs
      .readdirSync(distDir)
      .filter((file) => file.endsWith('.js'))
      .flatMap((file) =>
        [
          ...fs.readFileSync(path.join(distDir, file), 'utf8').matchAll(/(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g),
        ].map((match) => match[1] ?? ''),
      );
    expect(imported.length).toBeGreaterThan(0);
    expect(imported.filter((specifier) => builtins.has(specifier))).toEqual([]);
  });

  test('bundles for the browser, dependencies included', async () => {
    const result = await build({
      entryPoints: [path.join(distDir, 'index.js')],
      bundle: true,
      platform: 'browser',
      format: 'esm',
      write: false,
      logLevel: 'silent',
    });
    expect(result.errors).toEqual([]);
    expect(result.outputFiles[0]?.text).toContain('oauth/token');
  });
});
