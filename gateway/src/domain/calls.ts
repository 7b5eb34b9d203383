import type { SigningIdentity } from '../../../network/pki/types';
import { submitWithRetry } from '../ledger';
import type { DomainContext } from './context';

/** A committed write: the chaincode's answer plus where it landed. */
export interface Written<T> {
  value: T;
  txId: string;
  blockNumber: number;
}

/** Submits with bounded MVCC retries and decodes the JSON answer. */
export async function write<T>(ctx: DomainContext, who: SigningIdentity, fn: string, args: string[]): Promise<Written<T>> {
  const r = await submitWithRetry(ctx.ledger, who, fn, args, ctx.config.mvccRetries);
  return { value: JSON.parse(r.payload) as T, txId: r.txId, blockNumber: r.blockNumber };
}

/** Evaluates and decodes the JSON answer. */
export async function read<T>(ctx: DomainContext, who: SigningIdentity, fn: string, args: string[]): Promise<T> {
  return JSON.parse(await ctx.ledger.evaluate(who, fn, args)) as T;
}
