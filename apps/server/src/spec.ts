import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { parse } from 'yaml';
import { PARSED_SPEC_PATH, SPEC_PATH } from './repo-paths.js';

export { SPEC_PATH };

export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

export interface SpecOperation {
  operationId: string;
  /** The operation's one-line summary, as the documentation shows it. */
  summary: string;
  tags: readonly string[];
  method: HttpMethod;
  /** The path as openapi.yaml writes it, e.g. `/v1/buyers/{buyerID}`. */
  path: string;
  /** The same path in Express syntax, e.g. `/v1/buyers/:buyerID`. */
  expressPath: string;
  /** Roles that may call the operation (any one of them), or null when it needs no token. */
  roles: readonly string[] | null;
  /**
   * Where a buyer user's token may act (`x-usher-buyer-scope`): `own` only in the path's `{buyerID}` when it is the
   * user's buyer, `none` never (marketplace administration), `self` only on the caller. Null when no token is needed.
   */
  buyerScope: BuyerScope | null;
}

export const BUYER_SCOPES = ['own', 'none', 'self'] as const;
export type BuyerScope = (typeof BUYER_SCOPES)[number];

export interface OpenApiDocument {
  paths: Record<string, Record<string, unknown>>;
  security?: Array<Record<string, string[]>>;
  [key: string]: unknown;
}

/**
 * The spec as JSON (PARSED_SPEC_PATH), written next to the compiled code by `pnpm build`: parsing the YAML took a few
 * hundred milliseconds of every cold start, JSON takes one or two. Used only while its hash matches openapi.yaml, so
 * a spec edited after the build is parsed from the YAML as before (and from src, under the tests, there is no such
 * file).
 */
interface ParsedSpec {
  sha256: string;
  spec: OpenApiDocument;
}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('base64url');

let cached: OpenApiDocument | undefined;

/** The parsed spec; parsed once per process. Callers must not mutate it. */
export function loadSpec(): OpenApiDocument {
  cached ??= readSpec();
  return cached;
}

function readSpec(): OpenApiDocument {
  const text = fs.readFileSync(SPEC_PATH, 'utf8');
  if (fs.existsSync(PARSED_SPEC_PATH)) {
    const parsed = JSON.parse(fs.readFileSync(PARSED_SPEC_PATH, 'utf8')) as ParsedSpec;
    if (parsed.sha256 === sha256(text)) return parsed.spec;
  }
  return parse(text) as OpenApiDocument;
}

/** Writes the parsed spec for loadSpec (the build runs this from dist). */
export function writeParsedSpec(): void {
  const text = fs.readFileSync(SPEC_PATH, 'utf8');
  const parsed: ParsedSpec = { sha256: sha256(text), spec: parse(text) as OpenApiDocument };
  fs.writeFileSync(PARSED_SPEC_PATH, JSON.stringify(parsed));
}

/** Every operation of the spec, with the roles its `security` requirements name. */
export function specOperations(spec: OpenApiDocument = loadSpec()): SpecOperation[] {
  const operations: SpecOperation[] = [];
  for (const [path, item] of Object.entries(spec.paths)) {
    for (const method of HTTP_METHODS) {
      const op = item[method] as
        | {
            operationId?: string;
            summary?: string;
            tags?: string[];
            security?: Array<Record<string, string[]>>;
            'x-usher-buyer-scope'?: unknown;
          }
        | undefined;
      if (!op) continue;
      if (!op.operationId) throw new Error(`openapi.yaml: ${method.toUpperCase()} ${path} has no operationId`);
      const security = op.security ?? spec.security ?? [];
      const buyerScope = op['x-usher-buyer-scope'] ?? null;
      // An operation that takes a token must say what a buyer user may do with it, so a new one cannot forget.
      if (security.length > 0 && !BUYER_SCOPES.includes(buyerScope as BuyerScope)) {
        throw new Error(`openapi.yaml: ${op.operationId} needs x-usher-buyer-scope (${BUYER_SCOPES.join(', ')})`);
      }
      if (buyerScope === 'own' && !path.includes('{buyerID}')) {
        throw new Error(`openapi.yaml: ${op.operationId} is x-usher-buyer-scope own but has no {buyerID} in its path`);
      }
      operations.push({
        operationId: op.operationId,
        summary: op.summary ?? '',
        tags: op.tags ?? [],
        method,
        path,
        expressPath: path.replace(/\{([^}]+)\}/g, ':$1'),
        roles:
          security.length === 0
            ? null
            : [...new Set(security.flatMap((requirement) => Object.values(requirement).flat()))],
        buyerScope: security.length === 0 ? null : (buyerScope as BuyerScope),
      });
    }
  }
  return operations;
}
