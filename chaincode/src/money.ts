import { CodedError } from './errors';
import { MAX_AMOUNT_FEN } from './models';

/** An amount in fen: a safe integer from 1 to 10^12, or VALIDATION_FAILED. Strings and fractions are refused. */
export function requireAmount(name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v <= 0 || v > MAX_AMOUNT_FEN) {
    throw new CodedError('VALIDATION_FAILED', `${name} must be an integer number of fen from 1 to ${MAX_AMOUNT_FEN}`);
  }
  return v;
}

/**
 * `total + amount`, refusing a result beyond 2^53 − 1 fen. Totals then stay
 * exact JavaScript numbers end to end (JSON on chain, the API's numbers); the
 * bound is about 90 trillion yuan, hundreds of times a year of all charitable
 * giving in China, so in practice it never trips.
 */
export function addFen(what: string, total: number, amount: number): number {
  const sum = total + amount;
  if (!Number.isSafeInteger(sum)) {
    throw new CodedError('TOTAL_LIMIT_EXCEEDED', `${what} would exceed ${Number.MAX_SAFE_INTEGER} fen`);
  }
  return sum;
}
