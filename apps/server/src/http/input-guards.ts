import type { RequestHandler } from 'express';
import { validationFailure } from './errors.js';

/**
 * The name of the first string (or object key) holding U+0000, walking without recursion so that hostile nesting
 * cannot exhaust the stack; null when there is none.
 */
export function findNulCharacter(root: unknown, rootName: string): string | null {
  const pending: Array<[unknown, string]> = [[root, rootName]];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const [value, name] = next;
    if (typeof value === 'string') {
      if (value.includes('\u0000')) return name;
    } else if (Array.isArray(value)) {
      value.forEach((item, index) => {
        pending.push([item, `${name}[${index}]`]);
      });
    } else if (typeof value === 'object' && value !== null) {
      for (const [key, item] of Object.entries(value)) {
        if (key.includes('\u0000')) return name;
        pending.push([item, name === '' ? key : `${name}.${key}`]);
      }
    }
  }
  return null;
}

/**
 * Refuses U+0000 anywhere in the path, query or body: PostgreSQL cannot store it in text or jsonb (it would fail as
 * a 500), and no OrderCloud value needs it. SQLite would store it, so both databases answer the same 400.
 */
export const rejectNulCharacters: RequestHandler = (req, _res, next) => {
  const property =
    findNulCharacter(req.params, '') ?? findNulCharacter(req.query, '') ?? findNulCharacter(req.body, 'body');
  if (property === null) return next();
  next(validationFailure(property || 'body', 'noNulCharacter', `${property || 'body'}: must not contain U+0000`));
};
