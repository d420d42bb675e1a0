import { fileURLToPath } from 'node:url';

/**
 * Files outside the compiled code, resolved from this module's URL. It sits at the root of src/ because every form of
 * the server keeps that depth: src/ under the tests, tsc's dist/, and the bundles dist/main.js and dist/cli.js, in
 * which every module has the bundle's URL (see bundle.mjs).
 */
const fromHere = (relative: string): string => fileURLToPath(new URL(relative, import.meta.url));

/** The root openapi.yaml. */
export const SPEC_PATH = fromHere('../../../openapi.yaml');

/** The spec as JSON, next to the compiled code (see loadSpec). */
export const PARSED_SPEC_PATH = fromHere('./openapi.parsed.json');

/** The site `@usher/docs` builds (apps/docs/dist). */
export const DOCS_DIR = fromHere('../../docs/dist/');
