import type { AppContext } from '../app-context.js';
import { idExists } from '../http/errors.js';

/**
 * Runs a write that may hit a unique constraint and turns the violation into 409 IdExists. Relying on the constraint
 * (instead of a read before the write) keeps concurrent creates from both succeeding.
 */
export async function withIdConflict<T>(
  context: AppContext,
  objectType: string,
  id: string,
  write: () => Promise<T>,
): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (context.dialect.isUniqueViolation(error)) throw idExists(objectType, id);
    throw error;
  }
}
