// Writes dist/openapi.json from the root openapi.yaml at build time, so the server parses JSON, not YAML, on start
// (see BUILT_SPEC_JSON_PATH in src/spec.ts). openapi.yaml stays the one source; this file is a build output.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const source = fileURLToPath(new URL('../../../openapi.yaml', import.meta.url));
// An explicit target is for the test that checks the copy matches its source.
const target = process.argv[2] ?? fileURLToPath(new URL('../dist/openapi.json', import.meta.url));
fs.mkdirSync(path.dirname(target), { recursive: true });
fs.writeFileSync(target, JSON.stringify(parse(fs.readFileSync(source, 'utf8'))));
