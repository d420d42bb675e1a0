// Builds the API reference into dist/index.html from the root openapi.yaml with Redocly's build-docs: one file,
// with Redoc's script inlined (--inlineBundle) instead of loaded from Redocly's CDN, so the page needs nothing
// but the server that serves it.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const here = import.meta.dirname;
const spec = path.resolve(here, '../../openapi.yaml');
const output = path.join(here, 'dist', 'index.html');

fs.rmSync(path.join(here, 'dist'), { recursive: true, force: true });
execFileSync(
  path.join(here, 'node_modules', '.bin', 'redocly'),
  [
    'build-docs',
    spec,
    `--output=${output}`,
    '--inlineBundle',
    '--title=Usher API reference',
    // The server mounts the site at /docs; Redoc routes sections and operations below it.
    '--openapi.routingBasePath=/docs',
  ],
  { stdio: 'inherit', cwd: here },
);

// build-docs writes `"disableTelemetry":false` whatever it is told; the page must not report to a third party.
const html = fs.readFileSync(output, 'utf8');
let patched = html.replace('"disableTelemetry":false', '"disableTelemetry":true');
if (patched === html) throw new Error('build.mjs: Redoc options not found in the page; check the telemetry switch');
// The sidebar's "API docs by Redocly" logo comes from Redocly's CDN; the same credit as an inline image.
const credit = (width) =>
  `data:image/svg+xml,${encodeURIComponent(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="16"><text x="0" y="12" font-family="sans-serif" font-size="12" fill="#888">Redocly</text></svg>`,
  )}`;
patched = patched
  .replaceAll('https://cdn.redoc.ly/redoc/logo-mini-full.svg', credit(48))
  .replaceAll('https://cdn.redoc.ly/redoc/logo-mini.svg', credit(48));
const external = [...patched.matchAll(/<(?:script|link)\b[^>]*\b(?:src|href)="(https?:)?\/\/[^"]*"/g)].map((m) => m[0]);
if (external.length > 0) throw new Error(`build.mjs: the page loads external resources:\n${external.join('\n')}`);
fs.writeFileSync(output, patched);
