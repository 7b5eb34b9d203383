import type { Ledger } from '../ledger';
import type { DomainContext } from './context';

const CACHE_LIMIT = 200_000;

/** Block numbers of committed transactions never change, so they are cached per ledger. */
const cache = new WeakMap<Ledger, Map<string, number>>();

function cacheOf(ledger: Ledger): Map<string, number> {
  let m = cache.get(ledger);
  if (!m) cache.set(ledger, (m = new Map()));
  return m;
}

/** Notes where a write landed, so that traces of fresh records need no ledger lookup. */
export function rememberBlock(ctx: DomainContext, txId: string, blockNumber: number): void {
  const m = cacheOf(ctx.ledger);
  if (m.size >= CACHE_LIMIT) m.clear();
  m.set(txId, blockNumber);
}

/** The block a committed transaction landed in, or undefined when the ledger does not know it. */
export async function blockNumberOf(ctx: DomainContext, txId: string): Promise<number | undefined> {
  const m = cacheOf(ctx.ledger);
  const hit = m.get(txId);
  if (hit !== undefined) return hit;
  const tx = await ctx.ledger.transaction(txId);
  if (!tx) return undefined;
  rememberBlock(ctx, txId, tx.blockNumber);
  return tx.blockNumber;
}

/** Block numbers of many transactions; each distinct id is looked up once. */
export async function blockNumbersOf(ctx: DomainContext, txIds: Iterable<string>): Promise<Map<string, number | undefined>> {
  const ids = [...new Set(txIds)];
  const numbers = await Promise.all(ids.map((id) => blockNumberOf(ctx, id)));
  return new Map(ids.map((id, i) => [id, numbers[i]]));
}
