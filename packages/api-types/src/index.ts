// The one hand-written file of this package: names over the generated types.
// Everything under ./generated is produced from openapi.yaml by `pnpm generate`; never edit it.
import type { components, operations } from './generated/openapi.js';

export type { components, operations, paths } from './generated/openapi.js';

/** Every operationId in openapi.yaml. */
export type OperationId = keyof operations;

/** A named schema from `components.schemas`. */
export type Schema<N extends keyof components['schemas']> = components['schemas'][N];
