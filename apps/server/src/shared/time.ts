/** Now as stored in the database: ISO-8601 UTC with milliseconds (text order is time order). */
export const nowIso = (): string => new Date().toISOString();

/** Now in whole seconds since the epoch, as JWT claims count time. */
export const nowSeconds = (): number => Math.floor(Date.now() / 1000);
