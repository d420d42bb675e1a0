import {
  createHmac,
  createPrivateKey,
  createPublicKey,
  generateKeyPair,
  type JsonWebKey,
  type KeyObject,
  randomUUID,
} from 'node:crypto';
import { promisify } from 'node:util';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { nowIso } from '../shared/time.js';
import type { JwsAlgorithm, VerificationKey } from './jwt.js';
import { getOrCreateServerSecret } from './server-secrets.js';

export interface PublicJwk extends JsonWebKey {
  kid: string;
  alg: JwsAlgorithm;
  use: 'sig';
}

export interface SigningKey {
  kid: string;
  alg: JwsAlgorithm;
  privateKey: KeyObject;
}

interface LoadedKey extends SigningKey, VerificationKey {
  jwk: PublicJwk;
  activatesAt: string;
}

/**
 * Access tokens are signed on every token request, so with the cheapest algorithm: an ES256 signature costs a tenth
 * of an RS256 one, and RFC 9068 allows any JWS algorithm. ID tokens stay RS256, the one algorithm OIDC Discovery
 * requires every relying party to support.
 */
export const ACCESS_TOKEN_ALG = 'ES256' satisfies JwsAlgorithm;
export const ID_TOKEN_ALG = 'RS256' satisfies JwsAlgorithm;
const ALGORITHMS: readonly JwsAlgorithm[] = [ID_TOKEN_ALG, ACCESS_TOKEN_ALG];
/**
 * The algorithms that may sign access tokens, preferred first. RS256 signs them only while no ES256 key is active: a
 * database made before access tokens moved to ES256 gains its first ES256 key unpublished to verifiers that cached
 * the JWKS, so that key waits `JWKS_MAX_AGE_SECONDS` before it signs.
 */
export const ACCESS_TOKEN_ALGS: readonly [JwsAlgorithm, ...JwsAlgorithm[]] = [ACCESS_TOKEN_ALG, ID_TOKEN_ALG];

/** How long verifiers may cache the JWKS (its Cache-Control); a key added to a database in use waits this long. */
export const JWKS_MAX_AGE_SECONDS = 300;

const generateKeyPairAsync = promisify(generateKeyPair);

/** A new key pair, made on the libuv thread pool: a 2048-bit RSA key takes hundreds of milliseconds of CPU. */
function generateFor(alg: JwsAlgorithm): Promise<{ privateKey: KeyObject; publicKey: KeyObject }> {
  return alg === 'RS256'
    ? generateKeyPairAsync('rsa', { modulusLength: 2048 })
    : generateKeyPairAsync('ec', { namedCurve: 'P-256' });
}

/** How often an instance re-reads the key table, so a rotation made elsewhere is picked up. */
const RELOAD_INTERVAL_MS = 60_000;
/** A token with an unknown `kid` makes us re-read at most this often (a forged kid cannot hammer the database). */
const MISS_RELOAD_INTERVAL_MS = 1_000;

/**
 * The signing keys of each algorithm, kept in the database so that every instance and every restart sign and verify
 * alike. Per algorithm, the newest active key signs; every key not retired verifies, so a rotation never invalidates
 * live tokens.
 */
export class SigningKeys {
  readonly #db: Kysely<Database>;
  #keys: LoadedKey[] = [];
  #loadedAt = 0;

