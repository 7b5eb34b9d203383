/** MSP IDs of the consortium's organisations. */
export const MSP = {
  civil: 'CivilAffairsMSP',
  charity: 'CharityMSP',
  audit: 'AuditMSP',
} as const;

export type OrgKey = keyof typeof MSP;

/** The consortium's MSP IDs, in the order of {@link MSP}: civil affairs, charities, audit. */
export const CONSORTIUM_MSPS: readonly string[] = Object.freeze(Object.values(MSP));

/**
 * True when `value` is one of the consortium's org keys. An own-property test:
 * `value in MSP` would also accept `toString`, `constructor` or `__proto__`.
 */
export function isOrgKey(value: unknown): value is OrgKey {
  return typeof value === 'string' && Object.hasOwn(MSP, value);
}

/** Display names of the organisations. */
export const ORG_NAMES: Readonly<Record<OrgKey, string>> = {
  civil: 'Civil Affairs Bureau',
  charity: 'Charity Organisations',
  audit: 'Audit Office',
};

/** Roles a user may hold; they ride in the certificate attribute `role`, comma-separated. */
export const ROLES = ['admin', 'issuer', 'registrar', 'charity', 'auditor', 'verifier'] as const;
export type Role = (typeof ROLES)[number];

/** Certificate attribute names (Fabric CA style). */
export const ATTR = { role: 'role', dept: 'dept', charity: 'charity' } as const;

/** The org key of an MSP ID, or undefined for an MSP outside the consortium. */
export function orgOfMsp(mspId: string): OrgKey | undefined {
  return (Object.keys(MSP) as OrgKey[]).find((k) => MSP[k] === mspId);
}

/** True for an MSP ID of the consortium. */
export function isConsortiumMsp(mspId: string): boolean {
  return orgOfMsp(mspId) !== undefined;
}
