import { requireDateTime } from './dates';
import { CodedError, invalid } from './errors';
import type { Actor, CertificateRecord, IssueCertificateInput } from './models';
import { statusListPosition } from './status-list';
import { requireHex64, requireId, requireObject } from './validate';

function requireStatusNumber(name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) throw invalid(`${name} must be a non-negative integer`);
  return v;
}

/** An IssueCertificateInput as the chaincode takes it: checked, dates normalised. */
export function parseIssueInput(raw: unknown, where: string): IssueCertificateInput {
  const body = requireObject(where, raw);
  const input: IssueCertificateInput = {
    id: requireId(`${where}.id`, body.id),
    type: requireId(`${where}.type`, body.type),
    issuerKid: requireId(`${where}.issuerKid`, body.issuerKid),
    holderRef: requireHex64(`${where}.holderRef`, body.holderRef),
    digest: requireHex64(`${where}.digest`, body.digest),
    validFrom: requireDateTime(`${where}.validFrom`, body.validFrom),
    statusNumber: requireStatusNumber(`${where}.statusNumber`, body.statusNumber),
  };
  if (body.claimsRef !== undefined && body.claimsRef !== null) input.claimsRef = requireHex64(`${where}.claimsRef`, body.claimsRef);
  if (body.validUntil !== undefined && body.validUntil !== null) {
    input.validUntil = requireDateTime(`${where}.validUntil`, body.validUntil);
    if (input.validUntil <= input.validFrom) {
      throw new CodedError('VALIDATION_FAILED', `${where}.validUntil must be after validFrom`);
    }
  }
  return input;
}

/**
 * What a transaction that anchors certificates decides for all of them: the
 * issuing org, the time, the actor and the transaction id. IssueBatch answers
 * with these instead of every record, and the records follow from them.
 */
export interface IssueFacts {
  issuerMsp: string;
  issuedAt: string;
  issuedBy: Actor;
  issueTxId: string;
}

/**
 * The record that anchoring `input` (as {@link parseIssueInput} returns it)
 * writes. The chaincode writes exactly this, and a gateway rebuilds the
 * records of an IssueBatch answer with it, so the two cannot differ.
 */
export function issuedRecord(input: IssueCertificateInput, facts: IssueFacts): CertificateRecord {
  return {
    id: input.id,
    type: input.type,
    issuerMsp: facts.issuerMsp,
    issuerKid: input.issuerKid,
    holderRef: input.holderRef,
    digest: input.digest,
    digestAlg: 'sha-256',
    claimsRef: input.claimsRef,
    status: 'active',
    issuedAt: facts.issuedAt,
    validFrom: input.validFrom,
    validUntil: input.validUntil,
    updatedAt: facts.issuedAt,
    updatedBy: facts.issuedBy,
    issueTxId: facts.issueTxId,
    statusList: statusListPosition(input.statusNumber),
  };
}
