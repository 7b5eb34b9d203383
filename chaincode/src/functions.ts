/**
 * Contract and function names as clients invoke them (`contract:Function`).
 * The gateway uses these constants, never string literals.
 */
export const CONTRACTS = {
  issuers: 'issuers',
  types: 'types',
  certificates: 'certificates',
} as const;

export const FN = {
  registerKey: `${CONTRACTS.issuers}:RegisterKey`,
  rotateKey: `${CONTRACTS.issuers}:RotateKey`,
  retireKey: `${CONTRACTS.issuers}:RetireKey`,
  markKeyCompromised: `${CONTRACTS.issuers}:MarkKeyCompromised`,
  getKey: `${CONTRACTS.issuers}:GetKey`,
  listIssuers: `${CONTRACTS.issuers}:ListIssuers`,

  registerType: `${CONTRACTS.types}:RegisterType`,
  getType: `${CONTRACTS.types}:GetType`,
  listTypes: `${CONTRACTS.types}:ListTypes`,

  issue: `${CONTRACTS.certificates}:Issue`,
  issueBatch: `${CONTRACTS.certificates}:IssueBatch`,
  getCertificate: `${CONTRACTS.certificates}:Get`,
  history: `${CONTRACTS.certificates}:History`,
  suspend: `${CONTRACTS.certificates}:Suspend`,
  reinstate: `${CONTRACTS.certificates}:Reinstate`,
  revoke: `${CONTRACTS.certificates}:Revoke`,
  listCertificates: `${CONTRACTS.certificates}:List`,
  verificationContext: `${CONTRACTS.certificates}:GetForVerification`,
} as const;

/** Largest IssueBatch. */
export const MAX_BATCH = 1000;
/** Largest page a listing returns. */
export const MAX_PAGE = 500;
