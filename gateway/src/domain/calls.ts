import type { SigningIdentity } from '../../../network/pki/types';
import { submitWithRetry, type Committed } from '../ledger';
import type { DomainContext } from './context';
import { blockNumberOf, rememberBlock } from './block-numbers';
import { CodedError } from '../../../chaincode/src/errors';
import { secondsSince } from '../observability/metrics';

/** A committed write: the chaincode's answer plus where it landed. */
export interface Written<T> {
  value: T;
  txId: string;
  blockNumber: number;
}

/** Submits with bounded MVCC retries and decodes the JSON answer. */
export async function write<T>(ctx: DomainContext, who: SigningIdentity, fn: string, args: string[]): Promise<Written<T>> {
  const started = performance.now();
  let r: Committed;
  try {
    r = await submitWithRetry(ctx.ledger, who, fn, args, ctx.config.mvccRetries, () => ctx.metrics.mvccRetry());
  } catch (err) {
    // Anything but a CodedError is answered as INTERNAL, so it is counted as one.
    ctx.metrics.observeSubmit(fn, err instanceof CodedError ? err.code : 'INTERNAL', secondsSince(started));
    throw err;
  }
  ctx.metrics.observeSubmit(fn, 'ok', secondsSince(started));
  // Where it landed, so a trace or verification of this record needs no ledger lookup.
  rememberBlock(ctx, r.txId, r.blockNumber);
  return { value: JSON.parse(r.payload) as T, txId: r.txId, blockNumber: r.blockNumber };
}

/** Evaluates and decodes the JSON answer. */
export async function read<T>(ctx: DomainContext, who: SigningIdentity, fn: string, args: string[]): Promise<T> {
  return JSON.parse(await ctx.ledger.evaluate(who, fn, args)) as T;
}

/** The prefix of record ids the API derived from an Idempotency-Key rather than took from the client. */
export const DERIVED_ID_PREFIX = 'idem-';

/**
 * Writes a record whose id may have been derived from an Idempotency-Key.
 * Then DUPLICATE_ID means an earlier attempt of this very request committed
 * and its answer was lost (a crash between commit and stored answer): the
 * record already written is the answer, and nothing is written twice.
 */
export async function writeOnce<T>(ids: readonly string[], write: () => Promise<T>, existing: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (err) {
    if (err instanceof CodedError && err.code === 'DUPLICATE_ID' && ids.length > 0 && ids.every((id) => id.startsWith(DERIVED_ID_PREFIX))) return existing();
    throw err;
  }
}

/** A record already on the ledger, as the answer its first write would have given. */
export async function alreadyWritten<T extends { txId: string }>(ctx: DomainContext, record: Promise<T>): Promise<Written<T>> {
  const value = await record;
  const blockNumber = await blockNumberOf(ctx, value.txId);
  if (blockNumber === undefined) throw new CodedError('LEDGER_UNAVAILABLE', `transaction ${value.txId} is not in the ledger yet`);
  return { value, txId: value.txId, blockNumber };
}
