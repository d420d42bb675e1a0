import { randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from 'node:crypto';

// Passwords are hashed with scrypt (memory-hard). The parameters travel with each hash, so raising the cost later
// keeps old hashes verifiable. Format: scrypt$<log2 N>$<r>$<p>$<salt b64url>$<hash b64url>

const KEY_LENGTH = 32;
/** N = 2^15, r = 8: 32 MiB and roughly 50-100 ms per hash on this class of machine. */
const DEFAULT_LOG_N = 15;
const BLOCK_SIZE = 8;
const PARALLELISM = 1;

function scryptAsync(password: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFC'), salt, KEY_LENGTH, options, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  );
}

const optionsFor = (logN: number, r: number, p: number): ScryptOptions => ({
  N: 2 ** logN,
  r,
  p,
  maxmem: 256 * 2 ** logN * r + 1024 * 1024,
});

export async function hashPassword(password: string, logN = DEFAULT_LOG_N): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptAsync(password, salt, optionsFor(logN, BLOCK_SIZE, PARALLELISM));
  return ['scrypt', logN, BLOCK_SIZE, PARALLELISM, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/** A fixed hash to verify against when there is no user, so unknown usernames cost the same time as known ones. */
let dummyHash: Promise<string> | undefined;

/** Verifies in constant time; a null `stored` (unknown user, no password) still spends the same work and fails. */
export async function verifyPassword(password: string, stored: string | null): Promise<boolean> {
  dummyHash ??= hashPassword('dummy-password-for-timing');
  const hash = stored ?? (await dummyHash);
  const [scheme, logN, r, p, salt, key] = hash.split('$');
  if (scheme !== 'scrypt' || !logN || !r || !p || !salt || !key) return false;
  const expected = Buffer.from(key, 'base64url');
  const actual = await scryptAsync(
    password,
    Buffer.from(salt, 'base64url'),
    optionsFor(Number(logN), Number(r), Number(p)),
  );
  return timingSafeEqual(actual, expected) && stored !== null;
}

export interface PasswordRuleViolation {
  rule: 'MinimumCharacterCount' | 'UpperCaseRequired' | 'LowerCaseRequired' | 'NumericRequired';
  message: string;
}

/** OrderCloud's platform minimum: at least 10 characters with an upper-case letter, a lower-case letter and a digit. */
export function checkPasswordPolicy(password: string): PasswordRuleViolation | null {
  if ([...password].length < 10)
    return { rule: 'MinimumCharacterCount', message: 'Password must be at least 10 characters long.' };
  if (!/\p{Lu}/u.test(password))
    return { rule: 'UpperCaseRequired', message: 'Password must contain an upper-case letter.' };
  if (!/\p{Ll}/u.test(password))
    return { rule: 'LowerCaseRequired', message: 'Password must contain a lower-case letter.' };
  if (!/\p{Nd}/u.test(password)) return { rule: 'NumericRequired', message: 'Password must contain a digit.' };
  return null;
}
