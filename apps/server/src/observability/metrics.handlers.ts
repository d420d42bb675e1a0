import { timingSafeEqual } from 'node:crypto';
import { invalidToken, missingToken } from '../http/errors.js';
import type { Handler } from '../http/operation.js';

function sameSecret(presented: string, expected: string): boolean {
  const a = Buffer.from(presented);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export const getMetrics: Handler<'getMetrics'> = async ({ headers }, { config, metrics }) => {
  if (config.metricsToken !== null) {
    const header = headers['authorization'];
    if (header === undefined) throw missingToken();
    const presented = /^Bearer +(\S+) *$/i.exec(header)?.[1] ?? '';
    if (!sameSecret(presented, config.metricsToken)) throw invalidToken();
  }
  return {
    status: 200,
    text: await metrics.registry.metrics(),
    headers: { 'Content-Type': metrics.registry.contentType },
  };
};
