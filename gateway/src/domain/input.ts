import { MAX_AMOUNT_FEN } from '../../../chaincode/src/models';
import { invalid } from '../../../chaincode/src/errors';

/** Helpers that turn untyped request bodies into typed values or a 400. */
export function objectField(v: unknown, name: string): Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw invalid(`${name} must be a JSON object`);
  return v as Record<string, unknown>;
}

export function stringField(v: unknown, name: string, opts: { max?: number; optional?: boolean; pattern?: RegExp } = {}): string | undefined {
  if (v === undefined || v === null) {
    if (opts.optional) return undefined;
    throw invalid(`${name} is required`);
  }
  if (typeof v !== 'string') throw invalid(`${name} must be a string`);
  if (v.trim().length === 0) throw invalid(`${name} must not be empty`);
  const max = opts.max ?? 256;
  if (v.length > max) throw invalid(`${name} must be at most ${max} characters`);
  if (opts.pattern && !opts.pattern.test(v)) throw invalid(`${name} has an invalid format`);
  return v;
}

export function requiredString(v: unknown, name: string, opts: { max?: number; pattern?: RegExp } = {}): string {
  return stringField(v, name, opts) as string;
}

export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

export function dateTimeField(v: unknown, name: string): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string' || !/^\d{4}-\d{2}-\d{2}(T|$)/.test(v) || Number.isNaN(Date.parse(v))) {
    throw invalid(`${name} must be an ISO-8601 date or date-time`);
  }
  return new Date(v).toISOString();
}

/** `limit` from a query or body: 1..500, default 50. */
export function limitField(v: unknown): number {
  if (v === undefined || v === null || v === '') return 50;
  const n = typeof v === 'string' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 500) throw invalid('limit must be an integer from 1 to 500');
  return n;
}

/** Opaque cursors wrap the ledger's bookmark in base64url. */
export function encodeCursor(bookmark: string | undefined): string | undefined {
  return bookmark ? Buffer.from(bookmark, 'utf8').toString('base64url') : undefined;
}

export function decodeCursor(v: unknown): string {
  if (v === undefined || v === null || v === '') return '';
  if (typeof v !== 'string' || !/^[A-Za-z0-9_-]{1,2048}$/.test(v)) throw invalid('cursor is malformed');
  const raw = Buffer.from(v, 'base64url').toString('utf8');
  if (!raw.startsWith('\u0000')) throw invalid('cursor is malformed');
  return raw;
}

/** Resident ID numbers (and, for organisations, credit codes) as holders and donors give them. */
export const ID_NUMBER_PATTERN = /^[0-9A-Za-z\s-]+$/;

/** An amount in fen: a JSON integer from 1 to 10^12. Strings, fractions and floats are refused, never rounded. */
export function amountField(v: unknown, name: string): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v <= 0 || v > MAX_AMOUNT_FEN) {
    throw invalid(`${name} must be an integer number of fen from 1 to ${MAX_AMOUNT_FEN}`);
  }
  return v;
}

/** A JSON boolean; absent is allowed only when `optional`. */
export function booleanField(v: unknown, name: string, opts: { optional?: boolean } = {}): boolean | undefined {
  if (v === undefined || v === null) {
    if (opts.optional) return undefined;
    throw invalid(`${name} is required`);
  }
  if (typeof v !== 'boolean') throw invalid(`${name} must be true or false`);
  return v;
}

/** A four-digit year from a query string. */
export function yearField(v: unknown): number {
  if (typeof v !== 'string' || !/^\d{4}$/.test(v) || Number(v) < 1900) throw invalid('year must be a four-digit year, e.g. ?year=2025');
  return Number(v);
}
