import { CodedError, invalid } from './errors';
import { requireFreeText } from './free-text';
import type { CertificateStatus } from './models';

/** Every status a certificate can have. */
export const CERTIFICATE_STATUSES: readonly CertificateStatus[] = ['active', 'suspended', 'revoked'];

/** A status filter: absent or empty means none; anything else must be a known status. */
export function optionalStatus(name: string, v: unknown): CertificateStatus | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v !== 'string' || !(CERTIFICATE_STATUSES as readonly string[]).includes(v)) {
    throw invalid(`${name} must be one of ${CERTIFICATE_STATUSES.join(', ')}`);
  }
  return v as CertificateStatus;
}

/** What a clerk can do to a certificate's status. */
export const STATUS_ACTIONS = ['suspend', 'reinstate', 'revoke'] as const;
export type StatusAction = (typeof STATUS_ACTIONS)[number];

/** Allowed lifecycle moves: active ⇄ suspended, active|suspended → revoked (final). */
const TRANSITIONS: Readonly<Record<StatusAction, { from: readonly CertificateStatus[]; to: CertificateStatus }>> = {
  suspend: { from: ['active'], to: 'suspended' },
  reinstate: { from: ['suspended'], to: 'active' },
  revoke: { from: ['active', 'suspended'], to: 'revoked' },
};

/** The status `action` leads to from `current`, or INVALID_TRANSITION. */
export function nextStatus(current: CertificateStatus, action: StatusAction): CertificateStatus {
  const rule = TRANSITIONS[action];
  if (!rule.from.includes(current)) throw new CodedError('INVALID_TRANSITION', `cannot ${action} a certificate that is ${current}`);
  return rule.to;
}

/**
 * Why a status changed, chosen from a list so that most changes need no free
 * text at all; `other` needs a short text. Every member reads the reason,
 * and the public verifier shows it to whoever holds a valid credential.
 */
export const STATUS_REASON_CODES = [
  'issued-in-error',
  'eligibility-review',
  'eligibility-ended',
  'review-passed',
  'superseded',
  'holder-request',
  'holder-deceased',
  'obtained-by-fraud',
  'other',
] as const;
export type StatusReasonCode = (typeof STATUS_REASON_CODES)[number];

/** Longest free-text reason. */
export const MAX_REASON_LENGTH = 200;

/** A checked status-change reason. */
export interface StatusReason {
  code: StatusReasonCode;
  text?: string;
}

/**
 * Reads `{reasonCode?, reason?}`: a code from {@link STATUS_REASON_CODES},
 * free text, or both. Text alone counts as `other`. The text is screened for
 * personal data.
 */
export function requireStatusReason(reasonCode: unknown, reason: unknown): StatusReason {
  const hasCode = reasonCode !== undefined && reasonCode !== null && reasonCode !== '';
  const hasText = reason !== undefined && reason !== null;
  if (hasCode && (typeof reasonCode !== 'string' || !(STATUS_REASON_CODES as readonly string[]).includes(reasonCode))) {
    throw invalid(`reasonCode must be one of ${STATUS_REASON_CODES.join(', ')}`);
  }
  if (!hasCode && !hasText) throw invalid(`a status change needs a reasonCode (${STATUS_REASON_CODES.join(', ')}) or a reason`);
  const code = (hasCode ? reasonCode : 'other') as StatusReasonCode;
  const text = hasText ? requireFreeText('reason', reason, MAX_REASON_LENGTH) : undefined;
  if (code === 'other' && text === undefined) throw invalid('reasonCode other needs a reason');
  return text === undefined ? { code } : { code, text };
}
