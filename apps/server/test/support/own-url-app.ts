import net from 'node:net';
import type { Dialect } from '../../src/config.js';
import { startAuthTestApp } from './auth-fixtures.js';

/** A free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/**
 * A test app whose ISSUER is its own URL, so real OAuth clients (discovery, the browser) can reach what the
 * metadata names.
 */
export async function startAppAtIssuer(dialect: Dialect, env: Record<string, string> = {}) {
  const port = await freePort();
  return startAuthTestApp(dialect, { PORT: String(port), ISSUER: `http://127.0.0.1:${port}`, ...env });
}
