import { parentPort, workerData } from 'node:worker_threads';
import { checkedBatches, sourceItems } from './checked-batches.js';
import type { BatchWorkerInput, BatchWorkerMessage } from './worker-batches.js';

// The worker thread of worker-batches.ts: reads and checks batches, and posts each once the main thread has taken
// the one before, so that at most one batch waits while another is written. (No top-level await: tests load this
// module through tsx's CommonJS hook, see worker-batches.ts.)

async function run(): Promise<void> {
  const port = parentPort;
  if (port === null) throw new Error('import-worker.ts runs as a worker thread.');
  const { source, batchSize, defaultBuyerId } = workerData as BatchWorkerInput;
  let mayPost = true;
  let wake: (() => void) | null = null;
  port.on('message', () => {
    mayPost = true;
    wake?.();
  });
  const post = (message: BatchWorkerMessage) => port.postMessage(message);
  for await (const batch of checkedBatches(sourceItems(source), batchSize, defaultBuyerId)) {
    while (!mayPost) await new Promise<void>((resolve) => (wake = resolve));
    mayPost = false;
    post({ batch });
  }
  post({ done: true });
  port.close();
}

// A failure (a file that cannot be read) rejects unhandled, which ends the thread with that error; workerBatches
// throws it in the main thread.
void run();
