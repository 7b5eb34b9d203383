import { embedded } from './embedded';

export * from './ledger';
export { submitWithRetry } from './retry';

/** Ledger backends; each returns a {@link Ledger}. */
export const ledgers = { embedded };
