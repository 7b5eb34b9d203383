import { invalid } from '../../../chaincode/src/errors';
import { requireDateOrDateTime } from '../../../chaincode/src/dates';
import { requirePersonDocument, type PersonDocument } from '../../../chaincode/src/identifiers';
import { requireId } from '../../../chaincode/src/validate';

/**
 * Helpers that turn untyped request bodies into typed values or a 400. The
 * rules themselves (ids, amounts, dates, ID numbers, credit codes, free
 * text) live in chaincode/src; these only add "absent" handling and the
 * shape checks of HTTP bodies.
 */
export function objectField(v: unknown, name: string): Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw invalid(`${name} must be a JSON object`);
  return v as Record<string, unknown>;
}

const absent = (v: unknown): boolean => v === undefined || v === null;

/** A string that only has to be non-empty and short (a personal name, which never leaves the gateway). */
export function stringField(v: unknown, name: string, opts: { max?: number; optional?: boolean } = {}): string | undefined {
  if (absent(v)) {
    if (opts.optional) return undefined;
    throw invalid(`${name} is required`);
  }
  if (typeof v !== 'string') throw invalid(`${name} must be a string`);
  if (v.trim().length === 0) throw invalid(`${name} must not be empty`);
  const max = opts.max ?? 256;
  if (v.length > max) throw invalid(`${name} must be at most ${max} characters`);
  return v;
}

/** An identifier by the ledger's rule, or undefined when absent. */
export function optionalId(v: unknown, name: string): string | undefined {
  return absent(v) ? undefined : requireId(name, v);
}

/** A date or date-time with Z or an offset (the ledger's rule), normalised, or undefined when absent. */
export function optionalDateTime(v: unknown, name: string): string | undefined {
  return absent(v) ? undefined : requireDateOrDateTime(name, v);
}

/**
 * A person named by an identity document, `{idType?, idNumber, name?}`. The
 * name never reaches the ledger: only a credential carries it.
 */
export function personField(v: unknown, where: string, opts: { nameRequired?: boolean } = {}): PersonDocument & { name?: string } {
  const person = objectField(v, where);
  const name = stringField(person.name, `${where}.name`, { max: 200, optional: !opts.nameRequired });
  return { ...requirePersonDocument(where, person.idType, person.idNumber), name };
}

/** `limit` from a query or body: 1..500, default 50. */
export function limitField(v: unknown): number {
  if (absent(v) || v === '') return 50;
  const n = typeof v === 'string' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 500) throw invalid('limit must be an integer from 1 to 500');
  return n;
}

/** Opaque cursors wrap the ledger's bookmark in base64url; the chaincode refuses one outside its listing. */
export function encodeCursor(bookmark: string | undefined): string | undefined {
  return bookmark ? Buffer.from(bookmark, 'utf8').toString('base64url') : undefined;
}

export function decodeCursor(v: unknown): string {
  if (absent(v) || v === '') return '';
  if (typeof v !== 'string' || !/^[A-Za-z0-9_-]{1,2048}$/.test(v)) throw invalid('cursor is malformed');
  const raw = Buffer.from(v, 'base64url').toString('utf8');
  if (!raw.startsWith('\u0000')) throw invalid('cursor is malformed');
  return raw;
}

/** A JSON boolean; absent is allowed only when `optional`. */
export function booleanField(v: unknown, name: string, opts: { optional?: boolean } = {}): boolean | undefined {
  if (absent(v)) {
    if (opts.optional) return undefined;
    throw invalid(`${name} is required`);
  }
  if (typeof v !== 'boolean') throw invalid(`${name} must be true or false`);
  return v;
}
