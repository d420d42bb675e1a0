import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from 'vitest';

const packageDir = path.resolve(import.meta.dirname, '..');
const readme = fs.readFileSync(path.join(packageDir, 'README.md'), 'utf8');
const examples = fs.readdirSync(path.join(packageDir, 'examples')).filter((file) => file.endsWith('.ts'));

// The examples are compiled by `pnpm typecheck`; this keeps the README's copies identical to them.
test.each(examples)('README shows examples/%s verbatim', (file) => {
  const source = fs.readFileSync(path.join(packageDir, 'examples', file), 'utf8');
  expect(readme).toContain(`\`\`\`ts\n${source}\`\`\``);
});
