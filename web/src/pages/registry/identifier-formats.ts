import type { IDENTIFIER_FORMATS } from '../../../../chaincode/src/schema';

/**
 * The schema formats of Chinese identifiers, as the ledger names them.
 * chaincode/src/schema.ts builds its Ajv instance when loaded, so the portal
 * cannot import the value from there; typing this copy with the original's
 * literal type makes any drift a compile error.
 */
export const IDENTIFIER_FORMAT_NAMES: typeof IDENTIFIER_FORMATS = {
  creditCode: 'unified-social-credit-code',
  residentId: 'cn-resident-id',
};
