import type { SigningIdentity } from '../../../network/pki/types';
import { submitWithRetry, type Committed } from '../ledger';
import type { DomainContext } from './context';
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
  return { value: JSON.parse(r.payload) as T, txId: r.txId, blockNumber: r.blockNumber };
}

/** Evaluates and decodes the JSON answer. */
export async function read<T>(ctx: DomainContext, who: SigningIdentity, fn: string, args: string[]): Promise<T> {
  return JSON.parse(await ctx.ledger.evaluate(who, fn, args)) as T;
}
