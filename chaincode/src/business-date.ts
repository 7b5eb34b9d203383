import { requireDateOrDateTime } from './dates';
import { CodedError } from './errors';

/** China Standard Time has no daylight saving: a fixed UTC+8. */
const CST_OFFSET_MS = 8 * 3600 * 1000;
/** Client clocks run a little ahead of the transaction timestamp now and then. */
const FUTURE_TOLERANCE_MS = 5 * 60 * 1000;
/** How far back a donation or payment may be dated: three years (1,096 days, leap day included). */
const MAX_AGE_MS = 1096 * 24 * 3600 * 1000;

/** The accounting year of an instant: the calendar year in China (UTC+8). */
export function businessYear(iso: string): number {
  return businessYearAt(Date.parse(iso));
}

/** The accounting year of an instant in epoch milliseconds. */
export function businessYearAt(ms: number): number {
  return new Date(ms + CST_OFFSET_MS).getUTCFullYear();
}

/**
 * A business date (when money came in or went out), checked against the
 * transaction time: not in the future and at most three years old. Absent,
 * it is the transaction time. Returned as normalised ISO-8601.
 */
export function requireBusinessDate(name: string, v: unknown, txIso: string): string {
  if (v === undefined || v === null) return txIso;
  const at = Date.parse(requireDateOrDateTime(name, v));
  const tx = Date.parse(txIso);
  if (at > tx + FUTURE_TOLERANCE_MS) throw new CodedError('VALIDATION_FAILED', `${name} ${v as string} is in the future`);
  if (at < tx - MAX_AGE_MS) throw new CodedError('VALIDATION_FAILED', `${name} ${v as string} is more than three years ago`);
  return new Date(at).toISOString();
}
