import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { CheckedBatch, RecordSource } from './checked-batches.js';

// Reading and checking records takes as much CPU as SQLite takes to store them; in a worker thread it runs on another
// core while the main thread writes.

export interface BatchWorkerInput {
  source: RecordSource;
  batchSize: number;
  defaultBuyerId: string | null;
}

export type BatchWorkerMessage = { batch: CheckedBatch } | { done: true };

/**
 * A batch's records live until the batch is serialized, so with V8's default young generation several scavenges copy
 * them first: a larger one took about a tenth off the worker's CPU, for some 50 MB more memory.
 */
const YOUNG_GENERATION_MB = 64;

/**
 * The worker's module: bundled next to cli.js as import-worker.js (bundle.mjs), or emitted by tsc next to this
 * module. When tests run the sources it is TypeScript, which a worker on Node 20 loads only through a loader it
 * registers itself (it inherits none from the main thread, and ignores `--import` in its execArgv): tsx's
 * CommonJS hook, as tsx's ESM one resolves its own files wrongly when registered from a worker.
 */
function startWorker(input: BatchWorkerInput): Worker {
  if (!import.meta.url.endsWith('.ts')) {
    return new Worker(new URL('./import-worker.js', import.meta.url), {
      workerData: input,
      resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB },
    });
  }
  const tsx = JSON.stringify(createRequire(import.meta.url).resolve('tsx/cjs/api'));
  const module = JSON.stringify(fileURLToPath(new URL('./import-worker.ts', import.meta.url)));
  return new Worker(`require(${tsx}).register(); require(${module});`, {
    eval: true,
    workerData: input,
    resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB },
  });
}

/** The checked batches of `input.source`, read and checked in a worker thread one batch ahead of the caller. */
export async function* workerBatches(input: BatchWorkerInput): AsyncGenerator<CheckedBatch> {
  const worker = startWorker(input);
  const received: BatchWorkerMessage[] = [];
  let failure: { error: unknown } | null = null;
  let wake: (() => void) | null = null;
  const settle = () => {
    wake?.();
    wake = null;
  };
  worker.on('message', (message: BatchWorkerMessage) => {
    received.push(message);
    settle();
  });
  worker.on('error', (error) => {
    failure = { error };
    settle();
  });
  worker.on('exit', (code) => {
    failure ??= { error: new Error(`The import worker stopped (exit code ${code}).`) };
    settle();
  });
  try {
    for (;;) {
      const message = received.shift();
      if (message === undefined) {
        if (failure !== null) throw (failure as { error: unknown }).error;
        await new Promise<void>((resolve) => (wake = resolve));
        continue;
      }
      if ('done' in message) return;
      // Taken: the worker may post the next batch, which it has been checking meanwhile.
      worker.postMessage('next');
      yield message.batch;
    }
  } finally {
    await worker.terminate();
  }
}
