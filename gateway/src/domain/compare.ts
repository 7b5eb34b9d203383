import { CodedError, invalid, type ErrorCode } from '../../../chaincode/src/errors';
import { MAX_BATCH } from '../../../chaincode/src/functions';
import type { SigningIdentity } from '../../../network/pki/types';
import { read } from './calls';
import type { DomainContext } from './context';
import { objectField } from './input';

/**
 * How a row of an import stands against the ledger: no record under its id,
 * a record that says what the row says, or a record that says something
 * else. An importer that reruns a file counts only "same" as done: a record
 * under the row's id that belongs to another holder, donor or amount means
 * the row's person got nothing.
 */
export type CompareState = 'absent' | 'same' | 'different';

/**
 * One row's answer. `differs` names the fields that differ, never their
 * values; `unverified` names fields the record holds nothing to compare
 * with (a certificate anchored before its claims were kept as `claimsRef`).
 */
export interface Comparison<Field extends string> {
  id: string;
  state: CompareState;
  differs?: Field[];
  unverified?: Field[];
}

/** Parallel record reads of one comparison: enough to hide a peer's round trip, few enough not to crowd out writes. */
const READ_CONCURRENCY = 16;

/**
 * The `items` of a comparison body: 1 to {@link MAX_BATCH}, as a batch
 * takes them, each with an id (a record is found by its id), no id twice (so
 * that one request tests one person per record).
 */
export function compareItems(body: unknown, noun: string): Array<{ item: Record<string, unknown>; where: string }> {
  const b = objectField(body, 'body');
  if (!Array.isArray(b.items) || b.items.length === 0 || b.items.length > MAX_BATCH) {
    throw invalid(`items must be an array of 1 to ${MAX_BATCH} ${noun}`);
  }
  const seen = new Map<unknown, number>();
  return b.items.map((raw: unknown, i: number) => {
    const where = `items[${i}]`;
    const item = objectField(raw, where);
    if (item.id === undefined || item.id === null) throw invalid(`${where}.id is required: a record is compared by its id`);
    const first = seen.get(item.id);
    if (first !== undefined) throw invalid(`${where}.id repeats items[${first}].id`);
    seen.set(item.id, i);
    return { item, where };
  });
}

/** What reading one record came to: the record, none under that id, or a refusal the comparison answers (not the caller's to read). */
export type ReadOutcome<T> = { kind: 'found'; record: T } | { kind: 'absent' } | { kind: 'refused'; code: ErrorCode };

/**
 * Reads the record of each id as `who`, at most {@link READ_CONCURRENCY} at
 * a time, in order: `absent` where the ledger answers `notFound`, `refused`
 * where it answers one of `refusals`; any other failure fails the whole
 * comparison, so a row is never called absent because a read failed.
 */
export async function readRecords<T>(
  ctx: DomainContext,
  who: SigningIdentity,
  fn: string,
  ids: readonly string[],
  notFound: ErrorCode,
  refusals: readonly ErrorCode[] = [],
): Promise<Array<ReadOutcome<T>>> {
  const out = new Array<ReadOutcome<T>>(ids.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < ids.length) {
      const i = next++;
      try {
        out[i] = { kind: 'found', record: await read<T>(ctx, who, fn, [ids[i]]) };
      } catch (err) {
        if (!(err instanceof CodedError)) throw err;
        if (err.code === notFound) out[i] = { kind: 'absent' };
        else if (refusals.includes(err.code)) out[i] = { kind: 'refused', code: err.code };
        else throw err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(READ_CONCURRENCY, ids.length) }, worker));
  return out;
}

/** Two ISO-8601 instants (normalised or not) are the same moment. */
export function sameInstant(a: string | undefined, b: string): boolean {
  return a !== undefined && Date.parse(a) === Date.parse(b);
}

/** The answer for one row from the fields that differ and those that could not be compared. */
export function comparison<Field extends string>(id: string, differs: Field[], unverified: Field[] = []): Comparison<Field> {
  return {
    id,
    state: differs.length > 0 ? 'different' : 'same',
    ...(differs.length > 0 ? { differs } : {}),
    ...(unverified.length > 0 ? { unverified } : {}),
  };
}
