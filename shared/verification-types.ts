/**
 * The verdict of a credential check as the API answers it
 * (`POST /api/v1/verify`, `POST /api/v1/verify/reference`): the gateway
 * computes it, the portal and the CLI read it.
 */
import type { CertificateRecord } from '../chaincode/src/models';

/** The checks of a verdict, in the order a verdict lists them. */
export type CheckName = 'format' | 'signature' | 'issuer' | 'anchor' | 'status' | 'validity' | 'holder';

/** One check of a verdict. */
export interface Check {
  name: CheckName;
  ok: boolean;
  detail: string;
}

/** The fields of a certificate record a public verdict may show. */
export type PublicCertificate = Pick<
  CertificateRecord,
  | 'id'
  | 'type'
  | 'issuerMsp'
  | 'issuerKid'
  | 'holderRef'
  | 'digest'
  | 'digestAlg'
  | 'status'
  | 'statusReasonCode'
  | 'statusReason'
  | 'issuedAt'
  | 'validFrom'
  | 'validUntil'
  | 'updatedAt'
  | 'issueTxId'
>;

/**
 * The public answer to `POST /api/v1/verify`. `certificate` and `anchor` are
 * present only when the signature verifies and the ledger record anchors the
 * credential; otherwise the verdict names the failed check and nothing else.
 */
export interface Verdict {
  valid: boolean;
  status: 'active' | 'suspended' | 'revoked' | 'expired' | 'unknown';
  checks: Check[];
  certificate?: PublicCertificate;
  anchor?: { txId: string; blockNumber: number };
}
