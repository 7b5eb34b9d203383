import { MAX_JSON_DEPTH, jsonDepthExceeds } from './json-depth';
import { CodedError } from './errors';

const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
const HEX64 = /^[0-9a-f]{64}$/;

/**
 * Parses a JSON argument or throws VALIDATION_FAILED. A peer takes arguments
 * from any member, not only from our gateway, so nesting is bounded here too:
 * a deep document would overflow the stack of every endorser that walks it.
 */
export function parseArg<T>(name: string, raw: string): T {
  if (typeof raw !== 'string') throw new CodedError('VALIDATION_FAILED', `${name} must be JSON text`);
  if (jsonDepthExceeds(raw, MAX_JSON_DEPTH)) throw new CodedError('VALIDATION_FAILED', `${name} is nested deeper than ${MAX_JSON_DEPTH} levels`);
  try {
    return JSON.parse(raw) as T;
  } catch {
    throw new CodedError('VALIDATION_FAILED', `${name} is not valid JSON`);
  }
}

/** A plain object, or VALIDATION_FAILED. */
export function requireObject(name: string, v: unknown): Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) {
    throw new CodedError('VALIDATION_FAILED', `${name} must be an object`);
  }
  return v as Record<string, unknown>;
}

/** A non-empty string of at most `max` characters. */
export function requireString(name: string, v: unknown, max = 256): string {
  if (typeof v !== 'string' || v.trim().length === 0) {
    throw new CodedError('VALIDATION_FAILED', `${name} must be a non-empty string`);
  }
  if (v.length > max) throw new CodedError('VALIDATION_FAILED', `${name} is longer than ${max} characters`);
  return v;
}

/** True for an identifier: letters, digits and `._:-`, starting with a letter or digit, at most 128 characters. */
export function isId(v: unknown): v is string {
  return typeof v === 'string' && ID_PATTERN.test(v);
}

/** An identifier (see {@link isId}), or VALIDATION_FAILED. */
export function requireId(name: string, v: unknown): string {
  if (!isId(v)) {
    throw new CodedError('VALIDATION_FAILED', `${name} must match ${ID_PATTERN.source}`);
  }
  return v;
}

/** A lowercase hex SHA-256 / HMAC-SHA256 value. */
export function requireHex64(name: string, v: unknown): string {
  if (typeof v !== 'string' || !HEX64.test(v)) {
    throw new CodedError('VALIDATION_FAILED', `${name} must be 64 lowercase hex characters`);
  }
  return v;
}

/** A page size: 1..max, default `fallback`. */
export function parseLimit(raw: string, max: number, fallback: number): number {
  if (raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > max) {
    throw new CodedError('VALIDATION_FAILED', `limit must be an integer from 1 to ${max}`);
  }
  return n;
}

/**
 * Refuses fields outside `allowed`. Inputs that might carry personal data
 * (donations, disbursements) use it, so that a name or ID number a client
 * adds by mistake is refused rather than written into a block.
 */
export function requireOnlyFields(name: string, body: Record<string, unknown>, allowed: readonly string[]): void {
  const extra = Object.keys(body).filter((k) => !allowed.includes(k));
  if (extra.length > 0) throw new CodedError('VALIDATION_FAILED', `${name} has unknown fields: ${extra.join(', ')}`);
}
