import type { CertificateStatus } from './models';

/**
 * W3C Bitstring Status List, as the ledger keeps it: each issuing org numbers
 * its certificates from 0 with one counter; certificate number n sits at
 * index n mod {@link STATUS_LIST_SIZE} of list floor(n / size). Every list
 * exists twice, once per purpose, with the same indexes.
 */
export const STATUS_LIST_SIZE = 131_072;

/** The two lists a certificate is in. */
export const STATUS_PURPOSES = ['revocation', 'suspension'] as const;
export type StatusPurpose = (typeof STATUS_PURPOSES)[number];

/** Where a certificate sits in its org's status lists. */
export interface StatusListPosition {
  list: number;
  index: number;
}

/** The position of the org's certificate number `n`. */
export function statusListPosition(n: number): StatusListPosition {
  return { list: Math.floor(n / STATUS_LIST_SIZE), index: n % STATUS_LIST_SIZE };
}

/** The bits a status sets: revoked in the revocation list, suspended in the suspension list. */
export function statusBits(status: CertificateStatus): Readonly<Record<StatusPurpose, boolean>> {
  return { revocation: status === 'revoked', suspension: status === 'suspended' };
}

/** The set bits of one list at the ledger's current state, as the chaincode answers for it. */
export interface StatusListState {
  mspId: string;
  purpose: StatusPurpose;
  list: number;
  /** Certificates the org has numbered so far; lists past the last one do not exist yet. */
  allocated: number;
  /** Indexes whose bit is 1, ascending. */
  set: number[];
}

/** True for a status purpose. */
export function isStatusPurpose(v: unknown): v is StatusPurpose {
  return typeof v === 'string' && (STATUS_PURPOSES as readonly string[]).includes(v);
}
