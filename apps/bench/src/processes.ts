import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';

export interface Service {
  url: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** A free loopback port (the OS picks it; we close the probe and hand it to the child). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** Polls `url` until it answers 200; returns the milliseconds it took. */
export async function waitUntilReady(url: string, child: ChildProcess, timeoutMs = 30_000): Promise<number> {
  const started = performance.now();
  while (performance.now() - started < timeoutMs) {
    if (child.exitCode !== null) throw new Error(`${url}: the process exited with code ${child.exitCode}`);
    try {
      const response = await fetch(url);
      if (response.ok) return performance.now() - started;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`${url} was not ready within ${timeoutMs} ms`);
}

/** Starts a Node.js process and waits for its readiness URL; `stop` sends SIGTERM and waits for the exit. */
export async function startService(
  args: readonly string[],
  readyPath: string,
  port: number,
  env: Record<string, string> = {},
): Promise<Service & { readyMs: number }> {
  const spawnedAt = performance.now();
  const child = spawn(process.execPath, args, {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  await waitUntilReady(`${url}${readyPath}`, child);
  const readyMs = performance.now() - spawnedAt;
  return {
    url,
    process: child,
    readyMs,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
