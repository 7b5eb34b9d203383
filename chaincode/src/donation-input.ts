import { requireDateOrDateTime } from './dates';
import { invalid } from './errors';
import { requireFreeText } from './free-text';
import { requireAmount } from './money';
import {
  DISBURSEMENT_CATEGORIES,
  type DisbursementCategory,
  type RecordDisbursementInput,
  type RecordDonationInput,
} from './models';
import { requireHex64, requireId, requireObject, requireOnlyFields } from './validate';

const DONATION_FIELDS = ['id', 'projectId', 'amount', 'donorRef', 'anonymous', 'channel', 'receivedAt'] as const;
const DISBURSEMENT_FIELDS = ['id', 'projectId', 'amount', 'category', 'beneficiaryRef', 'payee', 'evidenceDigest', 'memo', 'paidAt'] as const;

const present = (v: unknown): boolean => v !== undefined && v !== null;

/** Payees are organisations (a supplier, a partner); a person is a beneficiary, by pseudonym. */
export const MAX_PAYEE_LENGTH = 100;
/** Memos are short notes for auditors, read by every member. */
export const MAX_MEMO_LENGTH = 200;

/** A donation as the chaincode records it: pseudonyms only; unknown fields are refused. */
export function parseDonationInput(raw: unknown, where: string): RecordDonationInput {
  const body = requireObject(where, raw);
  requireOnlyFields(where, body, DONATION_FIELDS);
  if (present(body.anonymous) && typeof body.anonymous !== 'boolean') throw invalid(`${where}.anonymous must be a boolean`);
  const anonymous = body.anonymous === true;
  if (anonymous && present(body.donorRef)) throw invalid(`${where}: an anonymous donation has no donorRef`);
  if (!anonymous && !present(body.donorRef)) throw invalid(`${where}.donorRef is required unless the donor is anonymous`);
  return {
    id: requireId(`${where}.id`, body.id),
    projectId: requireId(`${where}.projectId`, body.projectId),
    amount: requireAmount(`${where}.amount`, body.amount),
    anonymous,
    donorRef: anonymous ? undefined : requireHex64(`${where}.donorRef`, body.donorRef),
    channel: present(body.channel) ? requireId(`${where}.channel`, body.channel) : undefined,
    receivedAt: present(body.receivedAt) ? requireDateOrDateTime(`${where}.receivedAt`, body.receivedAt) : undefined,
  };
}

/** A disbursement as the chaincode records it: pseudonyms only, free text screened; unknown fields are refused. */
export function parseDisbursementInput(raw: unknown): RecordDisbursementInput {
  const body = requireObject('disbursement', raw);
  requireOnlyFields('disbursement', body, DISBURSEMENT_FIELDS);
  if (typeof body.category !== 'string' || !DISBURSEMENT_CATEGORIES.includes(body.category as DisbursementCategory)) {
    throw invalid(`category must be one of ${DISBURSEMENT_CATEGORIES.join(', ')}`);
  }
  return {
    id: requireId('id', body.id),
    projectId: requireId('projectId', body.projectId),
    amount: requireAmount('amount', body.amount),
    category: body.category as DisbursementCategory,
    beneficiaryRef: present(body.beneficiaryRef) ? requireHex64('beneficiaryRef', body.beneficiaryRef) : undefined,
    payee: present(body.payee) ? requireFreeText('payee', body.payee, MAX_PAYEE_LENGTH) : undefined,
    evidenceDigest: present(body.evidenceDigest) ? requireHex64('evidenceDigest', body.evidenceDigest) : undefined,
    memo: present(body.memo) ? requireFreeText('memo', body.memo, MAX_MEMO_LENGTH) : undefined,
    paidAt: present(body.paidAt) ? requireDateOrDateTime('paidAt', body.paidAt) : undefined,
  };
}
