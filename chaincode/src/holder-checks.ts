import { CodedError } from './errors';

/**
 * The holder check of a verification asks whether an ID number someone gives
 * is the one a credential was issued to. Answered freely it would let anyone
 * who holds a credential search the ID-number space behind its masked number,
 * so failed checks are counted on the ledger, per certificate, where every
 * gateway of the consortium sees the same count and no restart or flood of
 * other requests resets it.
 */
export interface HolderCheckState {
  /** Failed checks since the last one that passed. */
  failures: number;
  /** When the last failure was recorded (the transaction's time). */
  lastFailureAt?: string;
  /** No check runs before this time. */
  lockedUntil?: string;
}

/** Failed checks allowed before the first lock-out: a clerk's typos. */
export const HOLDER_CHECK_FREE_FAILURES = 5;
/** The first lock-out; each further failure doubles it. */
export const HOLDER_CHECK_FIRST_LOCK_MS = 60_000;
/** The longest lock-out. */
export const HOLDER_CHECK_MAX_LOCK_MS = 24 * 60 * 60_000;

/** How long checks are refused after `failures` failed checks in a row: 0, then 1 min, 2 min, 4 min … up to a day. */
export function holderCheckLockMs(failures: number): number {
  if (failures < HOLDER_CHECK_FREE_FAILURES) return 0;
  const doublings = failures - HOLDER_CHECK_FREE_FAILURES;
  return doublings >= 11 ? HOLDER_CHECK_MAX_LOCK_MS : Math.min(HOLDER_CHECK_MAX_LOCK_MS, HOLDER_CHECK_FIRST_LOCK_MS * 2 ** doublings);
}

export const HOLDER_CHECK_OUTCOMES = ['passed', 'failed'] as const;
export type HolderCheckOutcome = (typeof HOLDER_CHECK_OUTCOMES)[number];

/** The state after a check with `outcome` at `at` (ISO time): a pass clears the count, a failure adds one and sets the lock-out. */
export function nextHolderCheckState(state: HolderCheckState, outcome: HolderCheckOutcome, at: string): HolderCheckState {
  if (outcome === 'passed') return { failures: 0 };
  const failures = state.failures + 1;
  const lock = holderCheckLockMs(failures);
  const next: HolderCheckState = { failures, lastFailureAt: at };
  if (lock > 0) next.lockedUntil = new Date(Date.parse(at) + lock).toISOString();
  return next;
}

/** RATE_LIMITED while `state` is locked at `now`, naming when checks resume. */
export function requireHolderCheckAllowed(state: HolderCheckState | undefined, now: Date): void {
  if (state?.lockedUntil && Date.parse(state.lockedUntil) > now.getTime()) {
    throw new CodedError(
      'RATE_LIMITED',
      `too many ID numbers that were not the holder's were tried with this credential; holder checks resume at ${state.lockedUntil}`,
    );
  }
}

/** Whole seconds until checks resume, for a Retry-After header; 0 when not locked. */
export function holderCheckRetryAfter(state: HolderCheckState | undefined, now: Date): number {
  if (!state?.lockedUntil) return 0;
  return Math.max(0, Math.ceil((Date.parse(state.lockedUntil) - now.getTime()) / 1000));
}
