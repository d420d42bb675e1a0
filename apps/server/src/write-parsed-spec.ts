import { writeParsedSpec } from './spec.js';

// Run by `pnpm build` after tsc: the server then starts without parsing openapi.yaml (see loadSpec).
writeParsedSpec();
