// Removes the previous run's vitest reports so the summary counts only this run.
import fs from 'node:fs';
import path from 'node:path';

fs.rmSync(path.resolve(import.meta.dirname, '..', 'out', 'test-results'), { recursive: true, force: true });
