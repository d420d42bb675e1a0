import { checkPasswordPolicy } from '../auth/passwords.js';
import type { BuyersTable, UsersTable } from '../db/database.js';
import { ApiError } from '../http/errors.js';
import { fromBool, generateId, timeOrderedUuid } from '../shared/ids.js';
import { serializeXp, type Xp } from '../shared/xp.js';

// What one imported record becomes: a buyer or user row checked by the rules openapi.yaml gives the API (the ID
// alphabet, required fields, lengths, xp size, the password policy), or the reason it is rejected. Field names are
// the API's (ID, Username, FirstName, …); `Type: "Buyer"` marks a buyer, anything else is a user of `BuyerID` or of
// the command's --buyer.

/** A user's password is checked against the policy here and hashed by the importer (see hashPasswords). */
export type ImportRow =
  | { kind: 'buyer'; row: BuyersTable }
  | { kind: 'user'; row: UsersTable; password: string | null };

export class RejectedRecord extends Error {}

/** A record as read from NDJSON (any JSON values) or CSV (strings; an empty cell is absent). */
export type RawRecord = Record<string, unknown>;

const ID_PATTERN = /^[A-Za-z0-9_-]+$/;

function text(record: RawRecord, name: string, options: { required: boolean; max: number; min?: number }) {
  const value = record[name];
  if (value === undefined || value === null || value === '') {
    if (options.required) throw new RejectedRecord(`${name} is required.`);
    return null;
  }
  if (typeof value !== 'string') throw new RejectedRecord(`${name} must be a string.`);
  const min = options.min ?? 0;
  // Characters are code points; a string has at least half as many as UTF-16 units, so most need no counting.
  if (value.length <= options.max && value.length >= 2 * min) return value;
  const length = [...value].length;
  if (length > options.max) throw new RejectedRecord(`${name} must be at most ${options.max} characters.`);
  if (length < min) throw new RejectedRecord(`${name} must be at least ${options.min} characters.`);
  return value;
}

function objectId(record: RawRecord, name: string): string | null {
  const id = text(record, name, { required: false, max: 100 });
  if (id !== null && !ID_PATTERN.test(id))
    throw new RejectedRecord(`${name} may contain only letters, digits, - and _.`);
  return id;
}

function boolean(record: RawRecord, name: string, fallback: boolean | null): boolean {
  const value = record[name];
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  if ((value === undefined || value === '') && fallback !== null) return fallback;
  throw new RejectedRecord(`${name} must be true or false.`);
}

function xp(record: RawRecord): string | null {
  let value = record['xp'];
  if (value === undefined || value === null || value === '') return null;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value) as unknown;
    } catch {
      throw new RejectedRecord('xp is not valid JSON.');
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new RejectedRecord('xp must be a JSON object.');
  }
  try {
    return serializeXp(value as Xp);
  } catch (error) {
    throw error instanceof ApiError ? new RejectedRecord(error.message) : error;
  }
}

function dateTime(record: RawRecord, name: string): string | null {
  const value = text(record, name, { required: false, max: 100 });
  if (value === null) return null;
  const time = Date.parse(value);
  if (Number.isNaN(time)) throw new RejectedRecord(`${name} must be an ISO 8601 date-time.`);
  return new Date(time).toISOString();
}

/**
 * Checks and converts one record created at `now`. Throws RejectedRecord with the reason. A password is checked but
 * left to hash (scrypt, tens of milliseconds each: with passwords, hashing sets the import rate).
 */
export function toImportRow(record: RawRecord, defaultBuyerId: string | null, now: string): ImportRow {
  const type = record['Type'];
  if (typeof type === 'string' && type.toLowerCase() === 'buyer') {
    return {
      kind: 'buyer',
      row: {
        id: objectId(record, 'ID') ?? generateId(),
        name: text(record, 'Name', { required: true, max: 100, min: 1 }) ?? '',
        active: fromBool(boolean(record, 'Active', true)),
        xp: xp(record),
        date_created: now,
      },
    };
  }
  if (type !== undefined && type !== '' && !(typeof type === 'string' && type.toLowerCase() === 'user')) {
    throw new RejectedRecord('Type must be Buyer or User.');
  }
  const buyerId = objectId(record, 'BuyerID') ?? defaultBuyerId;
  if (buyerId === null) throw new RejectedRecord('BuyerID is required (or pass --buyer).');
  const username = text(record, 'Username', { required: true, max: 100, min: 1 }) ?? '';
  const password = text(record, 'Password', { required: false, max: 200 });
  if (password !== null) {
    const violation = checkPasswordPolicy(password);
    if (violation) throw new RejectedRecord(violation.message);
  }
  const row: UsersTable = {
    uid: timeOrderedUuid(),
    buyer_id: buyerId,
    id: objectId(record, 'ID') ?? generateId(),
    username,
    username_key: username.toLowerCase(),
    password_hash: null,
    first_name: text(record, 'FirstName', { required: true, max: 100 }) ?? '',
    last_name: text(record, 'LastName', { required: true, max: 100 }) ?? '',
    email: text(record, 'Email', { required: true, max: 200 }) ?? '',
    phone: text(record, 'Phone', { required: false, max: 100 }),
    terms_accepted: dateTime(record, 'TermsAccepted'),
    active: fromBool(boolean(record, 'Active', null)),
    xp: xp(record),
    date_created: now,
    password_last_set_date: null,
    last_active: null,
    failed_login_attempts: 0,
    locked_until: null,
    tokens_valid_after: null,
  };
  return { kind: 'user', row, password };
}
