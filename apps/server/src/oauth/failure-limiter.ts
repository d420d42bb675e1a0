import { OAuthError } from '../http/errors.js';

/**
 * Throttles failures (bad client secrets, bad passwords) per key: a client_id or a source address. Only failures
 * count, so a client's or address's successful traffic is never slowed, and one client's attackers cannot exhaust
 * another client's budget. Behind this interface so a database-backed limiter can replace the in-memory one when
 * several instances must share the counts.
 */
export interface FailureLimiter {
  /** Seconds until `key` may try again, or 0 when it may try now. */
  retryAfter(key: string): number;
  /** Counts one failure against `key`. */
  recordFailure(key: string): void;
}

interface Bucket {
  tokens: number;
  updatedAtMs: number;
}

const WINDOW_MS = 60_000;
/** Buckets idle for this long are full again and can be forgotten. */
const SWEEP_EVERY = 1000;

/**
 * A token bucket per key: `capacity` failures, refilled at `capacity` per minute. Memory stays bounded because
 * full buckets are dropped on a periodic sweep.
 */
class TokenBuckets {
  readonly #capacity: number;
  readonly #buckets = new Map<string, Bucket>();
  #operations = 0;

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  #current(key: string, nowMs: number): Bucket {
    const bucket = this.#buckets.get(key);
    if (!bucket) return { tokens: this.#capacity, updatedAtMs: nowMs };
    const refill = ((nowMs - bucket.updatedAtMs) / WINDOW_MS) * this.#capacity;
    return { tokens: Math.min(this.#capacity, bucket.tokens + refill), updatedAtMs: nowMs };
  }

  retryAfter(key: string, nowMs: number): number {
    const bucket = this.#current(key, nowMs);
    if (bucket.tokens >= 1) return 0;
    return Math.max(1, Math.ceil(((1 - bucket.tokens) / this.#capacity) * (WINDOW_MS / 1000)));
  }

  take(key: string, nowMs: number): void {
    const bucket = this.#current(key, nowMs);
    this.#buckets.set(key, { tokens: Math.max(0, bucket.tokens - 1), updatedAtMs: nowMs });
    if (++this.#operations % SWEEP_EVERY === 0) this.#sweep(nowMs);
  }

  #sweep(nowMs: number): void {
    for (const [key, bucket] of this.#buckets) {
      if (nowMs - bucket.updatedAtMs >= WINDOW_MS) this.#buckets.delete(key);
    }
  }
}

export class InMemoryFailureLimiter implements FailureLimiter {
  readonly #perClient: TokenBuckets;
  readonly #perAddress: TokenBuckets;
  readonly #now: () => number;

  constructor(limits: { failuresPerClient: number; failuresPerAddress: number }, now: () => number = Date.now) {
    this.#perClient = new TokenBuckets(limits.failuresPerClient);
    this.#perAddress = new TokenBuckets(limits.failuresPerAddress);
    this.#now = now;
  }

  retryAfter(key: string): number {
    const buckets = key.startsWith('ip:') ? this.#perAddress : this.#perClient;
    return buckets.retryAfter(key, this.#now());
  }

  recordFailure(key: string): void {
    const buckets = key.startsWith('ip:') ? this.#perAddress : this.#perClient;
    buckets.take(key, this.#now());
  }
}

/** The limiter keys of one attempt: its client and its source address. */
export const failureKeys = (clientId: string, ip: string): [string, string] => [`client:${clientId}`, `ip:${ip}`];

/** Throws 429 `slow_down` with Retry-After when the client or the address has used up its failures. */
export function assertNotThrottled(limiter: FailureLimiter, clientId: string, ip: string): void {
  const retryAfter = Math.max(...failureKeys(clientId, ip).map((key) => limiter.retryAfter(key)));
  if (retryAfter > 0) throw tooManyAttempts(retryAfter);
}

export function recordFailure(limiter: FailureLimiter, clientId: string, ip: string): void {
  for (const key of failureKeys(clientId, ip)) limiter.recordFailure(key);
}

export const tooManyAttempts = (retryAfterSeconds: number): OAuthError =>
  new OAuthError('slow_down', 'Too many failed attempts. Try again later.', {
    status: 429,
    orderCloudCode: 'Auth.TooManyAttempts',
    headers: { 'Retry-After': String(retryAfterSeconds) },
  });
