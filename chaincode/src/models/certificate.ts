/** Lifecycle states of an e-certificate. */
export type CertificateStatus = 'active' | 'suspended' | 'revoked';

/** Who made a change: the creator of the transaction. */
export interface Actor {
  mspId: string;
  id: string;
}

/** The on-chain record of an e-certificate. It never holds personal data. */
export interface CertificateRecord {
  id: string;
  type: string;
  issuerMsp: string;
  issuerKid: string;
  /** HMAC-SHA256(consortium pepper, normalised ID number), hex. */
  holderRef: string;
  /** SHA-256 of the exact compact JWS, hex. */
  digest: string;
  digestAlg: 'sha-256';
  /**
   * HMAC-SHA256 of the certificate id, holder, type and claims under the
   * consortium's claims key, hex: lets the gateway tell whether a request
   * names the claims this certificate was issued with. Absent on records
   * written before it was kept.
   */
  claimsRef?: string;
  status: CertificateStatus;
  /** Why the status last changed: a code of STATUS_REASON_CODES. */
  statusReasonCode?: string;
  /** The free-text reason, or the code when none was given. */
  statusReason?: string;
  issuedAt: string;
  validFrom: string;
  validUntil?: string;
  updatedAt: string;
  updatedBy: Actor;
  /** The transaction that anchored the certificate. */
  issueTxId: string;
  /** Where its bits sit in the issuing org's status lists (certificates issued before the lists have none). */
  statusList?: StatusListPosition;
}

/** What the gateway submits to anchor one certificate. */
export interface IssueCertificateInput {
  id: string;
  type: string;
  issuerKid: string;
  holderRef: string;
  digest: string;
  /** See {@link CertificateRecord.claimsRef}. */
  claimsRef?: string;
  validFrom: string;
  validUntil?: string;
  /**
   * The org's certificate number this one takes: the credential names its
   * status-list position, so the gateway signs it before anchoring and the
   * chaincode checks it is the org's next number.
   */
  statusNumber: number;
}

/** One entry of a certificate's key history, oldest first. */
export interface CertificateHistoryEntry {
  txId: string;
  timestamp: string;
  status: CertificateStatus;
  reasonCode?: string;
  reason?: string;
  actor: Actor;
}

/** Filters for listing certificates. */
export interface CertificateFilter {
  holderRef?: string;
  type?: string;
  status?: CertificateStatus;
}

/** Everything a verifier needs from the ledger, read in one call. */
export interface VerificationContext {
  record?: CertificateRecord;
  key?: IssuerKey;
  type?: CertificateType;
}

import type { IssuerKey } from './issuer';
import type { CertificateType } from './certificate-type';
import type { StatusListPosition } from '../status-list';
