/**
 * Contract and function names as clients invoke them (`contract:Function`).
 * The gateway uses these constants, never string literals.
 */
export const CONTRACTS = {
  issuers: 'issuers',
  types: 'types',
  certificates: 'certificates',
  charities: 'charities',
  donations: 'donations',
  audit: 'audit',
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
  referenceContext: `${CONTRACTS.certificates}:GetForReference`,
  statusList: `${CONTRACTS.certificates}:StatusList`,
  holderCheckState: `${CONTRACTS.certificates}:HolderCheckState`,
  recordHolderCheck: `${CONTRACTS.certificates}:RecordHolderCheck`,
  nextStatusNumber: `${CONTRACTS.certificates}:NextStatusNumber`,

  registerCharity: `${CONTRACTS.charities}:RegisterCharity`,
  getCharity: `${CONTRACTS.charities}:GetCharity`,
  createProject: `${CONTRACTS.charities}:CreateProject`,
  getProject: `${CONTRACTS.charities}:GetProject`,
  listCharities: `${CONTRACTS.charities}:ListCharities`,
  listProjects: `${CONTRACTS.charities}:ListProjects`,

  recordDonation: `${CONTRACTS.donations}:RecordDonation`,
  importDonations: `${CONTRACTS.donations}:ImportDonations`,
  recordDisbursement: `${CONTRACTS.donations}:RecordDisbursement`,
  getDonation: `${CONTRACTS.donations}:GetDonation`,
  getDisbursement: `${CONTRACTS.donations}:GetDisbursement`,

  traceDonation: `${CONTRACTS.audit}:TraceDonation`,
  traceDisbursement: `${CONTRACTS.audit}:TraceDisbursement`,
  annualReport: `${CONTRACTS.audit}:AnnualReport`,
  entityHistory: `${CONTRACTS.audit}:History`,
  exportPage: `${CONTRACTS.audit}:ExportPage`,
} as const;

/** Largest IssueBatch. */
export const MAX_BATCH = 1000;
/** Largest page a listing returns. */
export const MAX_PAGE = 500;
