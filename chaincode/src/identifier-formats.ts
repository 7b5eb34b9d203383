/** Formats for Chinese identifiers, so a type's schema checks them as the chaincode does elsewhere. */
export const IDENTIFIER_FORMATS = {
  /** 统一社会信用代码 with its GB 32100 check character. */
  creditCode: 'unified-social-credit-code',
  /** 18-character resident ID number with its GB 11643 check character. */
  residentId: 'cn-resident-id',
} as const;
