import type { AppContext } from '../app-context.js';

/** How often one instance sweeps; every instance sweeps, and the deletes are idempotent. */
const SWEEP_INTERVAL_MS = 60_000;
/** Consumed codes and sign-in requests are kept this long after expiry, for replay and challenge-reuse detection. */
const RETENTION_MS = 24 * 3600_000;

let lastSweepMs = 0;

/**
 * Deletes what can no longer be used: expired refresh tokens, codes and sign-in requests (a day after expiry), and
 * per-token revocations of access tokens that have expired anyway.
 */
export async function sweepExpired(context: AppContext, nowMs = Date.now()): Promise<void> {
  const now = new Date(nowMs).toISOString();
  const longAgo = new Date(nowMs - RETENTION_MS).toISOString();
  const { db } = context;
  await db.deleteFrom('oauth_refresh_tokens').where('expires_at', '<', now).execute();
  await db.deleteFrom('oauth_authorization_codes').where('expires_at', '<', longAgo).execute();
  await db.deleteFrom('oauth_authorization_requests').where('expires_at', '<', longAgo).execute();
  await db.deleteFrom('oauth_revoked_access_tokens').where('expires_at', '<', now).execute();
}

/** sweepExpired at most once a minute per process, in the background, so no request waits for it. */
export function sweepExpiredSoon(context: AppContext): void {
  const nowMs = Date.now();
  if (nowMs - lastSweepMs < SWEEP_INTERVAL_MS) return;
  lastSweepMs = nowMs;
  sweepExpired(context, nowMs).catch((error: unknown) =>
    context.logger.warn('housekeeping failed', { error: error instanceof Error ? error.message : String(error) }),
  );
}