  #initializing: Promise<void> | null = null;
  #initialized = false;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  /**
   * Loads the keys, creating the first one of each algorithm that has none. Instances starting together on one empty
   * database agree on one first key per algorithm: its kid is derived from a per-database value, so the first insert
   * wins, the others' inserts change nothing, and every instance reads the winner back. A database that already has
   * keys (of another algorithm) gets the new ones published first: they sign once cached JWKS have expired.
   * Signing, verifying, publishing and rotating wait for this, so a server may listen while a first start still
   * generates keys. Calls share one run; after a failure the next call runs it again.
   */
  init(): Promise<void> {
    this.#initializing ??= this.#loadOrCreate().then(
      () => {
        this.#initialized = true;
      },
      (error: unknown) => {
        this.#initializing = null;
        throw error;
      },
    );
    return this.#initializing;
  }

  async #loadOrCreate(): Promise<void> {
    await this.reload();
    const missing = ALGORITHMS.filter((alg) => !this.#keys.some((key) => key.alg === alg));
    if (missing.length === 0) return;
    const activateInSeconds = this.#keys.length > 0 ? JWKS_MAX_AGE_SECONDS : 0;
    const kidSeed = await getOrCreateServerSecret(this.#db, 'signing-key-ids');
    await Promise.all(
      missing.map((alg) =>
        this.#insert(alg, createHmac('sha256', kidSeed).update(alg).digest('base64url'), activateInSeconds),
      ),
    );
    await this.reload();
  }

  /**
   * Adds a new key of every algorithm. With `activateInSeconds`, they are published at once but sign only from then
   * on. Returns the new kids.
   */
  async rotate(options: { activateInSeconds?: number } = {}): Promise<Record<JwsAlgorithm, string>> {
    // A first key inserted after the rotated one would activate later, and sign instead of it.
    await this.init();
    const kids = Object.fromEntries(ALGORITHMS.map((alg) => [alg, randomUUID()])) as Record<JwsAlgorithm, string>;
    await Promise.all(ALGORITHMS.map((alg) => this.#insert(alg, kids[alg], options.activateInSeconds ?? 0)));
    await this.reload();
    return kids;
  }

  /** Stores a new key pair unless a key with this kid exists already. */
  async #insert(alg: JwsAlgorithm, kid: string, activateInSeconds: number): Promise<void> {
    const { privateKey, publicKey } = await generateFor(alg);
    const jwk: PublicJwk = { ...publicKey.export({ format: 'jwk' }), kid, alg, use: 'sig' };
    await this.#db
      .insertInto('signing_keys')
      .values({
        kid,
        algorithm: alg,
        private_key_pem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
        public_jwk: JSON.stringify(jwk),
        created_at: nowIso(),
        activates_at: new Date(Date.now() + activateInSeconds * 1000).toISOString(),
        retired_at: null,
      })
      .onConflict((oc) => oc.column('kid').doNothing())
      .execute();
  }

  /**
   * Retires keys that stopped signing long enough ago that every token they signed has expired: a key is superseded
   * when a newer key of its algorithm activates, and kept for `maxTokenLifetimeSeconds` after that. Returns the
   * retired kids.
   */
  async retireSuperseded(maxTokenLifetimeSeconds: number): Promise<string[]> {
    const rows = await this.#db
      .selectFrom('signing_keys')
      .select(['kid', 'algorithm', 'activates_at'])
      .where('retired_at', 'is', null)
      .orderBy('activates_at', 'asc')
      .execute();
    const now = Date.now();
    const retired: string[] = [];
    for (const [index, row] of rows.entries()) {
      // The next key of this algorithm to activate after this one, if it has activated: from then on this key
      // signed nothing.
      const successor = rows
        .slice(index + 1)
        .find((next) => next.algorithm === row.algorithm && Date.parse(next.activates_at) <= now);
      if (!successor) continue;
      if (Date.parse(successor.activates_at) + maxTokenLifetimeSeconds * 1000 < now) retired.push(row.kid);
    }
    if (retired.length > 0) {
      await this.#db.updateTable('signing_keys').set({ retired_at: nowIso() }).where('kid', 'in', retired).execute();
      await this.reload();
    }
    return retired;
  }

  async reload(): Promise<void> {
    const rows = await this.#db
      .selectFrom('signing_keys')
      .selectAll()
      .where('retired_at', 'is', null)
      .orderBy('activates_at', 'desc')
      .orderBy('kid')
      .execute();
    this.#keys = rows.flatMap((row) => {
      // A key of an algorithm this version does not know (written by a newer one) is left alone.
      if (!ALGORITHMS.includes(row.algorithm as JwsAlgorithm)) return [];
      const privateKey = createPrivateKey(row.private_key_pem);
      return [
        {
          kid: row.kid,
          alg: row.algorithm as JwsAlgorithm,
          privateKey,
          publicKey: createPublicKey(privateKey),
          jwk: JSON.parse(row.public_jwk) as PublicJwk,
          activatesAt: row.activates_at,
        },
      ];
    });
    this.#loadedAt = Date.now();
  }

  /**
   * The key that signs now: the newest active key of the first of `algorithms` that has one (keys are ordered newest
   * activation first). If none has activated, the earliest to activate of the first algorithm with keys.
   */
  async signingKey(...algorithms: [JwsAlgorithm, ...JwsAlgorithm[]]): Promise<SigningKey> {
    if (!this.#initialized) await this.init();
    await this.#reloadIfStale(RELOAD_INTERVAL_MS);
    const now = nowIso();
    for (const alg of algorithms) {
      const active = this.#keys.find((k) => k.alg === alg && k.activatesAt <= now);
      if (active) return active;
    }
    for (const alg of algorithms) {
      const pending = this.#keys.findLast((k) => k.alg === alg);
      if (pending) return pending;
    }
    throw new Error(`No ${algorithms.join(' or ')} signing key.`);
  }

  /**
   * The public key for a `kid` and the one algorithm it verifies, re-reading the table once if the kid is unknown
   * here (another instance rotated).
   */
  async verificationKey(kid: string): Promise<VerificationKey | undefined> {
    if (!this.#initialized) await this.init();
    let key = this.#keys.find((k) => k.kid === kid);
    if (!key && (await this.#reloadIfStale(MISS_RELOAD_INTERVAL_MS))) {
      key = this.#keys.find((k) => k.kid === kid);
    }
    return key;
  }

  /** The JSON Web Key Set: every algorithm's keys. */
  async jwks(): Promise<{ keys: PublicJwk[] }> {
    if (!this.#initialized) await this.init();
    await this.#reloadIfStale(RELOAD_INTERVAL_MS);
    return { keys: this.#keys.map((k) => k.jwk) };
  }

  async #reloadIfStale(maxAgeMs: number): Promise<boolean> {
    if (Date.now() - this.#loadedAt < maxAgeMs) return false;
    await this.reload();
    return true;
  }
}
