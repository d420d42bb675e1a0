import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type JsonWebKey,
  type KeyObject,
  randomUUID,
} from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { nowIso } from '../shared/time.js';

export interface PublicJwk extends JsonWebKey {
  kid: string;
  alg: 'RS256';
  use: 'sig';
}

interface LoadedKey {
  kid: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
  jwk: PublicJwk;
  activatesAt: string;
}

/** How often an instance re-reads the key table, so a rotation made elsewhere is picked up. */
const RELOAD_INTERVAL_MS = 60_000;
/** A token with an unknown `kid` makes us re-read at most this often (a forged kid cannot hammer the database). */
const MISS_RELOAD_INTERVAL_MS = 1_000;

/**
 * The RS256 signing keys, kept in the database so that every instance and every restart sign and verify alike.
 * The newest active key signs; every key not retired verifies, so a rotation never invalidates live tokens.
 */
export class SigningKeys {
  readonly #db: Kysely<Database>;
  #keys: LoadedKey[] = [];
  #loadedAt = 0;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  /** Loads the keys, creating the first one when there is none. */
  async init(): Promise<void> {
    await this.reload();
    if (this.#keys.length === 0) {
      await this.rotate();
    }
  }

  /** Adds a new key. With `activateInSeconds`, it is published at once but signs only from then on. */
  async rotate(options: { activateInSeconds?: number } = {}): Promise<string> {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const kid = randomUUID();
    const jwk: PublicJwk = { ...publicKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' };
    const createdAt = nowIso();
    await this.#db
      .insertInto('signing_keys')
      .values({
        kid,
        algorithm: 'RS256',
        private_key_pem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
        public_jwk: JSON.stringify(jwk),
        created_at: createdAt,
        activates_at: new Date(Date.now() + (options.activateInSeconds ?? 0) * 1000).toISOString(),
        retired_at: null,
      })
      .execute();
    await this.reload();
    return kid;
  }

  /**
   * Retires keys that stopped signing long enough ago that every token they signed has expired: a key is superseded
   * when a newer key activates, and kept for `maxTokenLifetimeSeconds` after that. Returns the retired kids.
   */
  async retireSuperseded(maxTokenLifetimeSeconds: number): Promise<string[]> {
    const rows = await this.#db
      .selectFrom('signing_keys')
      .select(['kid', 'activates_at'])
      .where('retired_at', 'is', null)
      .orderBy('activates_at', 'asc')
      .execute();
    const now = Date.now();
    const retired: string[] = [];
    for (const [index, row] of rows.entries()) {
      // The next key to activate after this one, if it has activated: from then on this key signed nothing.
      const successor = rows.slice(index + 1).find((next) => Date.parse(next.activates_at) <= now);
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
    this.#keys = rows.map((row) => {
      const privateKey = createPrivateKey(row.private_key_pem);
      return {
        kid: row.kid,
        privateKey,
        publicKey: createPublicKey(privateKey),
        jwk: JSON.parse(row.public_jwk) as PublicJwk,
        activatesAt: row.activates_at,
      };
    });
    this.#loadedAt = Date.now();
  }

  /** The key that signs now: the newest whose activation time has come. */
  async signingKey(): Promise<{ kid: string; privateKey: KeyObject }> {
    await this.#reloadIfStale(RELOAD_INTERVAL_MS);
    const now = nowIso();
    const key = this.#keys.find((k) => k.activatesAt <= now) ?? this.#keys.at(-1);
    if (!key) throw new Error('No signing key: SigningKeys.init() was not called.');
    return key;
  }

  /** The public key for a `kid`, re-reading the table once if it is unknown here (another instance rotated). */
  async verificationKey(kid: string): Promise<KeyObject | undefined> {
    let key = this.#keys.find((k) => k.kid === kid);
    if (!key && (await this.#reloadIfStale(MISS_RELOAD_INTERVAL_MS))) {
      key = this.#keys.find((k) => k.kid === kid);
    }
    return key?.publicKey;
  }

  /** The JSON Web Key Set: public members only. */
  async jwks(): Promise<{ keys: PublicJwk[] }> {
    await this.#reloadIfStale(RELOAD_INTERVAL_MS);
    return { keys: this.#keys.map((k) => k.jwk) };
  }

  async #reloadIfStale(maxAgeMs: number): Promise<boolean> {
    if (Date.now() - this.#loadedAt < maxAgeMs) return false;
    await this.reload();
    return true;
  }
}
