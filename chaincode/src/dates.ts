import { invalid } from './errors';

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-](\d{2}):(\d{2}))$/;
const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;

function isCalendarDate(year: number, month: number, day: number): boolean {
  if (year < 1 || month < 1 || month > 12 || day < 1) return false;
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/**
 * An ISO-8601 date-time with `Z` or an explicit offset, on a real calendar
 * day, as epoch milliseconds; undefined otherwise. An offset-less date-time
 * would be read in the process time zone, so peers in different zones would
 * disagree; `2026-02-30` would silently roll over into March.
 */
export function parseDateTime(v: string): number | undefined {
  const m = DATE_TIME.exec(v);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, , oh, om] = m;
  if (!isCalendarDate(Number(y), Number(mo), Number(d))) return undefined;
  if (Number(h) > 23 || Number(mi) > 59 || (s !== undefined && Number(s) > 59)) return undefined;
  if (oh !== undefined && (Number(oh) > 18 || Number(om) > 59)) return undefined;
  const t = Date.parse(v);
  return Number.isNaN(t) ? undefined : t;
}

/** A calendar date `YYYY-MM-DD` as epoch milliseconds of its UTC midnight, or undefined. */
export function parseDate(v: string): number | undefined {
  const m = DATE_ONLY.exec(v);
  if (!m || !isCalendarDate(Number(m[1]), Number(m[2]), Number(m[3]))) return undefined;
  return Date.parse(`${v}T00:00:00Z`);
}

/** A date-time with `Z` or an offset (see {@link parseDateTime}), returned as normalised ISO-8601 UTC. */
export function requireDateTime(name: string, v: unknown): string {
  const t = typeof v === 'string' ? parseDateTime(v) : undefined;
  if (t === undefined) throw invalid(`${name} must be an ISO-8601 date-time with Z or an offset, on a real calendar day (e.g. 2026-03-01T08:00:00+08:00)`);
  return new Date(t).toISOString();
}

/** A calendar date or a date-time with `Z` or an offset, returned as normalised ISO-8601 UTC. */
export function requireDateOrDateTime(name: string, v: unknown): string {
  const t = typeof v === 'string' ? (parseDate(v) ?? parseDateTime(v)) : undefined;
  if (t === undefined) {
    throw invalid(`${name} must be a date (2026-03-01) or an ISO-8601 date-time with Z or an offset, on a real calendar day`);
  }
  return new Date(t).toISOString();
}

/** A four-digit year from 1900, as text (a query string or a chaincode argument). */
export function requireYear(name: string, v: unknown): number {
  if (typeof v !== 'string' || !/^\d{4}$/.test(v) || Number(v) < 1900) throw invalid(`${name} must be a four-digit year from 1900, e.g. 2025`);
  return Number(v);
}
