import { embedded } from './embedded';
import { fabric } from './fabric';

export * from './ledger';
export { submitWithRetry } from './retry';

/** Ledger backends; each returns a {@link Ledger}. */
export const ledgers = { embedded, fabric };
